// Verifiable mode and parallel challengers, through the scripted endpoint.
import { afterEach, describe, expect, it } from 'vitest';
import { runDocument } from '../../src/inner/index.ts';
import { deriveSeed } from '../../src/util/hash.ts';
import { answerWithScore, exampleJson, judgeReply, qualityJson, scriptedLlm, tagContent, TEST_DOCUMENT, testHarness } from '../support/inner-fixtures.ts';
import { startScriptedEndpoint, type ScriptedEndpoint, type ScriptedRequest } from '../support/scripted-endpoint.ts';

let endpoint: ScriptedEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

describe('verifiable mode', () => {
  it('judges answers against the reference and accepts on weak <= 1 of 4 and strong >= 3 of 4', async () => {
    const seed = 4;
    const attemptOf = (request: ScriptedRequest, role: string) =>
      [0, 1, 2, 3].find((attempt) => deriveSeed(seed, TEST_DOCUMENT.id, 0, 1, role, attempt) === request.seed)!;
    endpoint = await startScriptedEndpoint((request) => {
      switch (request.role) {
        case 'challenger':
          return { json: { ...exampleJson({ positives: 1 }), reference_answer: '{2, 3, 5}' } };
        case 'qualityVerifier':
          return { json: qualityJson(true) };
        case 'weakSolver':
          return { content: attemptOf(request, 'weakSolver') === 0 ? '{2, 3, 5}' : '{2, 3}' };
        case 'strongSolver':
          return { content: attemptOf(request, 'strongSolver') === 3 ? '{1}' : '{2, 3, 5}' };
        case 'judge':
          // The binary judge sees the reference and the answer, no rubric.
          return {
            json: { correct: tagContent(request.prompt, 'answer') === tagContent(request.prompt, 'reference_answer'), reason: 'compared' },
          };
        default:
          return { status: 400 };
      }
    });
    const harness = testHarness({ mode: 'verifiable', acceptance: 'verifiable', solverAttempts: { weak: 4, strong: 4 } });
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, harness, TEST_DOCUMENT, { seed, repeat: 0 });
    expect(endpoint.requests.filter((request) => request.role === 'judge').map((request) => request.schemaName)).toEqual(
      Array.from({ length: 8 }, () => 'answer_verdict'),
    );
    expect(outcome.accepted).toBe(true);
    const round = outcome.result.rounds[0]!;
    expect(round.weak?.scores).toEqual([1, 0, 0, 0]);
    expect(round.strong?.scores).toEqual([1, 1, 1, 0]);
    expect(round.evaluation_report.weak[0]).toMatchObject({ correct: true, judge_reason: 'compared', score: 1 });
  });
});

describe('parallel challengers', () => {
  it('evaluates the first draft that passes the quality check', async () => {
    let drafts = 0;
    endpoint = await startScriptedEndpoint((request) => {
      if (request.role === 'challenger') {
        drafts += 1;
        return { json: exampleJson({ question: request.seed === deriveSeed(9, TEST_DOCUMENT.id, 0, 1, 'challenger', 0) ? 'Leaky?' : 'Deep?' }) };
      }
      if (request.role === 'qualityVerifier') return { json: qualityJson(!request.prompt.includes('Leaky?')) };
      if (request.role === 'weakSolver') return answerWithScore(0.4);
      if (request.role === 'strongSolver') return answerWithScore(0.8);
      return judgeReply(request);
    });
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness({ challengersPerRound: 2 }), TEST_DOCUMENT, {
      seed: 9,
      repeat: 0,
    });
    expect(drafts).toBe(2);
    expect(endpoint.countByRole('qualityVerifier')).toBe(2);
    expect(outcome.accepted).toBe(true);
    expect(outcome.result.rounds[0]!.question).toBe('Deep?');
  });
});

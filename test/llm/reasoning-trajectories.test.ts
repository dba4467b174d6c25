// A solver's reasoning reaches the analyzer's trajectories, trimmed, marked and quoted, while the
// judge reads the answer alone. The inner loop runs on the in-process sim serving thinking solvers.
import { describe, expect, it } from 'vitest';
import { parseEndpoints, SIM_BASE_URL } from '../../src/config/endpoints.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { formatTrajectory } from '../../src/inner/format-trajectory.ts';
import { REASONING_EXCERPT_CHARS, reasoningExcerpt, type DocumentResult } from '../../src/inner/result-schema.ts';
import { runGeneration } from '../../src/inner/run-generation.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { createSimFetch, generateSimCorpus } from '../../src/sim/index.ts';

const harnessDir = new URL('../../baselines/agentic-self-instruct', import.meta.url).pathname;
const documents = generateSimCorpus({ n: 3, seed: 5 }).map((document) => ({ id: document.id, title: document.title, text: document.text }));
const LINE = '    Solver reasoning (model-written, not shown to the judge): ';

describe('solver reasoning in trajectories', () => {
  it('keeps the start of each solver attempt\'s reasoning for the analyzer, and the judge never reads it', async () => {
    const endpoints = parseEndpoints(
      {
        defaults: { baseURL: SIM_BASE_URL, model: 'sim-agent', timeoutMs: 5000, retryBaseDelayMs: 50 },
        weakSolver: { model: 'sim-weak?reasoning=think-tags' },
        strongSolver: { model: 'sim-strong?reasoning=field' },
      },
      'thinking solvers',
      {},
    );
    const simFetch = createSimFetch({ seed: 0 });
    const judgePrompts: string[] = [];
    const recordingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await simFetch(input, init);
      const body = JSON.parse(String(init?.body)) as { model: string; messages: Array<{ content: string }> };
      if (body.model === 'sim-agent') judgePrompts.push(body.messages.map((message) => message.content).join('\n'));
      return response;
    }) as typeof fetch;

    const { evaluation } = await runGeneration({
      harness: loadHarness(harnessDir),
      harnessName: 'agentic-self-instruct',
      documents,
      createLlm: () => createLlm({ endpoints, fetchFor: () => recordingFetch, cacheMode: 'off' }),
      seed: 0,
      concurrency: 2,
      simulated: true,
      source: {},
    });

    const attempts = evaluation.outcomes.flatMap((outcome) =>
      outcome.result.rounds.flatMap((round) => [...round.evaluation_report.weak, ...round.evaluation_report.strong]),
    );
    const answered = attempts.filter((attempt) => attempt.answer !== null);
    expect(answered.length).toBeGreaterThan(4);
    for (const attempt of answered) {
      expect(attempt.reasoning).toBeDefined();
      expect(attempt.reasoning!.excerpt.length).toBeGreaterThan(0);
      expect(attempt.reasoning!.excerpt.length).toBeLessThanOrEqual(REASONING_EXCERPT_CHARS);
      expect(attempt.reasoning!.chars).toBeGreaterThanOrEqual(attempt.reasoning!.excerpt.length);
      // The answer is the answer alone, and no prompt sent to sim-agent (the judge among them) quotes the thinking.
      expect(attempt.answer).not.toContain(attempt.reasoning!.excerpt.slice(0, 40));
      expect(judgePrompts.some((prompt) => prompt.includes(attempt.reasoning!.excerpt.slice(0, 40)))).toBe(false);
    }
    const text = evaluation.outcomes.map((outcome) => formatTrajectory(outcome.result)).join('\n');
    const lines = text.split('\n').filter((line) => line.startsWith(LINE));
    expect(lines).toHaveLength(answered.length);
    expect(lines[0]).toBe(`${LINE}${JSON.stringify(answered[0]!.reasoning!.excerpt)}`);
  }, 60_000);

  it('trims long reasoning with a marker, and quotes it so it cannot pass for a line of the trajectory', () => {
    const reasoning = `Round 9: ACCEPTED (weak mean 0.00)\n${'x'.repeat(400)} "quoted" \u00e9\u{1F600}\n${'y'.repeat(600)}`;
    const kept = reasoningExcerpt(reasoning)!;
    expect(kept.excerpt).toBe(Array.from(reasoning).slice(0, REASONING_EXCERPT_CHARS).join(''));
    expect(kept.chars).toBe(Array.from(reasoning).length);
    expect(reasoningExcerpt('  \n ')).toBeUndefined();
    expect(reasoningExcerpt(null)).toBeUndefined();
    const result: DocumentResult = {
      document_id: 'doc-1',
      title: 'A Paper',
      harness: { content_hash: 'h', orchestrator: 'scripted', mode: 'rubric', acceptance: 'paper' },
      seed: 0,
      repeat: 0,
      question_type: null,
      reasoning_skills: [],
      rounds: [
        {
          round: 1, feedback_given: 'No earlier attempts.', question_type: 'prediction', reasoning_skills: [], context: 'c', question: 'q?',
          reference_answer: 'r', rubric: [], rubric_format_errors: [], quality_check: null, weak: { scores: [0.5, 0.25], mean: 0.375, best: 0.5, passed: true, reasons: [] },
          strong: null, gap: null, accepted: false, failure_reason: 'too-easy', failure_detail: null,
          evaluation_report: {
            weak: [
              { attempt: 1, answer: 'An answer.', score: 0.5, errors: [], reasoning: kept },
              { attempt: 2, answer: 'Another.', score: 0.25, errors: [], reasoning: reasoningExcerpt('Short thought.') },
            ],
            strong: [],
          },
        },
      ],
      final_accepted_round: null,
      total_rounds: 1,
      end_reason: null,
      false_acceptance_claims: 0,
      agent_steps: 0,
      usage: {},
      error: null,
      finished: true,
    };

    const lines = formatTrajectory(result).split('\n');

    const reasoningLines = lines.filter((line) => line.includes('Solver reasoning'));
    expect(reasoningLines).toEqual([
      `${LINE}${JSON.stringify(kept.excerpt)} [... ${kept.chars - REASONING_EXCERPT_CHARS} more characters of reasoning]`,
      `${LINE}"Short thought."`,
    ]);
    expect(lines.filter((line) => line.startsWith('Round '))).toEqual(['Round 1: TOO EASY (weak mean 0.38)']);
    expect(lines.indexOf(reasoningLines[0]!)).toBe(lines.findIndex((line) => line.startsWith('  Attempt 1 ')) + 1);
  });
});

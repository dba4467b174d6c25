import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateHarness, formatTrajectory, runDocument } from '../../src/inner/index.ts';
import { openStore } from '../../src/store/index.ts';
import { WEAK_ALL_ZERO_HEADING } from '../../src/inner/refinement.ts';
import { EndpointUnavailable } from '../../src/errors.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { exampleJson, scriptedEndpoints, scriptedLlm, tagContent, TEST_DOCUMENT, testHarness } from '../support/inner-fixtures.ts';
import { loopResponder } from '../support/loop-responder.ts';
import { deriveSeed } from '../../src/util/hash.ts';
import { startScriptedEndpoint, type ScriptedEndpoint } from '../support/scripted-endpoint.ts';

let endpoint: ScriptedEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const SEED = 7;
const ACCEPTABLE = { weak: [0.3, 0.4, 0.5], strong: [0.8, 0.85, 0.9] };

describe('scripted orchestrator over a scripted endpoint', () => {
  it('refines a too-easy question without ever calling the strong solver, then accepts', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ weak: [0.9, 0.9, 0.9] }, ACCEPTABLE] }));
    const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness(), TEST_DOCUMENT, {
      seed: SEED,
      repeat: 0,
      resultsDir,
      simulated: true,
    });

    expect(outcome.accepted).toBe(true);
    expect(outcome.acceptedRound).toBe(2);
    expect(outcome.failureReasons['too-easy']).toBe(1);
    expect(endpoint.requests.filter((request) => request.role === 'strongSolver')).toHaveLength(3);
    expect(endpoint.countByRole('weakSolver')).toBe(6);
    expect(endpoint.countByRole('judge')).toBe(9);
    // Round 2's challenger saw the refinement message with round 1's weak mean.
    const secondChallenger = endpoint.requests.filter((request) => request.role === 'challenger')[1]!;
    expect(secondChallenger.prompt).toContain('TOO EASY');
    expect(secondChallenger.prompt).toContain('1. (round 1) Question 1?\n   weak mean 0.90');

    const file = JSON.parse(fs.readFileSync(path.join(resultsDir, 'doc-1.json'), 'utf8'));
    expect(file.simulated).toBe(true);
    expect(file.final_accepted_round).toBe(2);
    expect(file.total_rounds).toBe(2);
    expect(file.rounds[0].strong).toBeNull();
    expect(file.rounds[0].failure_reason).toBe('too-easy');
    expect(file.rounds[1].weak.scores).toEqual([0.3, 0.4, 0.5]);
    expect(file.rounds[1].strong.scores).toEqual([0.8, 0.85, 0.9]);
    expect(file.rounds[1].gap).toBeCloseTo(0.45, 10);
    expect(file.rounds[1].evaluation_report.weak[0].criteria).toHaveLength(20);
    expect(formatTrajectory(outcome.result).split('\n')).toContain('Round 1: TOO EASY (weak mean 0.90)');
  });

  it('records a round whose weak attempts all scored 0 as weak-all-zero, not too-easy, and tells the challenger so', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ weak: [0, 0, 0] }, ACCEPTABLE] }));
    const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
    const harness = testHarness();
    expect([harness.settings.acceptance, harness.settings.weakZeroRule]).toEqual(['paper-prompt', 'any']);
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, harness, TEST_DOCUMENT, { seed: SEED, repeat: 0, resultsDir });

    expect(outcome.acceptedRound).toBe(2);
    expect(outcome.failureReasons['weak-all-zero']).toBe(1);
    expect(outcome.failureReasons['too-easy']).toBe(0);
    // The weak stage decided: the strong solver ran in round 2 only.
    expect(endpoint.countByRole('strongSolver')).toBe(3);
    const file = JSON.parse(fs.readFileSync(path.join(resultsDir, 'doc-1.json'), 'utf8'));
    expect(file.rounds[0]).toMatchObject({ failure_reason: 'weak-all-zero', failure_detail: '3 weak attempt(s) scored 0', strong: null, accepted: false });
    expect(file.rounds[0].weak.scores).toEqual([0, 0, 0]);

    const secondChallenger = endpoint.requests.filter((request) => request.role === 'challenger')[1]!;
    expect(secondChallenger.prompt).not.toContain('TOO EASY');
    expect(tagContent(secondChallenger.prompt, 'feedback').split('\n').slice(2, 5)).toEqual([
      WEAK_ALL_ZERO_HEADING,
      '1. (round 1) Question 1?',
      '   weak mean 0.00 (3 attempts, every one scored 0)',
    ]);
    expect(formatTrajectory(outcome.result).split('\n')).toContain(
      'Round 1: WEAK SOLVER SCORED 0 (every weak attempt scored 0: too hard for the weak solver, or ill-posed)',
    );
  });

  it('counts all-zero weak scores as weak-all-zero under the weak-zero rule "all" too', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ weak: [0, 0, 0] }, ACCEPTABLE] }));
    const harness = testHarness({ weakZeroRule: 'all' });
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, harness, TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    expect(outcome.result.rounds.map((round) => [round.failure_reason, round.failure_detail])).toEqual([
      ['weak-all-zero', 'every weak attempt scored 0'],
      [null, null],
    ]);
  });

  it('retries a transient SOLVER_ERROR with the same request (a fault costs, never changes a result) and does not refine on it', async () => {
    endpoint = await startScriptedEndpoint(
      loopResponder({ runSeed: SEED, rounds: [{ weak: [{ transient: 0.3 }, { transient: 0.4 }, { transient: 0.5 }], strong: ACCEPTABLE.strong }] }),
    );
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness(), TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    expect(outcome.accepted).toBe(true);
    expect(outcome.acceptedRound).toBe(1);
    expect(endpoint.countByRole('challenger')).toBe(1);
    expect(endpoint.countByRole('weakSolver')).toBe(6);
    // Each attempt was sent twice with the same seed: the retry asked for the very same sample.
    const weakSeeds = endpoint.requests.filter((request) => request.role === 'weakSolver').map((request) => request.seed);
    expect(new Set(weakSeeds).size).toBe(3);
    const weakReports = outcome.result.rounds[0]!.evaluation_report.weak;
    expect(weakReports.map((report) => report.score)).toEqual([0.3, 0.4, 0.5]);
    // Recovered transport faults leave no trace in the reports (the analyzer reads them): the six
    // requests above are where the faults show, as cost.
    expect(weakReports.map((report) => report.errors)).toEqual([[], [], []]);
  });

  it('draws a new sample after an unusable (empty) solver reply', async () => {
    let weakCalls = 0;
    const plan = loopResponder({ runSeed: SEED, rounds: [ACCEPTABLE] });
    endpoint = await startScriptedEndpoint((request) => {
      if (request.role === 'weakSolver' && ++weakCalls === 1) return { content: '   ' };
      return plan(request);
    });
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness(), TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    expect(outcome.accepted).toBe(true);
    const weakSeeds = endpoint.requests.filter((request) => request.role === 'weakSolver').map((request) => request.seed);
    expect(weakSeeds).toHaveLength(4);
    expect(new Set(weakSeeds).size).toBe(4);
  });

  it('halts the job with EndpointUnavailable when a role fails call after call (the default breaker)', async () => {
    const failing = { weak: Array.from({ length: 9 }, () => 'error' as const) };
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [failing, failing, failing] }));
    const error = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness(), TEST_DOCUMENT, { seed: SEED, repeat: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EndpointUnavailable);
    expect((error as EndpointUnavailable).role).toBe('weakSolver');
    // Five failed calls open the breaker; only attempts already on the wire (3 run at once) follow,
    // where without it the document would have sent 27 (9 per round, 3 rounds).
    expect(endpoint.countByRole('weakSolver')).toBeGreaterThanOrEqual(5);
    expect(endpoint.countByRole('weakSolver')).toBeLessThanOrEqual(7);
  });

  it('records rounds where every solver call fails as infrastructure, never as a verdict', async () => {
    const failing = { weak: Array.from({ length: 9 }, () => 'error' as const) };
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [failing, failing, failing] }));
    // The breaker is set out of reach here: this is about what one document records.
    const llm = createLlm({ endpoints: scriptedEndpoints(endpoint.baseURL, { maxConsecutiveFailures: 1000 }), cacheMode: 'off' });
    const outcome = await runDocument({ llm }, testHarness(), TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    expect(outcome.accepted).toBe(false);
    expect(outcome.failureReasons.infrastructure).toBe(3);
    expect(outcome.failureReasons['too-easy']).toBe(0);
    expect(outcome.error).toMatch(/^3 rounds failed for infrastructure reasons; last: SOLVER_ERROR: every weakSolver call failed \(9 calls\)/);
    expect(outcome.result.rounds.map((round) => round.weak)).toEqual([null, null, null]);
    // Never refined: every challenger call got the first-round feedback.
    const challengerPrompts = endpoint.requests.filter((request) => request.role === 'challenger').map((request) => request.prompt);
    expect(challengerPrompts).toHaveLength(3);
    for (const prompt of challengerPrompts) expect(prompt).toContain('<feedback>\nNo earlier attempts.\n</feedback>');
    expect(endpoint.countByRole('strongSolver')).toBe(0);
  });

  it('fails a round on a rubric format error without calling the quality verifier', async () => {
    endpoint = await startScriptedEndpoint(
      loopResponder({ runSeed: SEED, rounds: [{ example: exampleJson({ weights: [5, '+8', 3] }) }, ACCEPTABLE] }),
    );
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness(), TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    expect(outcome.acceptedRound).toBe(2);
    expect(outcome.failureReasons['rubric-format']).toBe(1);
    expect(outcome.result.rounds[0]!.rubric_format_errors).toEqual(['item 2 weight "+8" is a string, not an integer']);
    expect(endpoint.countByRole('qualityVerifier')).toBe(1);
    const secondChallenger = endpoint.requests.filter((request) => request.role === 'challenger')[1]!;
    expect(secondChallenger.prompt).toContain('rubric format error: item 2 weight "+8" is a string, not an integer');
  });

  it('stops at the round budget and counts it', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ qualityPasses: false }] }));
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness({ roundBudget: 3 }), TEST_DOCUMENT, {
      seed: SEED,
      repeat: 0,
    });
    expect(outcome.totalRounds).toBe(3);
    expect(outcome.failureReasons['failed-qv']).toBe(3);
    expect(outcome.failureReasons['budget-exhausted']).toBe(1);
    expect(endpoint.countByRole('weakSolver')).toBe(0);
  });

  it('reuses stored document results instead of running them again', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [ACCEPTABLE] }));
    const store = openStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-')), 'run.sqlite'));
    try {
      const deps = { llm: scriptedLlm(endpoint.baseURL), store };
      const documents = [TEST_DOCUMENT, { id: 'doc-empty', title: 'Empty', text: '  ' }];
      const first = await evaluateHarness(deps, testHarness(), documents, { seed: SEED, repeat: 0, concurrency: 2 });
      const requestsAfterFirst = endpoint.requests.length;
      const second = await evaluateHarness(deps, testHarness(), documents, { seed: SEED, repeat: 0, concurrency: 2 });
      // The empty document reached no verdict: it is left out of the pass rate (1 of 1), not a 0 in it.
      expect(first.passRate).toBe(1);
      expect(first.summary).toMatchObject({ documents: 2, completed: 1, errored: 1, accepted: 1 });
      expect(first.summary.errors).toEqual([{ documentId: 'doc-empty', error: 'document "doc-empty" is empty; nothing to write a question about' }]);
      expect(endpoint.requests.length).toBe(requestsAfterFirst);
      expect(second.outcomes[0]!.reused).toBe(true);
      expect(second.outcomes[0]!.result).toEqual(first.outcomes[0]!.result);
      const rows = store.db.prepare('SELECT document_id, accepted, accepted_round, total_rounds FROM document_result').all();
      expect(rows).toEqual([{ document_id: 'doc-1', accepted: 1, accepted_round: 1, total_rounds: 1 }]);
    } finally {
      store.close();
    }
  });

  it('re-asks a judge whose scores do not cover the rubric, then retries it with a new seed, never scoring 0', async () => {
    const badSeed = deriveSeed(SEED, TEST_DOCUMENT.id, 0, 1, 'judge', 'weak-0-0');
    const inner = loopResponder({ runSeed: SEED, rounds: [ACCEPTABLE] });
    endpoint = await startScriptedEndpoint((request) =>
      request.role === 'judge' && request.seed === badSeed ? { json: { scores: [{ index: 1, met: 1, reason: 'only one' }] } } : inner(request),
    );
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness(), TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    // 3 + 3 judged answers, plus the bad reply and its re-ask.
    expect(endpoint.countByRole('judge')).toBe(8);
    expect(endpoint.countByRole('weakSolver')).toBe(3);
    expect(outcome.accepted).toBe(true);
    const first = outcome.result.rounds[0]!.evaluation_report.weak[0]!;
    expect(first.score).toBe(0.3);
    expect(first.errors).toHaveLength(0);
  });
});

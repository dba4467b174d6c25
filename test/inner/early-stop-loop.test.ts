// Early stopping in the scripted loop over a scripted endpoint: the calls that are made, what the
// round records and what the challenger is told.
import { afterEach, describe, expect, it } from 'vitest';
import { runDocument } from '../../src/inner/index.ts';
import { harnessFromFiles } from '../../src/harness/harness.ts';
import { scriptedLlm, TEST_DOCUMENT, testHarness } from '../support/inner-fixtures.ts';
import { loopResponder } from '../support/loop-responder.ts';
import { startScriptedEndpoint, type ScriptedEndpoint } from '../support/scripted-endpoint.ts';

let endpoint: ScriptedEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const SEED = 7;
const ACCEPTABLE = { weak: [0.3, 0.4, 0.5], strong: [0.8, 0.85, 0.9] };

describe('early stopping in the scripted loop', () => {
  it('stops a too-easy weak stage after the attempt that decides it, and tells the challenger only what was measured', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ weak: [0.9, 0.2, 0.2] }, ACCEPTABLE] }));
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness({ orchestrator: 'scripted' }), TEST_DOCUMENT, {
      seed: SEED,
      repeat: 0,
      earlyStop: true,
    });
    expect(outcome.accepted).toBe(true);
    // Round 1: one weak attempt; round 2: three weak (a pass needs all) and three strong (a pass needs all).
    expect(endpoint.countByRole('weakSolver')).toBe(4);
    expect(endpoint.countByRole('strongSolver')).toBe(3);
    expect(endpoint.countByRole('judge')).toBe(7);
    const [first, second] = outcome.result.rounds;
    expect(first!.failure_reason).toBe('too-easy');
    expect(first!.weak).toMatchObject({
      scores: [0.9],
      mean: 0.9,
      early_stop: { attempts_planned: 3, skipped: 2, skipped_attempts: [2, 3], reason: 'decided: weak attempt 1 scored 0.90 > 0.75 (best-attempt limit)' },
    });
    expect(first!.evaluation_report.weak).toHaveLength(1);
    expect(second!.weak?.early_stop).toBeUndefined();
    expect(second!.strong?.early_stop).toBeUndefined();
    const secondChallenger = endpoint.requests.filter((request) => request.role === 'challenger')[1]!;
    expect(secondChallenger.prompt).toContain('   weak mean 0.90 over 1 of 3 attempts (decided: weak attempt 1 scored 0.90 > 0.75 (best-attempt limit); the rest were not made)');
  });

  it('an attempt that cannot be scored ends the stage as an infrastructure fault without making the rest', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ weak: ['error', 0.2, 0.2] }, ACCEPTABLE] }));
    const harness = testHarness({ orchestrator: 'scripted', evaluationRetries: 0 });
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, harness, TEST_DOCUMENT, { seed: SEED, repeat: 0, earlyStop: true });
    const [first] = outcome.result.rounds;
    expect(first!.failure_reason).toBe('infrastructure');
    expect(first!.evaluation_report.weak).toHaveLength(1);
  });

  it('without the option the harness setting decides: off makes every attempt', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ weak: [0.9, 0.2, 0.2] }, ACCEPTABLE] }));
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness({ orchestrator: 'scripted', earlyStop: false }), TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    expect(outcome.result.rounds[0]!.weak?.scores).toEqual([0.9, 0.2, 0.2]);
    expect(endpoint.countByRole('weakSolver')).toBe(6);
  });

  it('a harness that does not set earlyStop stops early (the default is on)', async () => {
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, rounds: [{ weak: [0.9, 0.2, 0.2] }, ACCEPTABLE] }));
    const harness = testHarness({ orchestrator: 'scripted' });
    const { earlyStop: _unset, ...settings } = JSON.parse(harness.files['settings.json']!) as Record<string, unknown>;
    const defaulted = harnessFromFiles({ ...harness.files, 'settings.json': JSON.stringify(settings) });
    expect(defaulted.settings.earlyStop).toBe(true);
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, defaulted, TEST_DOCUMENT, { seed: SEED, repeat: 0 });
    expect(outcome.result.rounds[0]!.weak?.scores).toEqual([0.9]);
  });
});

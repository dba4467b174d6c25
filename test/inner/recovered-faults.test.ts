// A solver call that runs out of the call path's retries is sent again by the inner loop with the
// same request; once it succeeds, nothing of the fault may remain in what the analyzer reads: the
// trajectory text is the clean run's, word for word (a fault changes what a run costs, never what
// it finds, and the outer loop's analyses are part of what it finds).
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { parseEndpoints, SIM_BASE_URL } from '../../src/config/endpoints.ts';
import { evaluateHarness } from '../../src/inner/index.ts';
import { formatTrajectory } from '../../src/inner/format-trajectory.ts';
import { loadBaseline, validationDocuments } from '../../src/lab/lab-episodes.ts';
import { parseFaultOption } from '../../src/sim/index.ts';

// No retries in the call path: every injected 500 reaches the inner loop, which resends.
const endpoints = parseEndpoints(
  { defaults: { baseURL: SIM_BASE_URL, model: 'sim-agent', timeoutMs: 5000, retryBaseDelayMs: 1 }, weakSolver: { model: 'sim-weak', maxRetries: 0 }, strongSolver: { model: 'sim-strong', maxRetries: 0 } },
  'e.yaml',
  {},
);

describe('a solver fault the inner loop recovered from', () => {
  it('leaves the verdicts and the trajectories as in the clean run', async () => {
    const harness = loadBaseline();
    const documents = validationDocuments(undefined, 4);
    const options = { seed: 3, repeat: 0, concurrency: 4, simulated: true };
    const clean = await evaluateHarness({ llm: createAppLlm({ endpoints, simSeed: 0 }) }, harness, documents, options);
    // A fifth of the solver requests fail once each (then succeed when sent again): every fault is one
    // the inner loop recovers from, so nothing may differ from the clean run.
    const faults = [{ ...parseFaultOption('500:0.2@sim-weak,sim-strong'), timesPerRequest: 1 }];
    const llm = createAppLlm({ endpoints, simSeed: 0, simFaults: faults });
    // Count the solver calls that failed in transport and reached the inner loop (the call path does not retry here).
    let transportFailures = 0;
    const counted: typeof llm = {
      ...llm,
      text: async (request) => {
        const result = await llm.text(request);
        if (!result.ok && result.failure.kind === 'transport') transportFailures += 1;
        return result;
      },
    };
    const faulty = await evaluateHarness({ llm: counted }, harness, documents, options);

    const attempts = (evaluation: typeof clean) => evaluation.outcomes.flatMap((outcome) => outcome.result.rounds.flatMap((round) => [...(round.evaluation_report?.weak ?? []), ...(round.evaluation_report?.strong ?? [])]));
    // The faults happened and the inner loop recovered from each: every attempt scored.
    expect(transportFailures).toBeGreaterThan(5);
    expect(attempts(clean).length).toBeGreaterThan(20);
    expect(attempts(faulty).length).toBe(attempts(clean).length);
    expect(attempts(faulty).every((attempt) => attempt.score !== null)).toBe(true);
    expect(faulty.outcomes.map((outcome) => outcome.accepted)).toEqual(clean.outcomes.map((outcome) => outcome.accepted));
    expect(faulty.outcomes.map((outcome) => formatTrajectory(outcome.result))).toEqual(clean.outcomes.map((outcome) => formatTrajectory(outcome.result)));
    expect(attempts(faulty).flatMap((attempt) => attempt.errors)).toEqual([]);
  }, 60_000);
});

// Racing on the in-process sim: the same small run with outer.racing off and "exact". Parent
// selection is uniform and the history hidden (historyLimit 0) so that nothing downstream reads
// the validation scores, which racing computes over fewer documents: every later step then sees the
// same inputs in both runs, and every decision must come out the same. One document at a time
// (documentConcurrency 1), so that a prefix settled before the last document leaves some unstarted;
// with seed 2 a child is rejected before the last document.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentInput } from '../../src/config/experiment.ts';
import { EndpointUnavailable, RunHalted } from '../../src/errors.ts';
import type { Llm } from '../../src/llm/types.ts';
import type { RunEvolutionResult } from '../../src/outer/run-evolution.ts';
import { loadTiny, runInProcess, snapshotPopulation, writeTinyExperiment, type PopulationSnapshot } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-racing-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const VALIDATION_DOCUMENTS = 10;

function changes(racing: NonNullable<ExperimentInput['outer']>['racing']): Partial<ExperimentInput> {
  return {
    seed: 2,
    inner: { documentConcurrency: 1 },
    outer: {
      iterations: 2,
      concurrentIterations: 2,
      trainMinibatchSize: 2,
      validationLimit: VALIDATION_DOCUMENTS,
      parentSelection: { kind: 'uniform' },
      acceptance: { kind: 'strict' },
      implementerRetries: 1,
      historyLimit: 0,
      finalTest: false,
      racing,
    },
  };
}

interface Run {
  result: RunEvolutionResult;
  snapshot: PopulationSnapshot;
}

async function run(name: string, racing: NonNullable<ExperimentInput['outer']>['racing']): Promise<Run> {
  const runDir = path.join(temp, name);
  const result = await runInProcess(loadTiny(writeTinyExperiment(temp, name, changes(racing))), runDir);
  return { result, snapshot: snapshotPopulation(path.join(runDir, 'run.sqlite')) };
}

const decisions = (snapshot: PopulationSnapshot) =>
  snapshot.iterations.map(({ iteration, parentId, childId, decision }) => ({ iteration, parentId, childId, decision }));

const validationOf = (snapshot: PopulationSnapshot, candidateId: string, iteration: number) =>
  snapshot.evaluations.find((evaluation) => evaluation.splitPart === 'validation' && evaluation.candidateId === candidateId && evaluation.iteration === iteration)!;

const verdicts = (evaluation: PopulationSnapshot['evaluations'][number]) =>
  evaluation.outcomes.map((outcome) => {
    const { documentId, accepted } = outcome as { documentId: string; accepted: boolean };
    return { documentId, accepted };
  });

let off: Run;
let exact: Run;

beforeAll(async () => {
  [off, exact] = await Promise.all([run('racing-off', 'off'), run('racing-exact', 'exact')]);
}, 240_000);

describe('exact racing on the sim', () => {
  it('makes every decision the full evaluation makes', () => {
    expect(decisions(exact.snapshot)).toEqual(decisions(off.snapshot));
    // Every child was evaluated (none refused or failed), so every iteration took a decision to compare.
    expect(decisions(off.snapshot).filter((entry) => entry.iteration > 0).every((entry) => entry.decision === 'accepted' || entry.decision === 'rejected')).toBe(true);
  });

  it('records the deciding prefix of the validation documents, and says so in the reason', () => {
    const raced = exact.snapshot.iterations.filter((record) => /; settled after \d+ of 10 validation documents \(exact racing/.test(record.reason));
    expect(raced.length).toBeGreaterThan(0);
    for (const record of exact.snapshot.iterations.filter((entry) => entry.iteration > 0)) {
      const fullParent = verdicts(validationOf(off.snapshot, record.parentId, record.iteration));
      const fullChild = verdicts(validationOf(off.snapshot, record.childId!, record.iteration));
      const parent = validationOf(exact.snapshot, record.parentId, record.iteration);
      const child = validationOf(exact.snapshot, record.childId!, record.iteration);
      const settledAfter = Number(/settled after (\d+) of/.exec(record.reason)?.[1] ?? VALIDATION_DOCUMENTS);
      // The same episodes (same seeds) as the full run, on the first documents of the iteration's
      // order (the same order for both sides), cut at the deciding document.
      expect([parent.documents, child.documents]).toEqual([settledAfter, settledAfter]);
      expect(verdicts(child).map((outcome) => outcome.documentId)).toEqual(verdicts(parent).map((outcome) => outcome.documentId));
      const inFull = (full: typeof fullParent) => (outcome: { documentId: string }) => full.find((entry) => entry.documentId === outcome.documentId);
      expect(verdicts(parent)).toEqual(verdicts(parent).map(inFull(fullParent)));
      expect(verdicts(child)).toEqual(verdicts(child).map(inFull(fullChild)));
    }
    // Raced, the documents come in an order of each iteration's own, not the split's.
    const orders = exact.snapshot.evaluations
      .filter((evaluation) => evaluation.splitPart === 'validation' && evaluation.iteration > 0)
      .map((evaluation) => verdicts(evaluation).map((outcome) => outcome.documentId).join(' '));
    const splitOrder = verdicts(validationOf(off.snapshot, 'c0000', 0)).map((outcome) => outcome.documentId);
    expect(orders.some((order) => !splitOrder.join(' ').startsWith(order))).toBe(true);
    // Documents past a settled prefix that had not started were never run.
    const documentsRead = exact.snapshot.evaluations.filter((evaluation) => evaluation.splitPart === 'validation').reduce((sum, evaluation) => sum + evaluation.documents, 0);
    const documentsFull = off.snapshot.evaluations.filter((evaluation) => evaluation.splitPart === 'validation').reduce((sum, evaluation) => sum + evaluation.documents, 0);
    expect(documentsRead).toBeLessThan(documentsFull);
  });

  it('spends fewer calls', () => {
    expect(exact.result.progress.calls).toBeLessThan(off.result.progress.calls);
  });
});

describe('racing when an endpoint goes down mid-validation', () => {
  it('halts the run instead of waiting for pairs that will never finish', async () => {
    // After the implementer's reply, 25 more free-text calls (agent, solvers) are answered, then that endpoint is down for good:
    // one side's episodes fail while the other may be held back waiting for the prefix.
    let implementerSeen = false;
    let textCalls = 0;
    const wrapLlm = (llm: Llm): Llm => ({
      ...llm,
      structured: async (request) => {
        if (request.role === 'implementer') implementerSeen = true;
        return llm.structured(request);
      },
      text: async (request) => {
        if (implementerSeen && (textCalls += 1) > 25) {
          throw new EndpointUnavailable({ role: request.role, endpoint: 'sim://weak (sim-weak)', lastError: 'HTTP 503', why: 'test outage' });
        }
        return llm.text(request);
      },
    });
    const file = writeTinyExperiment(temp, 'racing-outage', changes({ kind: 'futility', errorRate: 0.05 }));
    await expect(runInProcess(loadTiny(file), path.join(temp, 'racing-outage'), { wrapLlm })).rejects.toBeInstanceOf(RunHalted);
    expect(textCalls).toBeGreaterThan(25);
  }, 120_000);
});

// A document lost to an infrastructure fault is no verdict: it is left out of every pass rate, not
// stored for reuse, and too many of them void the evaluation (the run halts, resumably, recording
// nothing). The fault is injected between the loop and the real sim call path, for one document.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { RunHalted } from '../../src/errors.ts';
import type { Llm, LlmResult } from '../../src/llm/types.ts';
import { getRun, openStore } from '../../src/store/index.ts';
import { loadTiny, runInProcess, snapshotPopulation, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-errored-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

// The first of the three validation documents the tiny experiment uses (splits/sim-cs.json).
const LOST = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../splits/sim-cs.json'), 'utf8')).validation[0] as string;
const LOST_TITLE = resolveDocuments('sim:cs?n=100&seed=0').documents.find((document) => document.id === LOST)!.title;

/** Every challenger call about the LOST document fails as a dead endpoint would (transport, after retries). */
function losingDocument(llm: Llm, lost: { calls: number }): Llm {
  const aboutLost = (messages: Array<{ content: string | null }>) => messages.some((message) => message.content?.includes(`# ${LOST_TITLE}`));
  const failure = <T>(role: string): LlmResult<T> => ({
    ok: false,
    failure: { kind: 'transport', message: `${role}: HTTP 503 from http://127.0.0.1:9/v1 (gave up after 5 attempt(s))` },
    usage: { role: 'challenger', endpointId: 'x', model: 'sim-agent', promptTokens: 0, completionTokens: 0, reasoningTokens: 0, latencyMs: 0, attempts: 5, cacheHit: false, reasked: false },
  });
  return {
    text: (request) => llm.text(request),
    structured: async (request) => {
      if (request.role === 'challenger' && aboutLost(request.messages)) {
        lost.calls += 1;
        return failure(request.role);
      }
      return llm.structured(request);
    },
    usageByRole: () => llm.usageByRole(),
    structuredMode: (role) => llm.structuredMode(role),
  };
}

describe('documents that ended on an infrastructure error', () => {
  const experimentFile = (name: string, maxErroredFraction?: number) =>
    writeTinyExperiment(temp, name, {
      outer: {
        iterations: 2, concurrentIterations: 2, trainMinibatchSize: 2, validationLimit: 3,
        parentSelection: { kind: 'boltzmann', temperature: 0.1 }, acceptance: { kind: 'strict' }, implementerRetries: 1, finalTest: false,
        ...(maxErroredFraction === undefined ? {} : { maxErroredFraction }),
      },
    });

  it('are left out of the pass rate and the comparison, and are not stored for reuse', async () => {
    const clean = await runInProcess(loadTiny(experimentFile('clean-a', 0.5)), path.join(temp, 'clean-a'));
    const lost = { calls: 0 };
    const faulty = await runInProcess(loadTiny(experimentFile('clean-a', 0.5)), path.join(temp, 'lossy-a'), { wrapLlm: (llm) => losingDocument(llm, lost) });
    expect(lost.calls).toBeGreaterThan(0);

    const reference = snapshotPopulation(clean.storePath);
    const withLoss = snapshotPopulation(faulty.storePath);
    const validation = withLoss.evaluations.filter((evaluation) => evaluation.splitPart === 'validation');
    expect(validation.length).toBeGreaterThanOrEqual(3);
    let twins = 0;
    let acceptedVerdicts = 0;
    for (const evaluation of validation) {
      const outcomes = evaluation.outcomes as Array<{ documentId: string; accepted: boolean; error?: string }>;
      const lostOutcome = outcomes.find((outcome) => outcome.documentId === LOST);
      expect(lostOutcome?.error).toMatch(/infrastructure/);
      expect(lostOutcome?.accepted).toBe(false);
      expect(evaluation.errored).toBe(1);
      // The pass rate is over the two documents that reached a verdict, never over three.
      const verdicts = outcomes.filter((outcome) => outcome.error === undefined);
      expect(verdicts).toHaveLength(2);
      expect(evaluation.passRate).toBe(verdicts.filter((outcome) => outcome.accepted).length / 2);
      acceptedVerdicts += verdicts.filter((outcome) => outcome.accepted).length;
      // ... and those two verdicts are the ones the clean run reached for the same candidate and repeat.
      // A twin is the same harness (content hash), not only the same candidate id: the lossy run's
      // analyzer saw other trajectories, so its child of an iteration may be another edit.
      const hashOf = (snapshot: typeof reference, id: string) => snapshot.candidates.find((candidate) => candidate.id === id)?.contentHash;
      const twin = reference.evaluations.find(
        (other) =>
          other.candidateId === evaluation.candidateId && other.iteration === evaluation.iteration && other.splitPart === 'validation' &&
          hashOf(reference, other.candidateId) === hashOf(withLoss, evaluation.candidateId),
      );
      if (twin === undefined) continue; // the lossy run may have drawn other children (checked below: the baseline always has a twin)
      twins += 1;
      const twinVerdicts = (twin.outcomes as Array<{ documentId: string; accepted: boolean }>).filter((outcome) => outcome.documentId !== LOST);
      expect(verdicts.map((outcome) => [outcome.documentId, outcome.accepted])).toEqual(twinVerdicts.map((outcome) => [outcome.documentId, outcome.accepted]));
    }
    // The baseline (iteration 0) always has its twin; a pass rate over 3 instead of 2 would differ.
    expect(validation[0]!.candidateId).toBe('c0000');
    expect(twins).toBeGreaterThanOrEqual(1);
    expect(acceptedVerdicts).toBeGreaterThan(0);

    const store = openStore(faulty.storePath, { readonly: true });
    try {
      const stored = store.db.prepare('SELECT COUNT(*) AS n FROM document_result WHERE document_id = ?').get(LOST) as { n: number };
      expect(stored.n).toBe(0);
      // Each iteration's recorded scores are the paired rates over documents both sides completed.
      const compared = withLoss.iterations.filter((entry) => entry.decision === 'accepted' || entry.decision === 'rejected');
      expect(compared.length).toBeGreaterThan(0);
      for (const record of compared) {
        expect(record.reason).toContain('over the 2 documents both completed (1 left out: infrastructure errors)');
      }
    } finally {
      store.close();
    }
  }, 180_000);

  it('void an evaluation when more than outer.maxErroredFraction of it errored: the run halts, records nothing, and resumes to the clean population', async () => {
    const file = experimentFile('void-b');
    const clean = await runInProcess(loadTiny(file), path.join(temp, 'clean-b'));
    const runDir = path.join(temp, 'lossy-b');
    const lost = { calls: 0 };
    const error = await runInProcess(loadTiny(file), runDir, { wrapLlm: (llm) => losingDocument(llm, lost) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunHalted);
    expect((error as RunHalted).message).toMatch(
      /^the validation evaluation of c0000 \(iteration 0\) is void: 1 of 3 document\(s\) ended on an infrastructure error \(allowed: 20%; first: .*\); nothing was recorded; check the endpoints with `autodata doctor`, then resume$/,
    );
    const halted = snapshotPopulation(path.join(runDir, 'run.sqlite'));
    expect(halted.evaluations).toEqual([]);
    expect(halted.iterations).toEqual([]);
    const store = openStore(path.join(runDir, 'run.sqlite'), { readonly: true });
    expect(getRun(store, 'void-b')?.status).toBe('interrupted');
    store.close();

    // The outage is over: the resumed run reaches the population of a run that never saw it.
    const resumed = await runInProcess(loadTiny(file), runDir, { resume: true });
    expect(resumed.stopReason).toBe('completed');
    expect(snapshotPopulation(resumed.storePath)).toEqual(snapshotPopulation(clean.storePath));
  }, 180_000);
});

// A run's population written straight into a real store, iteration by iteration, for the tests of
// the scores read from it (best-candidate.ts, plateau.ts).
import * as population from '../../src/outer/population-store.ts';
import type { Store } from '../../src/store/index.ts';

const createdAt = '2026-01-01T00:00:00.000Z';

/** [candidate, accepted, verdicts, errored?, split part?]: `accepted` of `verdicts` documents, `errored` more lost to an error. */
export type EvaluationSpec = [string, number, number, number?, population.SplitPart?];

export interface IterationSpec {
  /** The child this iteration made (the baseline at iteration 0), with its final status; none for a failed iteration. */
  child?: population.CandidateStatus;
  evaluations: EvaluationSpec[];
  decision: population.IterationDecision;
}

/** Writes iterations 0, 1, ... as given: each one's candidate, evaluations and history row. */
export function writeRun(store: Store, iterations: IterationSpec[]): Store {
  iterations.forEach((spec, iteration) => {
    const id = population.candidateId(iteration);
    if (spec.child) {
      population.insertCandidate(store, {
        id, parentId: iteration === 0 ? null : 'c0000', iteration, diff: '', contentHash: null, status: spec.child, reason: '', editSummary: '', createdAt,
      });
    }
    for (const [candidateId, accepted, verdicts, errored = 0, splitPart = 'validation'] of spec.evaluations) {
      population.insertEvaluation(store, evaluationRow(candidateId, iteration, accepted, verdicts, errored, splitPart));
    }
    population.insertIteration(store, {
      iteration, parentId: 'c0000', childId: spec.child ? id : null, analysisHeadline: '', editSummary: '',
      parentScore: null, childScore: null, decision: spec.decision, reason: '', calls: 1, tokens: 1, finishedAt: createdAt,
    });
  });
  return store;
}

export function evaluationRow(
  candidateId: string, iteration: number, accepted: number, verdicts: number, errored = 0, splitPart: population.SplitPart = 'validation',
): population.EvaluationRecord {
  const outcomes = Array.from({ length: verdicts + errored }, (_, index): population.OutcomeSummary => ({
    documentId: `d${index}`, accepted: index < accepted, acceptedRound: index < accepted ? 1 : null, totalRounds: 1,
    weakMean: null, strongMean: null, gap: null, calls: 1, tokens: 1, ...(index >= verdicts ? { error: 'SOLVER_ERROR: down' } : {}),
  }));
  return {
    candidateId, iteration, splitPart, repeat: iteration, seed: 0, passRate: accepted / verdicts,
    documents: outcomes.length, errored, accepted, calls: 1, tokens: 1, outcomes, createdAt,
  };
}

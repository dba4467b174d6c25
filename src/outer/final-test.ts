// The held-out test, run once after the last iteration. Candidates are chosen on noisy validation
// scores, so the best one's validation mean is optimistic; the baseline and the best candidate are
// evaluated here, paired (same documents, same seeds), on test documents nothing else ever reads.
import type { Harness } from '../harness/index.ts';
import { evaluateHarness, type InnerDocument } from '../inner/index.ts';
import type { Llm } from '../llm/types.ts';
import { withTransaction, type Store } from '../store/index.ts';
import { settleAll } from '../util/settle-all.ts';
import { evaluationRecord } from './evaluation-record.ts';
import { bestCandidate, type Emit } from './events.ts';
import * as population from './population-store.ts';

/** Repeat index of test evaluations: far from every iteration's repeat, so its seeds are its own. */
export const TEST_REPEAT = 1_000_000;

export interface TestScore {
  candidateId: string;
  passRate: number;
  accepted: number;
}

export interface FinalTestResult {
  /** The last finished iteration; the test rows carry it. */
  iteration: number;
  documents: number;
  baseline: TestScore;
  best: TestScore & { validationScore: number | null };
}

export interface FinalTestDeps {
  llm: Llm;
  store: Store;
  now: () => Date;
  emit: Emit;
}

export interface FinalTestSetup {
  baselineId: string;
  harnessOf: (candidateId: string) => Harness;
  testDocuments: InnerDocument[];
  seed: number;
  concurrency: number;
  simulated: boolean;
  /** The void rule of every evaluation (outer.maxErroredFraction). */
  maxErroredFraction: number;
  /** Overrides the harnesses' `earlyStop` setting (evolve --early-stop); absent: each harness decides. */
  earlyStop?: boolean;
  /** The run's id, for the results' `provenance` (absent: null). */
  run?: string;
}

/**
 * Evaluates the baseline and the best candidate on the test documents and records both rows at the
 * last finished iteration. A result already recorded there on the same documents is returned as is
 * (a resumed completed run does not redo it); one on other documents (testLimit changed) is replaced.
 */
export async function runFinalTest(deps: FinalTestDeps, setup: FinalTestSetup): Promise<FinalTestResult | null> {
  const { store } = deps;
  const best = bestCandidate(store);
  const iteration = Math.max(0, ...population.listIterations(store).map((record) => record.iteration));
  if (!best) return null;
  const documentIds = setup.testDocuments.map((document) => document.id);
  const candidateIds = [...new Set([setup.baselineId, best.id])];
  const recorded = population.listEvaluations(store, { splitPart: 'test' }).filter((evaluation) => evaluation.iteration === iteration);
  const reusable = candidateIds.every((id) => {
    const evaluation = recorded.find((row) => row.candidateId === id);
    return evaluation !== undefined && sameIds(evaluation.outcomes.map((outcome) => outcome.documentId), documentIds);
  });
  if (!reusable) {
    deps.emit({ type: 'final-test-started', documents: documentIds.length, candidateIds });
    const options = {
      seed: setup.seed,
      concurrency: setup.concurrency,
      simulated: setup.simulated,
      repeat: TEST_REPEAT,
      ...(setup.earlyStop === undefined ? {} : { earlyStop: setup.earlyStop }),
    };
    const evaluations = await settleAll(
      candidateIds.map((id) =>
        evaluateHarness({ llm: deps.llm, store }, setup.harnessOf(id), setup.testDocuments, {
          ...options,
          provenance: { run: setup.run ?? null, candidate: id, split_part: 'test', iteration },
        }),
      ),
    );
    const createdAt = deps.now().toISOString();
    withTransaction(store, () => {
      population.deleteEvaluations(store, { iteration, splitPart: 'test' });
      evaluations.forEach((evaluation, index) => {
        population.insertEvaluation(
          store,
          evaluationRecord(
            evaluation,
            { candidateId: candidateIds[index]!, iteration, splitPart: 'test', repeat: TEST_REPEAT, seed: setup.seed, createdAt },
            { maxErroredFraction: setup.maxErroredFraction },
          ),
        );
      });
    });
  }
  const result = finalTestFromStore(store, setup.baselineId);
  if (result) deps.emit({ type: 'final-test-finished', result });
  return result;
}

/**
 * The latest recorded final test, or null when none was run. The best candidate is the test row
 * that is not the baseline's (the baseline's own row when the baseline stayed best).
 */
export function finalTestFromStore(store: Store, baselineId = population.candidateId(0)): FinalTestResult | null {
  const rows = population.listEvaluations(store, { splitPart: 'test' });
  const last = rows.at(-1);
  if (!last) return null;
  const atLast = rows.filter((row) => row.iteration === last.iteration);
  const baseline = atLast.find((row) => row.candidateId === baselineId);
  const best = atLast.find((row) => row.candidateId !== baselineId) ?? baseline;
  if (!baseline || !best) return null;
  const score = (row: population.EvaluationRecord): TestScore => ({ candidateId: row.candidateId, passRate: row.passRate, accepted: row.accepted });
  return {
    iteration: last.iteration,
    documents: baseline.documents,
    baseline: score(baseline),
    best: { ...score(best), validationScore: population.candidateScores(store).get(best.candidateId)?.score ?? null },
  };
}

/** One line for the end of `evolve` and for `status`. */
export function formatFinalTest(result: FinalTestResult): string {
  return `held-out test (${result.documents} documents): baseline ${result.baseline.passRate.toFixed(3)} -> best ${result.best.candidateId} ${result.best.passRate.toFixed(3)}${
    result.best.validationScore === null ? '' : ` (its validation mean ${result.best.validationScore.toFixed(3)})`
  }`;
}

function sameIds(left: string[], right: string[]): boolean {
  return left.length === right.length && left.every((id, index) => id === right[index]);
}

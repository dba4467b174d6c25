// What the loop reports while it runs: one typed event stream, turned into a progress display by
// the CLI. The loop never prints; tests can collect the events.
import { paidUsage } from '../llm/paid-usage.ts';
import type { Store } from '../store/index.ts';
import type { FinalTestResult } from './final-test.ts';
import { bestCandidate } from './best-candidate.ts';
import { listIterations, type IterationRecord } from './population-store.ts';

// Re-exported: the progress, status and workflow readers take the best candidate from here.
export { bestCandidate };

export type StopReason =
  | 'completed'
  | 'iterations-budget'
  | 'calls-budget'
  | 'tokens-budget'
  | 'wall-time-budget'
  | 'usd-budget'
  /** budgets.plateau: no accepted child of the last K iterations beat the best by more than the noise (budget.ts). */
  | 'plateau'
  | 'interrupted';

export interface EvolveProgress {
  /** Iterations finished after the baseline (iteration 0). */
  iterationsDone: number;
  plannedIterations: number;
  bestCandidateId: string | null;
  bestScore: number | null;
  accepted: number;
  rejected: number;
  refused: number;
  failed: number;
  /** Paid calls (llm/call-count.ts) over the whole run (the store's call log), interrupted and redone work included. */
  calls: number;
  tokens: number;
  /** Requests repeated after a transient fault (429, 5xx, reset, deadline): cost, never results. */
  retried: number;
  /** USD over the paid calls with a figure (see llm/paid-usage.ts); cache hits are free. */
  costUsd: number;
  pricedCalls: number;
  /** Paid calls with no price and no provider cost: costUsd is then a lower bound. */
  unpricedCalls: number;
  cacheHits: number;
  /** Examples accepted over every evaluation of the run (all candidates, all split parts). */
  acceptedExamples: number;
}

export type EvolveEvent =
  | { type: 'run-started'; resumed: boolean; completedIterations: number; plannedIterations: number; redoneIterations: number[] }
  /** Before the loop: which documents were truncated or skipped to fit the context windows (outer/fit-split-parts.ts). */
  | { type: 'documents-fitted'; line: string }
  | { type: 'baseline-started'; documents: number }
  | { type: 'iteration-started'; iteration: number; parentId: string }
  | { type: 'edit-refused'; iteration: number; attempt: number; reason: string; message: string }
  | { type: 'iteration-finished'; record: IterationRecord; progress: EvolveProgress }
  | { type: 'final-test-started'; documents: number; candidateIds: string[] }
  | { type: 'final-test-finished'; result: FinalTestResult }
  /** `detail`: why, when the reason alone does not say (the plateau rule's verdict). */
  | { type: 'run-stopped'; reason: StopReason; progress: EvolveProgress; detail?: string };

export type Emit = (event: EvolveEvent) => void;

/** Progress as recorded in the store (so a resumed run reports the same numbers, and what it paid). */
export function progressFromStore(store: Store, plannedIterations: number): EvolveProgress {
  const iterations = listIterations(store);
  const count = (decision: IterationRecord['decision']) => iterations.filter((record) => record.decision === decision).length;
  const best = bestCandidate(store);
  const paid = paidUsage(store.db);
  return {
    iterationsDone: iterations.filter((record) => record.iteration > 0).length,
    plannedIterations,
    bestCandidateId: best?.id ?? null,
    bestScore: best?.score ?? null,
    accepted: count('accepted'),
    rejected: count('rejected'),
    refused: count('refused'),
    failed: count('failed'),
    calls: paid.calls,
    tokens: paid.tokens,
    retried: paid.retried,
    costUsd: paid.costUsd,
    pricedCalls: paid.pricedCalls,
    unpricedCalls: paid.unpricedCalls,
    cacheHits: paid.cacheHits,
    acceptedExamples: acceptedExamples(store),
  };
}

/**
 * Examples accepted over every evaluation on record (what the run's cost bought): the total the
 * store keeps (migration 009), or the sum of the rows in an old store opened read-only without it.
 */
export function acceptedExamples(store: Store): number {
  const kept = store.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evaluation_total'`).get() !== undefined;
  const sql = kept ? 'SELECT accepted FROM evaluation_total WHERE id = 1' : 'SELECT COALESCE(SUM(accepted), 0) AS accepted FROM evaluation';
  return (store.db.prepare(sql).get() as { accepted: number }).accepted;
}

// What a researcher compares between runs, read from one run folder (run.sqlite): scores, the
// held-out test, what the iterations decided, what was paid and how long it took. Read-only; a run
// folder with no run in it yet (an ablation cell not started) comes back as `not started`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bestCandidate } from '../outer/events.ts';
import { finalTestFromStore } from '../outer/final-test.ts';
import { curvePoints } from '../outer/inspect-run.ts';
import { listIterations } from '../outer/population-store.ts';
import { RUN_KIND, STORE_FILE } from '../outer/run-evolution.ts';
import { paidUsage, paidUsageByRole } from '../llm/paid-usage.ts';
import { listRuns, openStore, type RunStatus, type Store } from '../store/index.ts';

export type RunState = RunStatus | 'not started';

export interface RunMetrics {
  /** The run folder as given. */
  runDir: string;
  status: RunState;
  /** The run's name and seed as recorded (null when not started). */
  name: string | null;
  seed: number | null;
  /** outer.iterations of the recorded config. */
  iterationsPlanned: number | null;
  /** Iterations finished after the baseline (iteration 0). */
  iterationsDone: number;
  accepted: number;
  rejected: number;
  refused: number;
  failed: number;
  /** The best candidate (highest mean over its validation evaluations, as `bestCandidate`). */
  bestCandidateId: string | null;
  bestValidation: number | null;
  /** Held-out test pass rates of the best candidate and the baseline; null if the final test did not run. */
  testBest: number | null;
  testBaseline: number | null;
  testDocuments: number | null;
  /** On the sim, the oracle's true pass rate of the best candidate and of the baseline (`compare --oracle N`); else null. */
  oracleBest: number | null;
  oracleBaseline: number | null;
  threshold: number | null;
  /** First iteration whose best validation score (the curve) reached `threshold`; null if never or no threshold. */
  iterationsToThreshold: number | null;
  /** Paid calls and tokens (cache hits excluded), and requests repeated after a transient fault. */
  calls: number;
  tokens: number;
  retried: number;
  /** Paid tokens per role (prompt + completion; cache hits excluded). */
  tokensByRole: Record<string, number>;
  /**
   * Seconds from the run's creation to its finish (the newest finished iteration while it has not
   * finished). A resumed run keeps its creation time, so its wall time spans every session and
   * the pauses between them: it says when results were ready, not how much compute they took.
   */
  wallTimeSeconds: number | null;
}

export interface RunMetricsOptions {
  threshold?: number | null;
}

/** The metrics of the run in `runDir`, with its recorded experiment config (null when not started). */
export function readRunMetrics(runDir: string, options: RunMetricsOptions = {}): { metrics: RunMetrics; config: unknown } {
  const storePath = path.join(runDir, STORE_FILE);
  if (!existsSync(storePath)) return { metrics: notStarted(runDir, options), config: null };
  const store = openStore(storePath, { readonly: true });
  try {
    return runMetricsFromStore(store, runDir, options);
  } finally {
    store.close();
  }
}

export function runMetricsFromStore(store: Store, runDir: string, options: RunMetricsOptions = {}): { metrics: RunMetrics; config: unknown } {
  const run = listRuns(store).find((record) => record.kind === RUN_KIND);
  if (!run) return { metrics: notStarted(runDir, options), config: null };
  const threshold = options.threshold ?? null;
  const iterations = listIterations(store);
  const count = (decision: string) => iterations.filter((record) => record.decision === decision).length;
  const best = bestCandidate(store);
  const finalTest = finalTestFromStore(store);
  const paid = paidUsage(store.db);
  const config = run.config as { outer?: { iterations?: number } };
  const lastFinished = iterations.map((record) => record.finishedAt).sort().at(-1);
  const end = run.finishedAt ?? lastFinished;
  return {
    config: run.config,
    metrics: {
      runDir,
      status: run.status,
      name: run.name,
      seed: run.seed,
      iterationsPlanned: config.outer?.iterations ?? null,
      iterationsDone: iterations.filter((record) => record.iteration > 0).length,
      accepted: count('accepted'),
      rejected: count('rejected'),
      refused: count('refused'),
      failed: count('failed'),
      bestCandidateId: best?.id ?? null,
      bestValidation: best?.score ?? null,
      testBest: finalTest?.best.passRate ?? null,
      testBaseline: finalTest?.baseline.passRate ?? null,
      oracleBest: null,
      oracleBaseline: null,
      testDocuments: finalTest?.documents ?? null,
      threshold,
      iterationsToThreshold: threshold === null ? null : (curvePoints(store).find((point) => point.best >= threshold)?.iteration ?? null),
      calls: paid.calls,
      tokens: paid.tokens,
      retried: paid.retried,
      tokensByRole: tokensByRole(store),
      wallTimeSeconds: end === undefined ? null : Math.max(0, (Date.parse(end) - Date.parse(run.createdAt)) / 1000),
    },
  };
}

/** Paid tokens per role (paidUsageByRole); roles that paid nothing (only cache hits) are left out. */
function tokensByRole(store: Store): Record<string, number> {
  return Object.fromEntries(
    paidUsageByRole(store.db)
      .filter((row) => row.calls > 0)
      .map((row) => [row.role, row.promptTokens + row.completionTokens]),
  );
}

function notStarted(runDir: string, options: RunMetricsOptions): RunMetrics {
  return {
    runDir,
    status: 'not started',
    name: null,
    seed: null,
    iterationsPlanned: null,
    iterationsDone: 0,
    accepted: 0,
    rejected: 0,
    refused: 0,
    failed: 0,
    bestCandidateId: null,
    bestValidation: null,
    testBest: null,
    testBaseline: null,
    oracleBest: null,
    oracleBaseline: null,
    testDocuments: null,
    threshold: options.threshold ?? null,
    iterationsToThreshold: null,
    calls: 0,
    tokens: 0,
    retried: 0,
    tokensByRole: {},
    wallTimeSeconds: null,
  };
}

// `autodata generate` as a library function: one harness over documents, with a run folder
// holding the store (run.sqlite, resumable) and results/<document>.json.
import path from 'node:path';
import type { Harness } from '../harness/harness.ts';
import { paidUsage, type PaidUsage } from '../llm/paid-usage.ts';
import type { Llm } from '../llm/types.ts';
import { acquireRunLock, finishRun, openStore, recordRun, type Store } from '../store/index.ts';
import { evaluateHarness } from './evaluate-harness.ts';
import type { ContextFit } from './fit-document.ts';
import type { SplitPart } from '../documents/split.ts';
import { runBatches, type BatchPlan, type BatchReport } from './generate-batches.ts';
import type { DocumentOutcome, EvaluateOptions, HarnessEvaluation, InnerDocument } from './types.ts';

export interface GenerationOptions {
  harness: Harness;
  harnessName: string;
  documents: InnerDocument[];
  /** Run folder; without one nothing is written (compare-methods). */
  runDir?: string;
  /** Builds the call path once the store is open (so its call cache lives in the run store). */
  createLlm: (store: Store | undefined) => Llm;
  seed: number;
  concurrency: number;
  simulated: boolean;
  /** Context windows of the document roles and the long-document policy (inner/fit-document.ts); absent: documents go whole. */
  contextFit?: ContextFit;
  /** Overrides the harness's `earlyStop` setting for this run (absent: the harness decides). */
  earlyStop?: boolean;
  /** For each result's `provenance`: the candidate the harness came from (`--harness RUN:CANDIDATE`; null for a folder) and the split part run. */
  provenance?: { candidate: string | null; splitPart: SplitPart | null };
  /** Recorded with the run: where the documents come from (split file and part, endpoints); not which ones. */
  source: Record<string, unknown>;
  onDocumentDone?: (outcome: DocumentOutcome, done: number, total: number) => void;
  log?: (line: string) => void;
  /** `--batches K --batch-size N`: K batches of N documents with learnings between them (generate-batches.ts); absent: one pass. */
  batches?: BatchPlan;
}

export interface GenerationResult {
  evaluation: HarnessEvaluation;
  runDir: string | undefined;
  storePath: string | undefined;
  resultsDir: string | undefined;
  /** Documents taken from the store of an earlier (interrupted) run. */
  reused: number;
  /** What the run folder's calls cost over all its runs (the store's call log); undefined without a folder. */
  paid: PaidUsage | undefined;
  /** Batched runs: each batch's figures and learnings, and why the run stopped early (resumable). */
  batches?: BatchReport[];
  stopped?: string;
}

export async function runGeneration(options: GenerationOptions): Promise<GenerationResult> {
  const storePath = options.runDir ? path.join(options.runDir, 'run.sqlite') : undefined;
  const resultsDir = options.runDir ? path.join(options.runDir, 'results') : undefined;
  // One writer per run folder (a second generate on the same folder stops with one line).
  const lock = options.runDir ? acquireRunLock(options.runDir, { command: `autodata generate (${options.harnessName})` }) : undefined;
  let store: Store | undefined;
  try {
    store = storePath ? openStore(storePath) : undefined;
    const runId = `generate-${options.harness.contentHash.slice(0, 12)}-${options.seed}`;
    if (store) {
      recordRun(store, {
        id: runId,
        kind: 'generate',
        name: options.harnessName,
        seed: options.seed,
        // The document list is not part of the config: a rerun with a larger --limit extends the same run.
        // The policy only where a window makes it matter, so a folder made before windows existed keeps its config.
        config: {
          harness: options.harnessName,
          harnessHash: options.harness.contentHash,
          ...options.source,
          ...(options.contextFit && options.contextFit.windows.length > 0 ? { longDocuments: options.contextFit.policy } : {}),
          // Batches change what later documents are sent: an unbatched folder is never resumed batched, nor the other way.
          // The batch count is left out, so a rerun with more batches extends the same run.
          ...(options.batches ? { batchSize: options.batches.size } : {}),
        },
      });
    }
    const llm = options.createLlm(store);
    const deps = { llm, ...(store ? { store } : {}), ...(options.log ? { log: options.log } : {}) };
    const evaluateOptions: EvaluateOptions = {
      seed: options.seed,
      repeat: 0,
      concurrency: options.concurrency,
      simulated: options.simulated,
      ...(options.contextFit ? { contextFit: options.contextFit } : {}),
      ...(options.earlyStop === undefined ? {} : { earlyStop: options.earlyStop }),
      ...(resultsDir ? { resultsDir } : {}),
      ...(options.provenance
        ? { provenance: { run: store ? runId : null, candidate: options.provenance.candidate, split_part: options.provenance.splitPart, iteration: null } }
        : {}),
      ...(options.onDocumentDone ? { onDocumentDone: options.onDocumentDone } : {}),
    };
    const batched = options.batches
      ? await runBatches({ ...deps, ...(options.runDir ? { runDir: options.runDir } : {}) }, options.harness, options.documents, options.batches, evaluateOptions)
      : undefined;
    const evaluation = batched ? batched.evaluation : await evaluateHarness(deps, options.harness, options.documents, evaluateOptions);
    if (store) finishRun(store, runId, 'completed');
    return {
      ...(batched ? { batches: batched.batches, ...(batched.stopped ? { stopped: batched.stopped } : {}) } : {}),
      paid: store ? paidUsage(store.db) : undefined,
      evaluation,
      runDir: options.runDir,
      storePath,
      resultsDir,
      reused: evaluation.outcomes.filter((outcome) => outcome.reused).length,
    };
  } finally {
    store?.close();
    lock?.release();
  }
}

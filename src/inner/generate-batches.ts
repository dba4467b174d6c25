// Batched generation (`generate --batches K --batch-size N`), the paper's "generate N, learn,
// generate the next N": the documents run in K batches of N, in order; after each batch the learner
// reads its trajectories and writes learnings, which the next batch's challenger and main agent
// get (`{{learnings}}`). The first batch runs exactly as an unbatched run would.
import { ConfigError } from '../errors.ts';
import type { Harness } from '../harness/harness.ts';
import { learnFromBatch, readStoredLearnings, writeLearnings, type BatchLearnings } from './batch-learnings.ts';
import { evaluateHarness } from './evaluate-harness.ts';
import { fitDocuments } from './fit-document.ts';
import { summarizeEvaluation } from './summarize-evaluation.ts';
import type { DocumentOutcome, EvaluateOptions, HarnessEvaluation, InnerDeps, InnerDocument } from './types.ts';

export interface BatchPlan {
  count: number;
  size: number;
}

export interface BatchReport {
  batch: number;
  /** 1-based positions of the batch's first and last document in the list run. */
  first: number;
  last: number;
  documents: number;
  completed: number;
  accepted: number;
  passRate: number | null;
  /** Mean strong - weak gap over the batch's accepted examples. */
  gap: number | null;
  /** Whether the batch ran with learnings of the batch before. */
  withLearnings: boolean;
  /** What the learner wrote after this batch (undefined when the batch did not finish). */
  learnings: BatchLearnings | undefined;
  /** Taken from the run folder instead of asking the learner again. */
  learningsReused: boolean;
}

export interface BatchedEvaluation {
  /** Over every document of the batches that ran. */
  evaluation: HarnessEvaluation;
  batches: BatchReport[];
  /** Why the run stopped before the last batch (a document without verdict, a failed learner call); resumable. */
  stopped?: string;
}

/**
 * The batch plan of `--batches` / `--batch-size` over `available` documents: undefined when neither
 * is given; a bad combination throws one line naming the flag (exit 1, bad input).
 */
export function batchPlanFrom(given: { count: number | undefined; size: number | undefined }, available: number): BatchPlan | undefined {
  const { count, size } = given;
  if (count === undefined && size === undefined) return undefined;
  if (count === undefined) throw new ConfigError('--batch-size', 'needs --batches (how many batches to run)');
  if (size === undefined) throw new ConfigError('--batches', 'needs --batch-size (how many documents per batch)');
  for (const [flag, value] of [['--batches', count], ['--batch-size', size]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(flag, `must be a positive integer, got ${value}`);
  }
  if (count * size > available) {
    throw new ConfigError('--batches', `${count} batches of ${size} need ${count * size} documents; only ${available} are selected (the split part, or the first --limit of it)`);
  }
  return { count, size };
}

export async function runBatches(
  deps: InnerDeps & { runDir?: string },
  harness: Harness,
  documents: InnerDocument[],
  plan: BatchPlan,
  options: EvaluateOptions,
): Promise<BatchedEvaluation> {
  const { onDocumentDone, ...evaluateOptions } = options;
  const outcomes: DocumentOutcome[] = [];
  const batches: BatchReport[] = [];
  const total = options.contextFit ? fitDocuments(documents.slice(0, plan.count * plan.size), options.contextFit).documents.length : plan.count * plan.size;
  let learnings: BatchLearnings | undefined;
  let stopped: string | undefined;
  for (let batch = 1; batch <= plan.count; batch += 1) {
    const first = (batch - 1) * plan.size;
    const offset = outcomes.length;
    const evaluation = await evaluateHarness(deps, harness, documents.slice(first, first + plan.size), {
      ...evaluateOptions,
      ...(learnings ? { learnings: learnings.text } : {}),
      ...(onDocumentDone ? { onDocumentDone: (outcome, done, _total, index) => onDocumentDone(outcome, offset + done, total, offset + index) } : {}),
    });
    outcomes.push(...evaluation.outcomes);
    const report: BatchReport = {
      batch,
      first: first + 1,
      last: first + plan.size,
      documents: evaluation.summary.documents,
      completed: evaluation.summary.completed,
      accepted: evaluation.summary.accepted,
      passRate: evaluation.passRate,
      gap: evaluation.summary.acceptedExamples.gap,
      withLearnings: learnings !== undefined,
      learnings: undefined,
      learningsReused: false,
    };
    batches.push(report);
    // Lessons from a batch with documents left without a verdict would rest on part of it.
    if (evaluation.summary.errored > 0) {
      stopped = `batch ${batch}: ${evaluation.summary.errored} document(s) ended without a verdict, so no learnings were derived and later batches did not run`;
      break;
    }
    const ids = evaluation.outcomes.map((outcome) => outcome.documentId);
    const stored = deps.runDir ? readStoredLearnings(deps.runDir, batch, ids) : undefined;
    if (stored) {
      learnings = stored;
      report.learningsReused = true;
    } else {
      const learned = await learnFromBatch(deps.llm, { batch, seed: options.seed, outcomes: evaluation.outcomes, previous: learnings });
      if (!learned.ok) {
        stopped = `batch ${batch}: the learner's call failed (${learned.error}), so later batches did not run`;
        break;
      }
      learnings = learned.learnings;
      if (deps.runDir) writeLearnings(deps.runDir, learnings);
    }
    report.learnings = learnings;
    deps.log?.(`batch ${batch}: ${report.accepted}/${report.completed} accepted; ${learnings.learnings.length} lesson(s)`);
  }
  const fitted = options.contextFit ? fitDocuments(documents.slice(0, batches.length * plan.size), options.contextFit) : { skipped: [] };
  const summary = summarizeEvaluation(outcomes, fitted.skipped);
  return { evaluation: { passRate: summary.passRate, outcomes, summary }, batches, ...(stopped ? { stopped } : {}) };
}

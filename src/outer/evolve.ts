// THE outer loop: evolutionary meta-optimization of the data-scientist harness (paper-facts.md §3).
// Read it top to bottom: baseline -> waves of concurrent iterations -> stop. One iteration =
// select parent -> parent on a training minibatch -> analyze -> propose edits -> evaluate parent
// and child on the same validation documents with the same seeds -> accept or reject -> history.
// At any clean stop but Ctrl-C: the baseline and the best candidate on the held-out test documents.
//
// Determinism: iterations run in waves of `concurrentIterations`; every iteration of a wave sees
// the population and history as they stood when the wave began, and draws from its own RNG
// seedrandom(deriveSeed(seed, 'iteration', i)). Timing and commit order never change a result, and
// a resumed run (cached calls, reused document results) reaches the same population.
import seedrandom from 'seedrandom';
import type { ExperimentConfig } from '../config/experiment.ts';
import { AutodataError, RunHalted } from '../errors.ts';
import { commitCandidate, createHarnessDiff, openWorkspace, type Harness, type MetaPrompts } from '../harness/index.ts';
import { evaluateHarness, formatTrajectory, type InnerDocument } from '../inner/index.ts';
import type { ResultProvenance } from '../inner/result-schema.ts';
import type { Llm } from '../llm/types.ts';
import { withTransaction, type Store } from '../store/index.ts';
import { deriveSeed } from '../util/hash.ts';
import { acceptChild } from './accept-child.ts';
import { analyzeFailures, formatAnalysis } from './analyze.ts';
import { populationAsOf } from './best-candidate.ts';
import { budgetStopReason, completionReason, plannedIterations, reachedPlateau } from './budget.ts';
import { candidateHarnesses } from './candidate-harnesses.ts';
import { evaluationRecord } from './evaluation-record.ts';
import { runFinalTest, type FinalTestResult } from './final-test.ts';
import { progressFromStore, type Emit, type EvolveProgress, type StopReason } from './events.ts';
import { renderHistory } from './history.ts';
import { describePlateau } from './plateau.ts';
import * as population from './population-store.ts';
import { proposeEdit } from './propose-edit.ts';
import { describeRace, raceValidation } from './race-validation.ts';
import { selectParent, type ScoredCandidate } from './select-parent.ts';

export interface EvolveDeps {
  llm: Llm;
  store: Store;
  emit?: Emit;
  /** Aborted on Ctrl-C: no new step starts; what is in flight finishes and is recorded. */
  signal?: AbortSignal;
  now?: () => Date;
  /** A budget shared with other runs (an ablation's): asked between waves, like the run's own budgets. */
  sharedBudget?: () => StopReason | undefined;
}

export interface EvolveSetup {
  config: ExperimentConfig;
  baseline: Harness;
  /** Folder the baseline was loaded from (symlinks there stay unreachable for edits). */
  baselineDir: string;
  metaPrompts: MetaPrompts;
  trainDocuments: InnerDocument[];
  validationDocuments: InnerDocument[];
  /** Held-out documents, read only by the final test after the last iteration (empty when it is off). */
  testDocuments: InnerDocument[];
  /** Git workspace of the run: one commit (tag candidate/<id>) per evaluated candidate. */
  workspaceDir: string;
  simulated: boolean;
  /** Overrides every candidate's `earlyStop` setting for this run (`evolve --early-stop`); absent: each harness decides. */
  earlyStop?: boolean;
}

export interface EvolveResult {
  stopReason: StopReason;
  progress: EvolveProgress;
  /** The held-out test of the baseline and the best candidate; null when off, interrupted, or nothing to test. */
  finalTest: FinalTestResult | null;
}

const BASELINE_ID = population.candidateId(0);

export async function evolve(deps: EvolveDeps, setup: EvolveSetup): Promise<EvolveResult> {
  const { store, llm } = deps;
  const { config } = setup;
  const emit: Emit = deps.emit ?? (() => {});
  const now = deps.now ?? (() => new Date());
  const startedAt = now().getTime();
  const planned = plannedIterations(config);
  const innerDeps = { llm, store };
  const earlyStop = setup.earlyStop === undefined ? {} : { earlyStop: setup.earlyStop };
  const evaluationOptions = { seed: config.seed, concurrency: config.inner.documentConcurrency, simulated: setup.simulated, ...earlyStop };
  const voidRule = { maxErroredFraction: config.outer.maxErroredFraction };
  // Which evaluation each episode belongs to, in its result (the run's id is its name); never in a prompt, seed or key.
  const provenance = (candidate: string, splitPart: population.SplitPart, iteration: number): ResultProvenance => ({ run: config.name, candidate, split_part: splitPart, iteration });

  const redone = population.discardUnfinishedIterations(store);
  const harnesses = candidateHarnesses(store, setup.baseline, BASELINE_ID);
  const workspace = await openWorkspace(setup.workspaceDir, setup.baseline);
  // The workspace serializes its own git operations, and committing the same files again is a no-op.
  const commitToWorkspace = (id: string, parentId: string, harness: Harness, message: string) =>
    commitCandidate(workspace, id, harness.files, message, parentId === BASELINE_ID ? {} : { parentId });
  const finished = () => new Set(population.listIterations(store).map((record) => record.iteration));
  /** `detail`: why, when the reason alone does not say (the plateau rule's verdict). */
  const stop = async (reason: StopReason, detail?: string): Promise<EvolveResult> => {
    // Ctrl-C before the test began leaves it to the resumed run.
    const stopReason = reason !== 'interrupted' && config.outer.finalTest && deps.signal?.aborted ? 'interrupted' : reason;
    const finalTest =
      stopReason === 'interrupted' || !config.outer.finalTest
        ? null
        : await runFinalTest(
            { llm, store, now, emit },
            {
              baselineId: BASELINE_ID, harnessOf: (id) => harnesses.get(id), testDocuments: setup.testDocuments,
              seed: config.seed, concurrency: config.inner.documentConcurrency, simulated: setup.simulated, run: config.name,
              maxErroredFraction: config.outer.maxErroredFraction,
              ...earlyStop,
            },
          );
    const progress = progressFromStore(store, planned);
    emit({ type: 'run-stopped', reason: stopReason, progress, ...(detail !== undefined && stopReason === reason ? { detail } : {}) });
    return { stopReason, progress, finalTest };
  };
  const checkSignal = () => {
    if (deps.signal?.aborted) throw new Interrupted();
  };
  emit({ type: 'run-started', resumed: finished().size > 0, completedIterations: finished().size, plannedIterations: planned, redoneIterations: redone });

  // Iteration 0: the baseline on the validation documents.
  if (!finished().has(0)) {
    emit({ type: 'baseline-started', documents: setup.validationDocuments.length });
    const evaluation = await evaluateHarness(innerDeps, setup.baseline, setup.validationDocuments, {
      ...evaluationOptions, repeat: 0, provenance: provenance(BASELINE_ID, 'validation', 0),
    });
    const createdAt = now().toISOString();
    const record = evaluationRecord(evaluation, { candidateId: BASELINE_ID, iteration: 0, splitPart: 'validation', repeat: 0, seed: config.seed, createdAt }, voidRule);
    const entry: population.IterationRecord = {
      iteration: 0, parentId: BASELINE_ID, childId: BASELINE_ID, analysisHeadline: '', editSummary: 'baseline harness',
      parentScore: null, childScore: record.passRate, decision: 'baseline', reason: 'the baseline is the first member of the population',
      calls: record.calls, tokens: record.tokens, finishedAt: createdAt,
    };
    withTransaction(store, () => {
      population.insertCandidate(store, {
        id: BASELINE_ID, parentId: null, iteration: 0, diff: '', contentHash: setup.baseline.contentHash,
        status: 'accepted', reason: 'baseline', editSummary: 'baseline harness', createdAt,
      });
      population.insertEvaluation(store, record);
      population.insertIteration(store, entry);
    });
    emit({ type: 'iteration-finished', record: entry, progress: progressFromStore(store, planned) });
  }

  async function runIteration(iteration: number, parents: ScoredCandidate[], history: population.IterationRecord[]): Promise<void> {
    const rng = seedrandom(String(deriveSeed(config.seed, 'iteration', iteration)));
    const parent = selectParent(parents, rng, config.outer.parentSelection);
    emit({ type: 'iteration-started', iteration, parentId: parent.id });
    const parentHarness = harnesses.get(parent.id);
    const spent = { calls: 0, tokens: 0 };
    const finish = (fields: Omit<population.IterationRecord, 'iteration' | 'parentId' | 'calls' | 'tokens' | 'finishedAt'>, extraWrites = () => {}) => {
      const entry = { iteration, parentId: parent.id, ...fields, calls: spent.calls, tokens: spent.tokens, finishedAt: now().toISOString() };
      withTransaction(store, () => {
        extraWrites();
        population.insertIteration(store, entry);
      });
      emit({ type: 'iteration-finished', record: entry, progress: progressFromStore(store, planned) });
    };

    // The parent on a seeded training minibatch: its trajectories are what the analyzer reads.
    const minibatch = sampleDocuments(setup.trainDocuments, config.outer.trainMinibatchSize, rng);
    const training = await evaluateHarness(innerDeps, parentHarness, minibatch, {
      ...evaluationOptions, repeat: iteration, provenance: provenance(parent.id, 'train', iteration),
    });
    const trainingRecord = evaluationRecord(training, {
      candidateId: parent.id, iteration, splitPart: 'train', repeat: iteration, seed: config.seed, createdAt: now().toISOString(),
    }, voidRule);
    population.insertEvaluation(store, trainingRecord);
    spent.calls += trainingRecord.calls;
    spent.tokens += trainingRecord.tokens;
    checkSignal();

    // Analyzer: the failed trajectories (all of them when nothing failed) and the history log. A
    // document lost to an infrastructure error says nothing about the harness: it is not shown.
    const verdicts = training.outcomes.filter((outcome) => outcome.error === undefined);
    const failed = verdicts.filter((outcome) => !outcome.accepted);
    const shown = failed.length > 0 ? failed : verdicts;
    const historyText = renderHistory(history, config.outer.historyLimit);
    const analysis = await analyzeFailures(llm, {
      template: setup.metaPrompts.analyzer,
      trajectories: shown.map((outcome) => ({ documentId: outcome.documentId, accepted: outcome.accepted, text: formatTrajectory(outcome.result) })),
      history: historyText,
      seed: deriveSeed(config.seed, 'analyzer', iteration),
    });
    spent.calls += analysis.calls;
    spent.tokens += analysis.tokens;
    const headline = analysis.ok ? analysis.analysis.headline : '';
    population.insertAnalysis(store, {
      iteration, parentId: parent.id, headline, analysis: analysis.ok ? analysis.analysis : null, error: analysis.ok ? null : analysis.error,
      trajectories: shown.length, calls: analysis.calls, tokens: analysis.tokens, createdAt: now().toISOString(),
    });
    if (!analysis.ok) {
      finish({ childId: null, analysisHeadline: '', editSummary: '', parentScore: null, childScore: null, decision: 'failed', reason: analysis.error });
      return;
    }
    checkSignal();

    // Implementer: edits applied by the harness module; refusals go back to the model, then cost the iteration.
    const proposal = await proposeEdit(llm, {
      template: setup.metaPrompts.implementer,
      analysis: formatAnalysis(analysis.analysis),
      history: historyText,
      parent: parentHarness,
      harnessDir: setup.baselineDir,
      retries: config.outer.implementerRetries,
      seedForAttempt: (attempt) => deriveSeed(config.seed, 'implementer', iteration, attempt),
    });
    for (const attempt of proposal.attempts) {
      spent.calls += attempt.calls;
      spent.tokens += attempt.tokens;
      population.insertEditAttempt(store, { iteration, ...attempt, createdAt: now().toISOString() });
      if (attempt.outcome === 'refused') {
        emit({ type: 'edit-refused', iteration, attempt: attempt.attempt, reason: attempt.refusalReason ?? 'malformed-edits', message: attempt.message });
      }
    }
    const childId = population.candidateId(iteration);
    const candidateFields = { id: childId, parentId: parent.id, iteration, editSummary: proposal.summary, createdAt: now().toISOString() };
    if (!proposal.ok) {
      const refused = { ...candidateFields, diff: '', contentHash: null, status: 'refused' as const, reason: proposal.message };
      finish(
        { childId, analysisHeadline: headline, editSummary: proposal.summary, parentScore: null, childScore: null, decision: 'refused', reason: proposal.message },
        () => population.insertCandidate(store, refused),
      );
      return;
    }
    const child = proposal.harness;
    harnesses.remember(childId, child);
    population.insertCandidate(store, {
      ...candidateFields, diff: createHarnessDiff(setup.baseline, child), contentHash: child.contentHash, status: 'evaluating', reason: '',
    });
    await commitToWorkspace(childId, parent.id, child, `${childId} (iteration ${iteration}, parent ${parent.id}): ${proposal.summary}`);
    checkSignal();

    // Paired validation: the parent (a new repeat) and the child, same documents, same seeds; with
    // outer.racing, pair by pair until the decision is settled. Raced, the documents come in an
    // order of the iteration's own, so a cut-short evaluation is a random subset of the split, not
    // always its first documents, and the pooled scores selection reads do not favour them.
    const validationDocuments =
      config.outer.racing === 'off'
        ? setup.validationDocuments
        : raceOrder(setup.validationDocuments, config.seed, iteration);
    const race = await raceValidation(innerDeps, {
      parent: parentHarness, child, documents: validationDocuments, options: { ...evaluationOptions, repeat: iteration },
      acceptance: config.outer.acceptance, racing: config.outer.racing, maxErroredFraction: config.outer.maxErroredFraction,
      provenance: { parent: provenance(parent.id, 'validation', iteration), child: provenance(childId, 'validation', iteration) },
    });
    const createdAt = now().toISOString();
    const fields = { iteration, splitPart: 'validation' as const, repeat: iteration, seed: config.seed, createdAt };
    const parentRecord = evaluationRecord(race.parent, { candidateId: parent.id, ...fields }, voidRule);
    const childRecord = evaluationRecord(race.child, { candidateId: childId, ...fields }, voidRule);
    spent.calls += parentRecord.calls + childRecord.calls + race.beyond.calls;
    spent.tokens += parentRecord.tokens + childRecord.tokens + race.beyond.tokens;
    const decision = acceptChild(parentRecord, childRecord, config.outer.acceptance);
    finish(
      {
        childId, analysisHeadline: headline, editSummary: proposal.summary, parentScore: decision.parentRate, childScore: decision.childRate,
        decision: decision.accepted ? 'accepted' : 'rejected', reason: decision.reason + describeRace(race),
      },
      () => {
        population.insertEvaluation(store, parentRecord);
        population.insertEvaluation(store, childRecord);
        population.setCandidateStatus(store, childId, decision.accepted ? 'accepted' : 'rejected', decision.reason);
      },
    );
  }

  // Waves of concurrent iterations, each seeing the population as it stood when the wave began.
  const waveSize = config.outer.concurrentIterations;
  for (let waveStart = 1; waveStart <= planned; waveStart += waveSize) {
    const done = finished();
    const wave = range(waveStart, Math.min(waveStart + waveSize - 1, planned)).filter((iteration) => !done.has(iteration));
    if (wave.length === 0) continue;
    if (deps.signal?.aborted) return stop('interrupted');
    const totals = progressFromStore(store, planned);
    const budgetReason = budgetStopReason(config, { calls: totals.calls, tokens: totals.tokens, elapsedMs: now().getTime() - startedAt, usd: totals.costUsd });
    if (budgetReason) return stop(budgetReason);
    const plateau = reachedPlateau(config, store, waveStart - 1);
    if (plateau) return stop('plateau', describePlateau(plateau));
    const sharedReason = deps.sharedBudget?.();
    if (sharedReason) return stop(sharedReason);

    const parents = populationAsOf(store, waveStart - 1);
    const history = population.listIterations(store).filter((record) => record.iteration < waveStart);
    const settled = await Promise.allSettled(wave.map((iteration) => runIteration(iteration, parents, history)));
    const failures = settled.flatMap((outcome, index) =>
      outcome.status === 'rejected' && !(outcome.reason instanceof Interrupted) ? [{ iteration: wave[index]!, error: outcome.reason as unknown }] : [],
    );
    if (failures.length > 0) throw waveFailure(failures);
    if (settled.some((outcome) => outcome.status === 'rejected')) return stop('interrupted');
  }
  return stop(completionReason(config));
}

/** Thrown inside an iteration when the run was interrupted; its partial records are redone on resume. */
class Interrupted extends Error {}

/**
 * Every failed iteration of a wave is reported, not only the first: one line each (the same
 * message once). The run halts resumably when every failure is a halt (an endpoint, a void
 * evaluation); a programming fault among them is rethrown as it is (the others are not listed then).
 */
function waveFailure(failures: Array<{ iteration: number; error: unknown }>): unknown {
  if (failures.length === 1) return failures[0]!.error;
  const fault = failures.find((failure) => !(failure.error instanceof AutodataError));
  if (fault) return fault.error;
  const lines = new Map<string, number[]>();
  for (const { iteration, error } of failures) {
    const message = (error as AutodataError).message;
    lines.set(message, [...(lines.get(message) ?? []), iteration]);
  }
  const text = [...lines].map(([message, iterations]) => `iteration ${iterations.join(', ')}: ${message}`).join('\n');
  const message = `${failures.length} iterations of the wave failed:\n${text}`;
  return failures.every((failure) => failure.error instanceof RunHalted) ? new RunHalted(message) : new AutodataError('WAVE_FAILED', message);
}

function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, offset) => first + offset);
}

/** A seeded sample without replacement (partial Fisher-Yates on a copy). */
/** The order a raced validation of `iteration` reads its documents in (also what `autodata replay racing` walks). */
export function raceOrder<T>(documents: readonly T[], seed: number, iteration: number): T[] {
  return sampleDocuments(documents, documents.length, seedrandom(String(deriveSeed(seed, 'validation-order', iteration))));
}

export function sampleDocuments<T>(documents: readonly T[], size: number, rng: () => number): T[] {
  const pool = [...documents];
  const count = Math.min(size, pool.length);
  for (let index = 0; index < count; index += 1) {
    const pick = index + Math.floor(rng() * (pool.length - index));
    [pool[index], pool[pick]] = [pool[pick]!, pool[index]!];
  }
  return pool.slice(0, count);
}

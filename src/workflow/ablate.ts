// `autodata ablate`: a matrix of arms (values of the varied settings) x seeds, each cell an ordinary
// evolve run in its own folder, run concurrently in this process with the endpoints' concurrency
// limits shared. The matrix and every cell's resolved experiment are written before any cell runs,
// so `kill -9` at any moment loses nothing: `--resume` finishes only what is missing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runExperiment } from '../app/run-experiment.ts';
import { resolveDocuments } from '../app/resolve-documents.ts';
import { loadExperiment, type ExperimentConfig, type LoadedExperiment } from '../config/experiment.ts';
import { AutodataError, ConfigError, RunHalted } from '../errors.ts';
import { createLimiterRegistry, type SharedCallResources } from '../llm/create-llm.ts';
import { plannedIterations } from '../outer/budget.ts';
import type { EvolveEvent, StopReason } from '../outer/events.ts';
import { listIterations } from '../outer/population-store.ts';
import { paidUsage } from '../llm/paid-usage.ts';
import { STORE_FILE, type RunEvolutionResult } from '../outer/run-evolution.ts';
import { acquireRunLock, getRun, listRuns, openStore } from '../store/index.ts';
import { canonicalJson } from '../util/hash.ts';
import { settleAll } from '../util/settle-all.ts';
import { writeFileAtomically } from '../util/write-file-atomically.ts';
import { ABLATION_FILE, cellRunDir, isAblationDir, readAblationManifest, writeAblationManifest, type AblationCell, type AblationManifest } from './ablation-manifest.ts';
import { configForArm, expandArms, type VarySpec } from './vary.ts';

/** The call cache the cells share with `--share-cache`. */
export const SHARED_CACHE_FILE = 'cache.sqlite';

export interface AblateOptions {
  /** The base experiment file. */
  experimentFile: string;
  seeds: number[];
  vary: VarySpec[];
  /** The ablation folder (default: populations/<name>). */
  dir: string;
  name: string;
  /** Cells run at once (default 2). */
  parallel: number;
  resume: boolean;
  simFaults?: readonly string[];
  /**
   * One call cache for every cell (`<dir>/cache.sqlite`): arms with the same seed pay once for the
   * calls they share (the baseline's evaluation above all). Off by default: with it, a cell's paid
   * calls and tokens depend on which cell ran first, so `compare`'s cost columns stop being per-arm costs.
   */
  shareCache?: boolean;
  /**
   * One budget for the whole matrix, summed over every cell's paid calls and tokens (earlier sessions'
   * included) and this process's wall time. Checked between waves, like a run's own budgets; a cell
   * it stops resumes with `--resume` and a larger budget.
   */
  budgets?: MatrixBudgets;
  /** Per-cell events (iteration lines, stops), tagged with the cell. */
  onCellEvent?: (cell: AblationCell, event: EvolveEvent) => void;
  onCellDone?: (cell: AblationCell, outcome: CellOutcome) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface MatrixBudgets {
  calls?: number;
  tokens?: number;
  wallTimeMinutes?: number;
}

export type CellOutcome =
  | { kind: 'done'; result: RunEvolutionResult }
  | { kind: 'budget-spent' }
  | { kind: 'already-complete' }
  | { kind: 'halted'; message: string }
  | { kind: 'interrupted' };

export interface AblateResult {
  dir: string;
  manifest: AblationManifest;
  outcomes: Array<{ cell: AblationCell; outcome: CellOutcome }>;
}

export async function runAblation(options: AblateOptions): Promise<AblateResult> {
  const base = loadExperiment(options.experimentFile);
  const planned = planAblation(base, options);
  if (!options.resume && isAblationDir(options.dir)) {
    throw new ConfigError(options.dir, 'already holds an ablation; pass --resume to finish it, or --name to start another');
  }
  if (options.resume && !isAblationDir(options.dir)) {
    throw new ConfigError(options.dir, 'has no ablation to resume; start it without --resume');
  }
  // One writer for the matrix; each cell's run folder has its own lock as well.
  const lock = acquireRunLock(options.dir, { command: `autodata ablate (${options.name})` });
  try {
    const manifest = options.resume ? checkedResume(options.dir, planned.manifest) : planned.manifest;
    // On resume, a cell keeps the experiment file it was given; only a lost one is written again.
    planned.manifest.cells.forEach((cell, index) => {
      if (!existsSync(path.join(options.dir, manifest.cells[index]!.experimentFile))) writeCellExperiment(options.dir, cell, planned.configs.get(cell)!);
    });
    if (!options.resume) writeAblationManifest(options.dir, manifest);
    return await runCells(options, manifest);
  } finally {
    lock.release();
  }
}

/** The matrix, and each cell's resolved experiment (absolute paths, its own name and seed). */
export function planAblation(
  base: LoadedExperiment,
  options: Pick<AblateOptions, 'seeds' | 'vary' | 'name' | 'experimentFile' | 'now'>,
): { manifest: AblationManifest; configs: Map<AblationCell, ExperimentConfig> } {
  if (options.seeds.length === 0) throw new ConfigError('--seeds', 'name at least one seed, e.g. --seeds 1,2,3');
  if (new Set(options.seeds).size !== options.seeds.length) throw new ConfigError('--seeds', 'a seed is listed twice');
  const keys = options.vary.map((spec) => spec.key);
  const repeated = keys.find((key, index) => keys.indexOf(key) !== index);
  if (repeated) throw new ConfigError('--vary', `${repeated} is varied twice; list all its values in one --vary`);
  const arms = expandArms(options.vary);
  const configs = new Map<AblationCell, ExperimentConfig>();
  const cells: AblationCell[] = [];
  for (const arm of arms) {
    const armConfig = configForArm(base.config, arm, base.file);
    for (const seed of options.seeds) {
      const folder = `${arm.id}-seed${seed}`;
      const cell: AblationCell = { arm: arm.id, seed, runDir: path.join('cells', folder), experimentFile: path.join('cells', folder, 'experiment.json') };
      configs.set(cell, {
        ...armConfig,
        name: `${options.name}-${folder}`,
        seed,
        description: `Cell ${folder} of ablation ${options.name}: ${arm.label}, seed ${seed}.`,
        // Absolute, so the cell's file runs from anywhere (`autodata evolve FILE --out DIR`).
        baseline: base.paths.baseline,
        metaPrompts: base.paths.metaPrompts,
        documents: base.paths.documents,
        split: base.paths.split,
        endpoints: base.paths.endpoints,
      });
      cells.push(cell);
    }
  }
  const manifest: AblationManifest = {
    kind: 'ablation',
    name: options.name,
    experiment: options.experimentFile,
    seeds: [...options.seeds],
    vary: options.vary.map((spec) => ({ key: spec.key, values: spec.values })),
    arms,
    cells,
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  return { manifest, configs };
}

/** A resumed ablation must be the same matrix (seeds, varied keys and values). */
function checkedResume(dir: string, planned: AblationManifest): AblationManifest {
  const recorded = readAblationManifest(dir);
  const same = (a: AblationManifest) => canonicalJson({ seeds: a.seeds, vary: a.vary });
  if (same(recorded) !== same(planned)) {
    throw new ConfigError(
      path.join(dir, ABLATION_FILE),
      `records seeds ${recorded.seeds.join(',')} and ${recorded.vary.map((spec) => `--vary ${spec.key}=${spec.values.map((value) => JSON.stringify(value)).join(',')}`).join(' ') || 'no --vary'}; resume with the same ones, or start another ablation (--name)`,
    );
  }
  return recorded;
}

function writeCellExperiment(dir: string, cell: AblationCell, config: ExperimentConfig): void {
  writeFileAtomically(path.join(dir, cell.experimentFile), `${JSON.stringify(config, null, 2)}\n`);
}

/** Completed cells are skipped, started ones resumed, the rest started; `parallel` at a time. */
async function runCells(options: AblateOptions, manifest: AblationManifest): Promise<AblateResult> {
  const cacheStore = options.shareCache ? openStore(path.join(options.dir, SHARED_CACHE_FILE)) : undefined;
  try {
    return await runCellsSharing(options, manifest, { limiterRegistry: createLimiterRegistry(), ...(cacheStore ? { cacheDb: cacheStore.db } : {}) });
  } finally {
    cacheStore?.close();
  }
}

async function runCellsSharing(options: AblateOptions, manifest: AblationManifest, shared: SharedCallResources): Promise<AblateResult> {
  const documentsBySpec = new Map<string, ReturnType<typeof resolveDocuments>['documents']>();
  const outcomes: Array<{ cell: AblationCell; outcome: CellOutcome }> = manifest.cells.map((cell) => ({ cell, outcome: { kind: 'interrupted' } }));
  let next = 0;
  let halted: string | undefined;
  const budget = matrixBudget(options, manifest);

  const runCell = async (index: number): Promise<void> => {
    const cell = manifest.cells[index]!;
    const runDir = cellRunDir(options.dir, cell);
    const state = cellState(runDir);
    if (state !== 'completed' && budget.spent()) {
      outcomes[index] = { cell, outcome: { kind: 'budget-spent' } };
      options.onCellDone?.(cell, outcomes[index]!.outcome);
      return;
    }
    if (state === 'completed') {
      outcomes[index] = { cell, outcome: { kind: 'already-complete' } };
      options.onCellDone?.(cell, outcomes[index]!.outcome);
      return;
    }
    const experiment = loadExperiment(path.join(options.dir, cell.experimentFile));
    let documents = documentsBySpec.get(experiment.paths.documents);
    if (!documents) {
      documents = resolveDocuments(experiment.paths.documents).documents;
      documentsBySpec.set(experiment.paths.documents, documents);
    }
    let outcome: CellOutcome;
    try {
      const result = await runExperiment({
        experiment,
        runDir,
        resume: state === 'started',
        documents,
        shared,
        ...(options.simFaults ? { simFaults: options.simFaults } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        sharedBudget: budget.spent,
        emit: (event) => {
          budget.observe(cell, event);
          options.onCellEvent?.(cell, event);
        },
      });
      outcome = result.stopReason === 'interrupted' ? { kind: 'interrupted' } : { kind: 'done', result };
    } catch (error) {
      if (!(error instanceof RunHalted)) throw error;
      halted ??= error.message;
      outcome = { kind: 'halted', message: error.message };
    }
    outcomes[index] = { cell, outcome };
    options.onCellDone?.(cell, outcome);
  };

  const worker = async () => {
    while (next < manifest.cells.length && !halted && !options.signal?.aborted) {
      const index = next;
      next += 1;
      await runCell(index);
    }
  };
  // Every worker finishes its cell before a fault is rethrown: no cell is left writing to a closed cache.
  await settleAll(Array.from({ length: Math.max(1, Math.min(options.parallel, manifest.cells.length)) }, worker));
  const haltedCells = outcomes.filter(({ outcome }) => outcome.kind === 'halted');
  if (haltedCells.length > 0) {
    const lines = haltedCells.map(({ cell, outcome }) => `${cell.arm} seed ${cell.seed}: ${(outcome as { message: string }).message}`);
    throw new RunHalted(`${haltedCells.length} cell(s) of ablation ${manifest.name} stopped:\n${lines.join('\n')}`);
  }
  return { dir: options.dir, manifest, outcomes };
}

/**
 * The matrix budget: paid calls and tokens of every cell (each cell's latest progress; cells not run
 * in this process count what their stores hold) and the wall time of this process.
 */
function matrixBudget(options: AblateOptions, manifest: AblationManifest) {
  const started = Date.now();
  const spentBy = new Map<string, { calls: number; tokens: number }>();
  for (const cell of manifest.cells) spentBy.set(cell.runDir, storedSpending(cellRunDir(options.dir, cell)));
  const limits = options.budgets ?? {};
  return {
    observe(cell: AblationCell, event: EvolveEvent) {
      if (event.type === 'iteration-finished' || event.type === 'run-stopped') {
        spentBy.set(cell.runDir, { calls: event.progress.calls, tokens: event.progress.tokens });
      }
    },
    spent: (): StopReason | undefined => {
      const total = [...spentBy.values()].reduce((sum, entry) => ({ calls: sum.calls + entry.calls, tokens: sum.tokens + entry.tokens }), { calls: 0, tokens: 0 });
      if (limits.calls !== undefined && total.calls >= limits.calls) return 'calls-budget';
      if (limits.tokens !== undefined && total.tokens >= limits.tokens) return 'tokens-budget';
      if (limits.wallTimeMinutes !== undefined && Date.now() - started >= limits.wallTimeMinutes * 60_000) return 'wall-time-budget';
      return undefined;
    },
  };
}

function storedSpending(runDir: string): { calls: number; tokens: number } {
  const storePath = path.join(runDir, STORE_FILE);
  if (!existsSync(storePath)) return { calls: 0, tokens: 0 };
  const store = openStore(storePath, { readonly: true });
  try {
    const { calls, tokens } = paidUsage(store.db);
    return { calls, tokens };
  } finally {
    store.close();
  }
}

/**
 * A cell's run folder: no store yet, a run under way or interrupted (or stopped by a budget before
 * its planned iterations: a resume continues it), or a run that did every planned iteration.
 */
export function cellState(runDir: string): 'not-started' | 'started' | 'completed' {
  const storePath = path.join(runDir, STORE_FILE);
  if (!existsSync(storePath)) return 'not-started';
  const store = openStore(storePath, { readonly: true });
  try {
    const run = listRuns(store).find((record) => record.kind === 'evolve');
    if (!run) return 'started';
    if (getRun(store, run.id)?.status !== 'completed') return 'started';
    const planned = plannedIterations(run.config as ExperimentConfig);
    const done = listIterations(store).filter((record) => record.iteration > 0).length;
    return done >= planned ? 'completed' : 'started';
  } catch (error) {
    if (error instanceof AutodataError) return 'started';
    throw error;
  } finally {
    store.close();
  }
}

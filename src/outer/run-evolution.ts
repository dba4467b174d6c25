// One `autodata evolve`: open (or resume) the run in its folder, record the resolved config, run
// the loop, mark the run finished. The model client is made by the caller (the composition root),
// from the opened store, so the call cache lives in the run store.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { experimentSchema, type ExperimentConfig, type LoadedExperiment } from '../config/experiment.ts';
import { documentsForPart, loadSplit, type Document } from '../documents/index.ts';
import { ConfigError, RunHalted } from '../errors.ts';
import { loadHarness, loadMetaPrompts } from '../harness/index.ts';
import { contextFitFor, type DocumentRole, type EndpointLimits } from '../inner/fit-document.ts';
import type { Llm } from '../llm/types.ts';
import { acquireRunLock, finishRun, listRuns, openStore, recordRun, type RunRecord, type Store } from '../store/index.ts';
import { canonicalJson } from '../util/hash.ts';
import type { Emit, StopReason } from './events.ts';
import { evolve, type EvolveResult, type EvolveSetup } from './evolve.ts';
import { fitSplitParts, type DocumentFitReport } from './fit-split-parts.ts';
import { getCandidate } from './population-store.ts';

export const RUN_KIND = 'evolve';
export const STORE_FILE = 'run.sqlite';
export const WORKSPACE_FOLDER = 'workspace';
/** Which documents were truncated or skipped to fit the context windows (rewritten on every start and resume). */
export const DOCUMENT_FIT_FILE = 'document-fit.json';

export interface RunEvolutionOptions {
  experiment: LoadedExperiment;
  /** The documents the experiment's `documents` spec names (resolved by the composition root). */
  documents: Document[];
  runDir: string;
  resume: boolean;
  createLlm: (store: Store) => Llm;
  /**
   * contextWindow and maxTokens of the roles that carry the document (the endpoints' `roles`): with
   * `inner.longDocuments` they decide which documents are truncated or skipped. Absent: none.
   */
  endpointLimits?: Record<DocumentRole, EndpointLimits>;
  emit?: Emit;
  signal?: AbortSignal;
  now?: () => Date;
  /** A budget shared with other runs of this process (see EvolveDeps.sharedBudget). */
  sharedBudget?: () => StopReason | undefined;
  /** Overrides every candidate's `earlyStop` harness setting for this run; absent: each harness decides. */
  earlyStop?: boolean;
  /** Whether any role of its endpoints is on the sim (config/endpoint-provenance.ts, the one rule); absent: the experiment's endpoints are `sim`. */
  simulated?: boolean;
}

export interface RunEvolutionResult extends EvolveResult {
  runId: string;
  runDir: string;
  storePath: string;
  /** The documents truncated or skipped to fit the context windows, per split part. */
  documentFit: DocumentFitReport;
}

export async function runEvolution(options: RunEvolutionOptions): Promise<RunEvolutionResult> {
  const { experiment, runDir, resume } = options;
  const storePath = path.join(runDir, STORE_FILE);
  const prepared = evolveSetup(experiment, options.documents, runDir, options.endpointLimits);
  const { documentFit } = prepared;
  const setup = options.simulated === undefined ? prepared.setup : { ...prepared.setup, simulated: options.simulated };
  // One writer per run folder: a second `evolve --resume` stops here with one line, the first goes on.
  const lock = acquireRunLock(runDir, { command: `autodata evolve ${resume ? '--resume ' : ''}(${experiment.config.name})` });
  try {
    return { ...(await runLocked(options, setup, storePath, documentFit)), documentFit };
  } finally {
    lock.release();
  }
}

async function runLocked(
  options: RunEvolutionOptions,
  setup: Omit<EvolveSetup, 'config'>,
  storePath: string,
  documentFit: DocumentFitReport,
): Promise<Omit<RunEvolutionResult, 'documentFit'>> {
  const { experiment, runDir, resume } = options;
  if (!resume && existsSync(storePath)) {
    throw new ConfigError(runDir, 'already holds a run; pass --resume to continue it, or --name / --out to start a new run elsewhere');
  }
  if (resume && !existsSync(storePath)) {
    throw new ConfigError(runDir, 'has no run to resume; start it without --resume');
  }
  const store = openStore(storePath);
  let runId: string | undefined;
  try {
    const { run, config } = resume ? resumeRun(store, experiment) : startRun(store, experiment.config, setup.baseline.contentHash);
    runId = run.id;
    writeDocumentFit(runDir, documentFit);
    if (documentFit.windows.length > 0) options.emit?.({ type: 'documents-fitted', line: documentFit.line });
    const baselineCandidate = getCandidate(store, 'c0000');
    if (baselineCandidate && baselineCandidate.contentHash !== setup.baseline.contentHash) {
      throw new ConfigError(experiment.config.baseline, 'the baseline harness changed since this run started; restore it or start a new run');
    }
    const result = await evolve(
      { llm: options.createLlm(store), store, ...(options.emit ? { emit: options.emit } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.now ? { now: options.now } : {}), ...(options.sharedBudget ? { sharedBudget: options.sharedBudget } : {}) },
      { ...setup, config, ...(options.earlyStop === undefined ? {} : { earlyStop: options.earlyStop }) },
    );
    finishRun(store, run.id, result.stopReason === 'interrupted' ? 'interrupted' : 'completed');
    return { ...result, runId: run.id, runDir, storePath };
  } catch (error) {
    // A halt (endpoint down, void evaluation) is resumable like an interrupt; anything else failed.
    if (runId) finishRun(store, runId, error instanceof RunHalted ? 'interrupted' : 'failed');
    throw error;
  } finally {
    store.close();
  }
}

/** Everything the loop needs from disk; bad paths and impossible sizes fail here, before the store is touched. */
function evolveSetup(
  experiment: LoadedExperiment,
  documents: Document[],
  runDir: string,
  endpointLimits: Record<DocumentRole, EndpointLimits> | undefined,
): { setup: Omit<EvolveSetup, 'config'>; documentFit: DocumentFitReport } {
  const { config, paths, file } = experiment;
  const baseline = loadHarness(paths.baseline);
  const metaPrompts = loadMetaPrompts(paths.metaPrompts);
  const split = loadSplit(paths.split);
  const trainDocuments = documentsForPart(documents, split, 'train');
  const allValidation = documentsForPart(documents, split, 'validation');
  const limit = config.outer.validationLimit ?? allValidation.length;
  if (limit > allValidation.length) {
    throw new ConfigError(file, `outer.validationLimit is ${limit} but the split has ${allValidation.length} validation documents; lower it`);
  }
  if (config.outer.trainMinibatchSize > trainDocuments.length) {
    throw new ConfigError(file, `outer.trainMinibatchSize is ${config.outer.trainMinibatchSize} but the split has ${trainDocuments.length} training documents; lower it`);
  }
  if (allValidation.length === 0) throw new ConfigError(paths.split, 'the split has no validation documents; the loop needs some to score candidates');
  // Only listed here; the loop touches them once, after its last iteration (final-test.ts).
  const allTest = config.outer.finalTest ? documentsForPart(documents, split, 'test') : [];
  const testLimit = config.outer.testLimit ?? allTest.length;
  if (config.outer.finalTest && allTest.length === 0) {
    throw new ConfigError(paths.split, 'the split has no test documents; add some or set outer.finalTest to false');
  }
  if (testLimit > allTest.length && config.outer.finalTest) {
    throw new ConfigError(file, `outer.testLimit is ${testLimit} but the split has ${allTest.length} test documents; lower it`);
  }
  // Documents too long for a context window: truncated or left out here, once, for every harness alike.
  const policy = config.inner.longDocuments;
  const contextFit = endpointLimits ? contextFitFor(endpointLimits, policy) : { policy, windows: [] };
  const parts = { train: trainDocuments, validation: allValidation.slice(0, limit), ...(config.outer.finalTest ? { test: allTest.slice(0, testLimit) } : {}) };
  const { documents: fitted, report } = fitSplitParts(parts, contextFit);
  const left = (part: 'train' | 'validation' | 'test') => fitted[part] ?? [];
  const skippedNote = (part: 'train' | 'validation' | 'test') => {
    const skipped = report.parts[part]?.skipped.length ?? 0;
    return skipped > 0 ? ` (${skipped} skipped as too long for the context window; inner.longDocuments is ${policy})` : '';
  };
  if (config.outer.trainMinibatchSize > left('train').length) {
    throw new ConfigError(file, `outer.trainMinibatchSize is ${config.outer.trainMinibatchSize} but only ${left('train').length} training documents can be sent${skippedNote('train')}; lower it`);
  }
  if (left('validation').length === 0) {
    throw new ConfigError(file, `no validation document can be sent${skippedNote('validation')}; raise the challenger's or quality verifier's contextWindow, lower their maxTokens, or use shorter documents`);
  }
  if (config.outer.finalTest && left('test').length === 0) {
    throw new ConfigError(file, `no test document can be sent${skippedNote('test')}; raise the contextWindow, or set outer.finalTest to false`);
  }
  return {
    setup: {
      baseline,
      baselineDir: paths.baseline,
      metaPrompts,
      trainDocuments: left('train'),
      validationDocuments: left('validation'),
      testDocuments: left('test'),
      workspaceDir: path.join(runDir, WORKSPACE_FOLDER),
      simulated: paths.endpoints === 'sim',
    },
    documentFit: report,
  };
}

/** `document-fit.json` in the run folder: the policy, the windows and every truncated or skipped document per part. */
function writeDocumentFit(runDir: string, report: DocumentFitReport): void {
  const file = path.join(runDir, DOCUMENT_FIT_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(temporary, file);
}

function startRun(store: Store, config: ExperimentConfig, baselineHash: string): { run: RunRecord; config: ExperimentConfig } {
  const run = recordRun(store, { id: config.name, kind: RUN_KIND, name: config.name, config, seed: config.seed, versions: { ...versions(), baselineHarness: baselineHash } });
  return { run, config };
}

/**
 * A resumed run keeps its recorded config; only how far it goes (outer.iterations, budgets) may
 * change, so a run can be extended. Anything else differing means another experiment.
 */
function resumeRun(store: Store, experiment: LoadedExperiment): { run: RunRecord; config: ExperimentConfig } {
  const existing = listRuns(store).find((run) => run.kind === RUN_KIND);
  if (!existing) throw new ConfigError(store.path, 'holds no evolve run to resume; start a new run without --resume');
  // Defaults of settings added since the run was recorded (e.g. inner.longDocuments) filled in, so they do not read as a difference.
  const recorded = experimentSchema.safeParse(existing.config).data ?? (existing.config as ExperimentConfig);
  const differing = differingKeys(identity(recorded), identity(experiment.config));
  if (differing.length > 0) {
    throw new ConfigError(
      experiment.file,
      `differs from the run being resumed in ${differing.join(', ')}; restore those values or start a new run (--name)`,
    );
  }
  const run = recordRun(store, { id: existing.id, kind: RUN_KIND, name: existing.name, config: existing.config, seed: existing.seed });
  const { iterations, finalTest, testLimit, maxErroredFraction } = experiment.config.outer;
  return {
    run,
    config: { ...recorded, outer: { ...recorded.outer, iterations, finalTest, testLimit, maxErroredFraction }, budgets: experiment.config.budgets },
  };
}

/** The part of a config that defines the experiment (not its name, length, budgets, final test or void rule). */
function identity(config: ExperimentConfig): Record<string, unknown> {
  const { name: _name, budgets: _budgets, description: _description, outer, ...rest } = config;
  const { iterations: _iterations, finalTest: _finalTest, testLimit: _testLimit, maxErroredFraction: _maxErrored, ...outerRest } = outer;
  return { ...rest, outer: outerRest };
}

/** Dotted keys whose values differ between two configs (objects compared key by key, anything else as a whole). */
export function differingKeys(left: Record<string, unknown>, right: Record<string, unknown>, prefix = ''): string[] {
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.flatMap((key) => {
    const a = left[key];
    const b = right[key];
    if (canonicalJson(a) === canonicalJson(b)) return [];
    const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
    if (isObject(a) && isObject(b)) return differingKeys(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${key}.`);
    return [`${prefix}${key}`];
  });
}

function versions(): Record<string, string> {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return { autodata: packageJson.version, node: process.version };
}

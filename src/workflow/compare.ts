// `compare`: arms across seeds, each metric as a mean with a 95% t interval, and every other arm's
// paired difference (by seed) against the first arm. The arms come from an ablation record, or from
// runs named one by one: runs whose recorded configs are identical but for seed and name are seeds
// of one arm. Only completed runs enter the means; the others are listed with their state.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { locateRunStore } from '../outer/inspect-run.ts';
import { differingKeys, STORE_FILE } from '../outer/run-evolution.ts';
import { canonicalJson } from '../util/hash.ts';
import { forTerminal } from '../util/terminal-text.ts';
import { cellRunDir, isAblationDir, locateAblation, readAblationManifest } from './ablation-manifest.ts';
import { INTERVAL_METHOD, meanInterval, pairedDifference, type MeanInterval } from './intervals.ts';
import type { AcceptanceErrors } from './oracle-metrics.ts';
import { readRunMetrics, type RunMetrics, type RunState } from './run-metrics.ts';

/** The per-run metrics that are averaged across seeds, in the order they are shown. */
export const METRIC_KEYS = [
  'bestValidation', 'testBest', 'testBaseline', 'oracleBest', 'oracleBaseline',
  'iterationsDone', 'accepted', 'rejected', 'refused', 'failed', 'iterationsToThreshold',
  'calls', 'tokens', 'retried', 'wallTimeSeconds',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** The metrics whose paired difference against the first arm is reported. */
export const DIFFERENCE_KEYS = ['bestValidation', 'testBest', 'oracleBest', 'calls', 'tokens'] as const satisfies readonly MetricKey[];
export type DifferenceKey = (typeof DIFFERENCE_KEYS)[number];

export interface ComparedRun extends RunMetrics {
  /** The seed the run is paired by: the ablation cell's seed, or the recorded one. */
  pairingSeed: number | null;
  /** In the means: the run completed. */
  included: boolean;
}

export interface ArmSummary {
  id: string;
  label: string;
  /** The keys that set this arm apart and their values here (the ablation's varied keys, or the keys the runs differ in). */
  values: Array<{ key: string; value: unknown }>;
  /** Every run of the arm, incomplete ones too. */
  runs: ComparedRun[];
  /** Seeds of the runs in the means. */
  seeds: number[];
  metrics: Record<MetricKey, MeanInterval>;
  /** Paid tokens per role; a run that paid nothing for a role counts 0 there. */
  tokensByRole: Record<string, MeanInterval>;
}

export interface ArmDifference {
  arm: string;
  against: string;
  /** `a2 - a1` */
  label: string;
  metrics: Record<DifferenceKey, MeanInterval & { pairs: number }>;
}

export interface Comparison {
  source: { kind: 'ablation'; name: string; dir: string } | { kind: 'runs'; runs: string[] };
  threshold: number | null;
  intervalMethod: string;
  arms: ArmSummary[];
  differences: ArmDifference[];
  /** Runs left out of the means (not completed), with their state. */
  incomplete: Array<{ arm: string | null; seed: number | null; runDir: string; status: RunState; iterationsDone: number; iterationsPlanned: number | null }>;
  warnings: string[];
  /** `--oracle N --acceptance-errors` on the sim: the acceptance rule's decisions against the oracle. */
  acceptanceErrors?: AcceptanceErrors;
}

export interface CompareOptions {
  threshold?: number | null;
  cwd?: string;
}

/** NAMES is one ablation (a name under populations/ or a folder), or one or more runs. */
export function compare(names: readonly string[], options: CompareOptions = {}): Comparison {
  const cwd = options.cwd ?? process.cwd();
  if (names.length === 0) throw new ConfigError('compare', 'name an ablation or one or more runs');
  const ablations = names.map((name) => locateAblation(name, cwd));
  if (names.length === 1 && ablations[0]) return compareAblation(ablations[0], options);
  const mixed = names.find((_, index) => ablations[index] !== undefined);
  if (mixed !== undefined) throw new ConfigError(mixed, 'is an ablation; compare one ablation on its own, or runs');
  const runDirs = names.map((name) => {
    try {
      return path.dirname(locateRunStore(name, cwd));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(name, `no ablation or run of that name; ${describePopulations(cwd)}`);
    }
  });
  return compareRuns(runDirs, { ...options, names: [...names] });
}

/** The ablations and runs under `<cwd>/populations/`, by name. */
export interface PopulationEntry {
  name: string;
  dir: string;
  kind: 'ablation' | 'run';
}

export function listPopulations(cwd: string): PopulationEntry[] {
  const folder = path.join(cwd, 'populations');
  const names = existsSync(folder) ? readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort() : [];
  return names.flatMap((name): PopulationEntry[] => {
    const dir = path.join(folder, name);
    if (isAblationDir(dir)) return [{ name, dir, kind: 'ablation' }];
    return existsSync(path.join(dir, STORE_FILE)) ? [{ name, dir, kind: 'run' }] : [];
  });
}

/** One line naming what `populations/` holds, for an unknown name. */
export function describePopulations(cwd: string): string {
  const folder = path.join(cwd, 'populations');
  const entries = listPopulations(cwd);
  const ablations = entries.filter((entry) => entry.kind === 'ablation').map((entry) => entry.name);
  const runs = entries.filter((entry) => entry.kind === 'run').map((entry) => entry.name);
  if (ablations.length === 0 && runs.length === 0) return `populations/ holds no ablation or run (looked in ${folder})`;
  const list = (names: string[]) => (names.length === 0 ? 'none' : forTerminal(names.join(', '), 'line'));
  return `populations/ holds ablations: ${list(ablations)}; runs: ${list(runs)}`;
}

export function compareAblation(dir: string, options: CompareOptions = {}): Comparison {
  const manifest = readAblationManifest(dir);
  const threshold = options.threshold ?? null;
  const warnings: string[] = [];
  const read = manifest.cells.map((cell) => {
    const { metrics, config } = readRunMetrics(cellRunDir(dir, cell), { threshold });
    if (metrics.seed !== null && metrics.seed !== cell.seed) {
      warnings.push(`cell ${cell.arm} seed ${cell.seed}: its run records seed ${metrics.seed}`);
    }
    return { cell, config, run: comparedRun(metrics, cell.seed) };
  });
  warnings.push(...ablationConfigWarnings(manifest.vary.map((entry) => entry.key), read));
  const arms = manifest.arms.map((arm) =>
    summarizeArm(arm.id, arm.label, arm.values, read.filter((entry) => entry.cell.arm === arm.id).map((entry) => entry.run), warnings),
  );
  return finish({ kind: 'ablation', name: manifest.name, dir }, threshold, arms, warnings);
}

export function compareRuns(runDirs: readonly string[], options: CompareOptions & { names?: string[] } = {}): Comparison {
  const threshold = options.threshold ?? null;
  const warnings: string[] = [];
  const groups: Array<{ identity: Record<string, unknown>; key: string; runs: ComparedRun[] }> = [];
  const orphans: ComparedRun[] = [];
  for (const runDir of runDirs) {
    const { metrics, config } = readRunMetrics(runDir, { threshold });
    const run = comparedRun(metrics, metrics.seed);
    if (!isRecord(config)) {
      orphans.push(run);
      continue;
    }
    const identity = runIdentity(config);
    const key = canonicalJson(identity);
    const group = groups.find((entry) => entry.key === key);
    if (group) group.runs.push(run);
    else groups.push({ identity, key, runs: [run] });
  }
  const first = groups[0];
  const differing = first ? [...new Set(groups.slice(1).flatMap((group) => differingKeys(first.identity, group.identity)))].sort() : [];
  if (differing.length > 0) {
    warnings.push(`the runs differ in more than seed and name: ${differing.join(', ')}; compared as ${groups.length} arms`);
  }
  const arms = groups.map((group, index) => {
    const values = differing.map((key) => ({ key, value: valueAt(group.identity, key) }));
    const label = values.length > 0 ? values.map((entry) => `${entry.key}=${show(entry.value)}`).join(', ') : [...new Set(group.runs.map((run) => run.name ?? ''))].join(', ');
    return summarizeArm(`a${index + 1}`, label, values, group.runs, warnings);
  });
  const comparison = finish({ kind: 'runs', runs: options.names ?? [...runDirs] }, threshold, arms, warnings);
  comparison.incomplete.push(...orphans.map((run) => incompleteEntry(null, run)));
  return comparison;
}

/** The arms' means and paired differences again, after the runs' figures changed (the oracle's added). */
export function recomputeComparison(comparison: Comparison): Comparison {
  const arms = comparison.arms.map((arm) => summarizeArm(arm.id, arm.label, arm.values, arm.runs, []));
  return { ...finish(comparison.source, comparison.threshold, arms, [...comparison.warnings]), incomplete: comparison.incomplete };
}

function comparedRun(metrics: RunMetrics, pairingSeed: number | null): ComparedRun {
  return { ...metrics, pairingSeed, included: metrics.status === 'completed' };
}

function summarizeArm(id: string, label: string, values: ArmSummary['values'], runs: ComparedRun[], warnings: string[]): ArmSummary {
  const included = runs.filter((run) => run.included);
  const seeds = included.map((run) => run.pairingSeed).filter((seed): seed is number => seed !== null);
  const repeated = [...new Set(seeds.filter((seed, index) => seeds.indexOf(seed) !== index))];
  if (repeated.length > 0) warnings.push(`arm ${id} has more than one run with seed ${repeated.join(', ')}; the paired differences use the first`);
  const metrics = Object.fromEntries(METRIC_KEYS.map((key) => [key, meanInterval(included.map((run) => run[key]))])) as Record<MetricKey, MeanInterval>;
  const roles = [...new Set(included.flatMap((run) => Object.keys(run.tokensByRole)))].sort();
  const tokensByRole = Object.fromEntries(roles.map((role) => [role, meanInterval(included.map((run) => run.tokensByRole[role] ?? 0))]));
  return { id, label, values, runs, seeds, metrics, tokensByRole };
}

function finish(source: Comparison['source'], threshold: number | null, arms: ArmSummary[], warnings: string[]): Comparison {
  const [first, ...others] = arms;
  const bySeed = (arm: ArmSummary, key: DifferenceKey) => {
    const values = new Map<number, number | null>();
    for (const run of arm.runs) if (run.included && run.pairingSeed !== null && !values.has(run.pairingSeed)) values.set(run.pairingSeed, run[key]);
    return values;
  };
  const differences = first
    ? others.map((arm) => ({
        arm: arm.id,
        against: first.id,
        label: `${arm.id} - ${first.id}`,
        metrics: Object.fromEntries(DIFFERENCE_KEYS.map((key) => [key, pairedDifference(bySeed(first, key), bySeed(arm, key))])) as ArmDifference['metrics'],
      }))
    : [];
  const incomplete = arms.flatMap((arm) => arm.runs.filter((run) => !run.included).map((run) => incompleteEntry(arm.id, run)));
  return { source, threshold, intervalMethod: INTERVAL_METHOD, arms, differences, incomplete, warnings };
}

function incompleteEntry(arm: string | null, run: ComparedRun): Comparison['incomplete'][number] {
  return { arm, seed: run.pairingSeed, runDir: run.runDir, status: run.status, iterationsDone: run.iterationsDone, iterationsPlanned: run.iterationsPlanned };
}

/**
 * Keys in which arms differ besides the varied ones. Each started cell is compared with the
 * earliest arm's started cell of the same seed, so whatever the ablation sets per seed matches.
 */
function ablationConfigWarnings(varied: string[], cells: Array<{ cell: { arm: string; seed: number }; config: unknown }>): string[] {
  const found = new Map<string, Set<string>>();
  const reference = new Map<number, { arm: string; identity: Record<string, unknown> }>();
  for (const { cell, config } of cells) {
    if (!isRecord(config)) continue;
    const { name: _name, description: _description, ...identity } = config;
    const base = reference.get(cell.seed);
    if (!base) {
      reference.set(cell.seed, { arm: cell.arm, identity });
      continue;
    }
    if (base.arm === cell.arm) continue;
    for (const key of differingKeys(base.identity, identity)) {
      if (varied.some((variedKey) => coveredBy(key, variedKey))) continue;
      const pairs = found.get(key) ?? new Set<string>();
      pairs.add(`${cell.arm} vs ${base.arm}`);
      found.set(key, pairs);
    }
  }
  return [...found].map(([key, pairs]) => `arms differ in more than the varied keys: ${key} (${[...pairs].join(', ')})`);
}

/**
 * A differing key is explained by a varied key at, above or below it. Varying a `kind` explains
 * the rest of its object too (a discriminated union: another kind has other fields).
 */
function coveredBy(key: string, variedKey: string): boolean {
  if (key === variedKey || key.startsWith(`${variedKey}.`) || variedKey.startsWith(`${key}.`)) return true;
  return variedKey.endsWith('.kind') && key.startsWith(variedKey.slice(0, -'kind'.length));
}

/** A run's config without what tells seeds of one arm apart (seed, name, description). */
function runIdentity(config: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, seed: _seed, description: _description, ...identity } = config;
  return identity;
}

function valueAt(config: Record<string, unknown>, dottedKey: string): unknown {
  let value: unknown = config;
  for (const part of dottedKey.split('.')) value = isRecord(value) && Object.hasOwn(value, part) ? value[part] : undefined;
  return value;
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : typeof value === 'string' ? value : canonicalJson(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

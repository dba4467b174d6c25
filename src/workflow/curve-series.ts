// The data behind `autodata curve --out`: runs and ablations -> the series of one chart. A run is one
// line (its best validation pass rate after each iteration, accepted iterations marked, its held-out
// test at the end); an ablation is one mean line per arm with a 95% t interval across its seeds.
// On the sim, `curveChartWithOracle` adds the oracle's true pass rate of each run's best candidate
// at the end of its line (an arm: the mean over its seeds); the oracle is passed in.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { bestCandidate } from '../outer/events.ts';
import { finalTestFromStore } from '../outer/final-test.ts';
import { curvePoints, locateRunStore } from '../outer/inspect-run.ts';
import { listIterations } from '../outer/population-store.ts';
import { STORE_FILE } from '../outer/run-evolution.ts';
import type { ChartPoint, ChartSeries, CurveChart, CurveXAxis } from '../report/chart-spec.ts';
import { openStore } from '../store/index.ts';
import { cellRunDir, locateAblation, readAblationManifest } from './ablation-manifest.ts';
import { INTERVAL_METHOD, meanInterval } from './intervals.ts';
import { memoizeOracle, withRunHarnesses, type HarnessOracle } from './oracle-metrics.ts';

export const CURVE_X_AXES = ['iteration', 'calls', 'tokens'] as const satisfies readonly CurveXAxis[];

/** One run's curve as stored: the best so far after each iteration, with the paid totals up to it. */
export interface RunCurve {
  points: Array<{ iteration: number; best: number; accepted: boolean; calls: number; tokens: number }>;
  /** Held-out test pass rate of the best candidate; null when the final test has not run. */
  testPassRate: number | null;
}

export interface CurveSeriesOptions {
  x: CurveXAxis;
  cwd?: string;
  /** Told about what is left out (an unstarted ablation cell, a run with no iterations yet). */
  warn: (message: string) => void;
}

export function readRunCurve(storePath: string): RunCurve {
  const store = openStore(storePath, { readonly: true });
  try {
    // Cumulative paid calls and tokens at each iteration, in iteration order (iterations that ran
    // concurrently are counted in that order too).
    const paid = new Map<number, { calls: number; tokens: number }>();
    let calls = 0;
    let tokens = 0;
    for (const record of listIterations(store)) {
      calls += record.calls;
      tokens += record.tokens;
      paid.set(record.iteration, { calls, tokens });
    }
    const points = curvePoints(store).map((point) => ({
      iteration: point.iteration,
      best: point.best,
      accepted: point.decision === 'accepted',
      ...(paid.get(point.iteration) ?? { calls: 0, tokens: 0 }),
    }));
    return { points, testPassRate: finalTestFromStore(store)?.best.passRate ?? null };
  } finally {
    store.close();
  }
}

function xOf(point: RunCurve['points'][number], axis: CurveXAxis): number {
  return axis === 'iteration' ? point.iteration : point[axis];
}

export function runSeries(label: string, curve: RunCurve, axis: CurveXAxis): ChartSeries {
  const points: ChartPoint[] = curve.points.map((point) => ({
    x: xOf(point, axis), iteration: point.iteration, y: point.best, low: null, high: null, n: 1, accepted: point.accepted,
  }));
  const last = points.at(-1);
  const test = last && curve.testPassRate !== null ? { x: last.x, passRate: curve.testPassRate, n: 1 } : null;
  return { label, kind: 'run', seeds: 1, points, test };
}

/**
 * The mean line of an arm: at each iteration, the mean and 95% t interval of the seeds' best so far
 * (over the seeds that reached it). On a calls or tokens axis the seeds pay different amounts for
 * the same iteration, so the point sits at their mean cumulative cost.
 */
export function armSeries(label: string, curves: readonly RunCurve[], axis: CurveXAxis): ChartSeries {
  const iterations = [...new Set(curves.flatMap((curve) => curve.points.map((point) => point.iteration)))].sort((a, b) => a - b);
  const points: ChartPoint[] = iterations.map((iteration) => {
    const reached = curves.flatMap((curve) => curve.points.filter((point) => point.iteration === iteration));
    const interval = meanInterval(reached.map((point) => point.best));
    return {
      x: mean(reached.map((point) => xOf(point, axis))),
      iteration,
      y: interval.mean!,
      low: interval.low === null ? null : Math.max(0, interval.low),
      high: interval.high === null ? null : Math.min(1, interval.high),
      n: interval.n,
      accepted: false,
    };
  });
  const tests = curves.map((curve) => curve.testPassRate).filter((rate): rate is number => rate !== null);
  const last = points.at(-1);
  const test = last && tests.length > 0 ? { x: last.x, passRate: mean(tests), n: tests.length } : null;
  return { label, kind: 'arm', seeds: curves.length, points, test };
}

/** Each target is an ablation folder (one series per arm) or a run (one series); see `autodata curve`. */
export function curveChart(targets: readonly string[], options: CurveSeriesOptions): CurveChart {
  return buildCurveChart(targets, options).chart;
}

export interface OracleCurveOptions extends CurveSeriesOptions {
  /** The true expected pass rate of a harness (on the sim); memoized here by content hash. */
  oracle: HarnessOracle;
  /** The oracle's episodes per harness, named under the title. */
  episodes?: number;
}

/**
 * `curveChart` with, at the end of each line, the oracle's true pass rate of the best candidate of
 * each run behind it (an arm: the mean over the seeds that have one). Runs off the sim get none, with
 * a warning. The marker sits at the line's last x: for a run still going, its best so far.
 */
export async function curveChartWithOracle(targets: readonly string[], options: OracleCurveOptions): Promise<CurveChart> {
  const cwd = options.cwd ?? process.cwd();
  const { chart, sources } = buildCurveChart(targets, options);
  const oracle = memoizeOracle(options.oracle);
  for (const [index, series] of chart.series.entries()) {
    const rates: number[] = [];
    for (const storePath of sources[index]!) {
      const best = withRunHarnesses(path.dirname(storePath), cwd, (harnesses, store) => {
        const found = bestCandidate(store);
        return found ? harnesses.get(found.id) : null;
      });
      if (best === undefined) options.warn(`${series.label}: ${path.dirname(storePath)} is not on the sim; no oracle marker from it (only the sim knows the true pass rate)`);
      else if (best !== null) rates.push(await oracle(best));
    }
    const last = series.points.at(-1);
    series.oracle = last && rates.length > 0 ? { x: last.x, passRate: mean(rates), n: rates.length } : null;
  }
  if (!chart.series.some((series) => series.oracle)) return chart;
  const note = `triangle: the oracle${options.episodes === undefined ? '' : ` (${options.episodes} episodes)`}, itself an estimate`;
  return { ...chart, subtitle: [...(chart.subtitle ?? []), note] };
}

/** The chart, and for each series the run stores behind it. */
function buildCurveChart(targets: readonly string[], options: CurveSeriesOptions): { chart: CurveChart; sources: string[][] } {
  const cwd = options.cwd ?? process.cwd();
  const series: ChartSeries[] = [];
  const sources: string[][] = [];
  const ablations: AblationTitle[] = [];
  const runLabels: string[] = [];
  for (const target of targets) {
    const ablationDir = locateAblation(target, cwd);
    if (!ablationDir) {
      const storePath = locateRunStore(target, cwd);
      const label = unique(runLabel(storePath, cwd), series);
      const curve = readRunCurve(storePath);
      if (curve.points.length === 0) options.warn(`${label}: no iterations recorded yet; left out`);
      else {
        series.push(runSeries(label, curve, options.x));
        sources.push([storePath]);
      }
      runLabels.push(label);
      continue;
    }
    const manifest = readAblationManifest(ablationDir);
    const entry: AblationTitle = { name: manifest.name, seeds: manifest.seeds.length, unstarted: 0 };
    ablations.push(entry);
    const several = targets.length > 1;
    for (const arm of manifest.arms) {
      const curves: RunCurve[] = [];
      const stores: string[] = [];
      for (const cell of manifest.cells.filter((candidate) => candidate.arm === arm.id)) {
        const storePath = path.join(cellRunDir(ablationDir, cell), STORE_FILE);
        const where = `ablation ${manifest.name}, arm ${arm.id} seed ${cell.seed}`;
        if (!existsSync(storePath)) {
          options.warn(`${where}: not started (no ${path.join(cell.runDir, STORE_FILE)}); left out`);
          entry.unstarted += 1;
          continue;
        }
        const curve = readRunCurve(storePath);
        if (curve.points.length === 0) options.warn(`${where}: no iterations recorded yet; left out`);
        else {
          curves.push(curve);
          stores.push(storePath);
        }
      }
      const label = unique(`${several ? `${manifest.name} ` : ''}${arm.id}: ${arm.label}`, series);
      if (curves.length === 0) options.warn(`ablation ${manifest.name}, arm ${arm.id}: no seed has a curve yet; left out`);
      else {
        series.push(armSeries(label, curves, options.x));
        sources.push(stores);
      }
    }
  }
  if (series.length === 0) throw new ConfigError(targets.join(' '), 'nothing to plot yet: no run named here has finished an iteration');
  return { chart: { ...titles(ablations, runLabels), x: options.x, series }, sources };
}

interface AblationTitle {
  name: string;
  seeds: number;
  unstarted: number;
}

function titles(ablations: AblationTitle[], runs: string[]): { title: string; subtitle?: string[] } {
  const unstarted = ablations.reduce((sum, ablation) => sum + ablation.unstarted, 0);
  const subtitle = [
    ...(ablations.length > 0 ? ['an arm: the mean of its seeds at each iteration', `band: ${INTERVAL_METHOD}`] : []),
    ...(unstarted > 0 ? [`${unstarted} ablation cell${unstarted === 1 ? '' : 's'} not started, left out`] : []),
  ];
  if (ablations.length === 1 && runs.length === 0) {
    const [only] = ablations as [AblationTitle];
    return { title: `Ablation ${only.name} (${only.seeds} seed${only.seeds === 1 ? '' : 's'}): best validation pass rate`, subtitle };
  }
  const names = [...ablations.map((ablation) => `ablation ${ablation.name}`), ...runs];
  const title = `Best validation pass rate: ${names.length <= 2 ? names.join(', ') : `${names.length} runs and ablations`}`;
  return subtitle.length > 0 ? { title, subtitle } : { title };
}

/** A run's legend entry: its name under populations/, its folder relative to here, or the folder's name. */
function runLabel(storePath: string, cwd: string): string {
  const dir = path.dirname(storePath);
  const relative = path.relative(cwd, dir);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return path.basename(dir);
  const [first, ...rest] = relative.split(path.sep);
  return first === 'populations' && rest.length === 1 ? rest[0]! : relative;
}

/** Legend entries must differ (the colour scale is keyed by them). */
function unique(label: string, series: readonly ChartSeries[]): string {
  let candidate = label;
  for (let copy = 2; series.some((entry) => entry.label === candidate); copy += 1) candidate = `${label} (${copy})`;
  return candidate;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

// The benchmark's output: a flat list of named figures, printed as an aligned table or as JSON.
import { renderTable } from '../report/table.ts';

export type BenchSection = 'sim' | 'call path' | 'inner loop' | 'concurrency' | 'scheduling' | 'call economy' | 'tokens' | 'store scale' | 'memory';

/** A target a figure should meet: at most or at least `value` (issue 13's goals). */
export interface BenchGoal {
  at: 'most' | 'least';
  value: number;
}

export interface BenchFigure {
  /** Stable machine name, e.g. `callPath.cacheHit.microsPerCall`. */
  id: string;
  section: BenchSection;
  /** What was measured, for people. */
  label: string;
  value: number;
  /** `µs/call`, `ms`, `s`, `docs/s`, `calls/s`, `MB`, `calls`, `fraction` (0..1), or `×` for a ratio. */
  unit: string;
  /** How the figure was obtained (the ratio's operands, the counts behind a rate). */
  note?: string;
  goal?: BenchGoal;
}

export interface BenchSettings {
  quick: boolean;
  simSeed: number;
  runSeed: number;
  /** Requests timed in the sim and call-path sections. */
  requests: number;
  /** Validation documents run by the inner-loop section. */
  innerDocuments: number;
  innerConcurrency: number;
  /** Documents run at each concurrency level of the concurrency section. */
  concurrencyDocuments: number;
  concurrencyLevels: number[];
  /** The default latency model's times multiplied by this (1 = real sim latency). */
  latencyScale: number;
  /** Validation documents of the call-economy section (each baseline, every attempt made). */
  economyDocuments: number;
  /** Iterations of the short and the long run of the memory section. */
  memoryIterations: number[];
  node: string;
  cpus: number;
}

export interface BenchReport {
  settings: BenchSettings;
  figures: BenchFigure[];
  /** Wall time of the whole benchmark. */
  totalSeconds: number;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : Number.NaN;
}

/** A human-sized rendering: whole microseconds stay readable, ratios get enough digits to compare. */
export function formatFigureValue(figure: BenchFigure): string {
  const { value, unit } = figure;
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'calls' || unit === 'tokens') return String(Math.round(value));
  if (unit === '×') return value < 0.1 ? value.toFixed(4) : value.toFixed(2);
  if (unit === 'fraction') return value.toFixed(3);
  if (unit === 'ms') return value.toFixed(2);
  if (unit === 's') return value < 1 ? value.toFixed(3) : value.toFixed(2);
  return value.toFixed(1);
}

export function formatBenchReport(report: BenchReport): string {
  const { settings } = report;
  const header = [
    `autodata bench${settings.quick ? ' (quick)' : ''}: sim seed ${settings.simSeed}, run seed ${settings.runSeed}, node ${settings.node}, ${settings.cpus} cpu(s)`,
    `inner loop: ${settings.innerDocuments} validation docs at concurrency ${settings.innerConcurrency}; ` +
      `concurrency: ${settings.concurrencyDocuments} docs, cache off, sim latency x${settings.latencyScale}`,
  ];
  const rows = report.figures.map((figure) => [
    figure.section, figure.label, formatFigureValue(figure), figure.unit, goalText(figure), goalStatus(figure), figure.note ?? '',
  ]);
  const table = renderTable(['section', 'figure', 'value', 'unit', 'goal', 'met', 'note'], rows);
  const withGoals = report.figures.filter((figure) => figure.goal !== undefined);
  const missed = withGoals.filter((figure) => !goalMet(figure));
  const verdict = `goals: ${withGoals.length - missed.length} of ${withGoals.length} met${missed.length > 0 ? `; missed: ${missed.map((figure) => figure.id).join(', ')}` : ''}`;
  return [...header, '', table, '', verdict, `total ${report.totalSeconds.toFixed(1)} s`].join('\n');
}

/** Whether a figure meets its goal; true for a figure without one. NaN never meets a goal. */
export function goalMet(figure: BenchFigure): boolean {
  const { goal, value } = figure;
  if (!goal) return true;
  if (!Number.isFinite(value)) return false;
  return goal.at === 'most' ? value <= goal.value : value >= goal.value;
}

function goalText(figure: BenchFigure): string {
  if (!figure.goal) return '';
  return `${figure.goal.at === 'most' ? '<=' : '>='} ${formatFigureValue({ ...figure, value: figure.goal.value })}`;
}

/** met / missed, with value over goal so a reader sees by how much. */
function goalStatus(figure: BenchFigure): string {
  if (!figure.goal) return '';
  const share = ratio(figure.value, figure.goal.value);
  return `${goalMet(figure) ? 'met' : 'MISSED'} (${Number.isFinite(share) ? share.toFixed(2) : 'n/a'} of goal)`;
}

// The optimization curve in the terminal: best validation pass rate per iteration (asciichart).
import { createRequire } from 'node:module';

// asciichart ships no types; this is the one function we use.
const asciichart = createRequire(import.meta.url)('asciichart') as {
  plot(series: number[], options?: { height?: number; min?: number; max?: number; format?: (value: number) => string }): string;
};

export interface CurveSample {
  iteration: number;
  best: number;
}

export interface CurveOptions {
  /** Rows of the plot. */
  height?: number;
  /** Most columns; longer runs are bucketed (the best value of each bucket is drawn). */
  width?: number;
}

export function renderCurve(samples: readonly CurveSample[], options: CurveOptions = {}): string {
  if (samples.length === 0) return 'no iterations recorded yet';
  const height = options.height ?? 10;
  const width = options.width ?? 60;
  const columns = toColumns(samples.map((sample) => sample.best), width);
  const low = Math.min(...columns);
  const high = Math.max(...columns);
  // A flat curve still gets a visible band, and the axis stays within [0, 1].
  const min = Math.max(0, high - low < 0.05 ? low - 0.05 : low);
  const max = Math.min(1, high - low < 0.05 ? high + 0.05 : high);
  const chart = asciichart.plot(columns, { height, min, max, format: (value) => value.toFixed(3).padStart(6) });
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const indent = ' '.repeat(8);
  const axis = `${indent}iteration ${first.iteration}${' '.repeat(Math.max(1, columns.length - 12 - String(last.iteration).length))}${last.iteration}`;
  const peak = samples.reduce((best, sample) => (sample.best > best.best ? sample : best), first);
  const summary =
    `best validation pass rate: ${first.best.toFixed(3)} at iteration ${first.iteration} -> ${last.best.toFixed(3)} at iteration ${last.iteration}` +
    (peak.best > last.best ? ` (highest ${peak.best.toFixed(3)} at iteration ${peak.iteration})` : '');
  return `${chart}\n${axis}\n${summary}`;
}

/** Stretches short series (each value repeated) and buckets long ones, to at most `width` columns. */
function toColumns(values: number[], width: number): number[] {
  if (values.length <= width) {
    const repeat = Math.max(1, Math.floor(width / values.length));
    return values.flatMap((value) => Array.from({ length: repeat }, () => value));
  }
  const columns: number[] = [];
  for (let column = 0; column < width; column += 1) {
    const start = Math.floor((column * values.length) / width);
    const end = Math.floor(((column + 1) * values.length) / width);
    columns.push(Math.max(...values.slice(start, Math.max(end, start + 1))));
  }
  return columns;
}

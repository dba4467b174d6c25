// The optimization curve as a picture: series -> one declarative Vega-Lite spec (layers: the 95%
// band across seeds, the best-so-far line, accepted iterations, the held-out test at the end, and on
// the sim the oracle's true pass rate of the best candidate at the end).
// The spec is saved next to the image, so anyone can re-plot it with their own Vega-Lite tooling.
import type { TopLevelSpec } from 'vega-lite';

export type CurveXAxis = 'iteration' | 'calls' | 'tokens';

export interface ChartPoint {
  x: number;
  iteration: number;
  /** Best validation pass rate after this iteration (for an arm: the mean across its seeds). */
  y: number;
  /** 95% interval across seeds; null for a single run or where fewer than 2 seeds reached this iteration. */
  low: number | null;
  high: number | null;
  /** Runs behind this point (1 for a single run). */
  n: number;
  /** This iteration's child was accepted (single runs only). */
  accepted: boolean;
}

export interface ChartSeries {
  /** The legend entry: a run's name, or an arm's label. */
  label: string;
  kind: 'run' | 'arm';
  /** Runs averaged into this line (1 for a run). */
  seeds: number;
  points: ChartPoint[];
  /** The held-out test pass rate of the best candidate (an arm: mean over the seeds that have one). */
  test: { x: number; passRate: number; n: number } | null;
  /** On the sim (`curve --oracle N`): the oracle's true pass rate of the best candidate (an arm: mean over its seeds). */
  oracle?: { x: number; passRate: number; n: number } | null;
}

export interface CurveChart {
  title: string;
  /**
   * Lines under the title. Keep each under ~60 characters: without a canvas Vega estimates text
   * widths generously (0.8 em a character), and a wider title squeezes the plot.
   */
  subtitle?: string[];
  x: CurveXAxis;
  series: ChartSeries[];
}

export interface ChartSize {
  width: number;
  height: number;
}

export const CHART_LAYERS = ['band', 'line', 'accepted', 'test', 'oracle'] as const;
/** One layer of a layered Vega-Lite spec (type-checked against vega-lite's own types). */
type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

const MARKER_ACCEPTED = 'accepted iteration';
const MARKER_TEST = 'held-out test (best candidate)';
export const MARKER_ORACLE = 'oracle: best candidate (true pass rate)';
const MARKER_SHAPES: Record<string, string> = { [MARKER_ACCEPTED]: 'circle', [MARKER_TEST]: 'diamond', [MARKER_ORACLE]: 'triangle-up' };

/** An end label's height, and roughly the share of the picture's height the plot gets (title and legend take the rest). */
const LABEL_HEIGHT_PX = 13;
const PLOT_SHARE = 0.6;

/**
 * Label positions (in y units) for points at the same x: in order of y, each at least `gap` above the
 * one below it, the whole group shifted down if that pushed it over 1. Returned in the input's order.
 */
export function dodgeLabels(points: ReadonlyArray<{ x: number; y: number }>, gap: number): number[] {
  const placed = points.map((point) => point.y);
  for (const x of new Set(points.map((point) => point.x))) {
    const group = points.map((point, index) => ({ ...point, index })).filter((point) => point.x === x).sort((a, b) => a.y - b.y || a.index - b.index);
    let previous = -Infinity;
    for (const point of group) {
      previous = Math.max(point.y, previous + gap);
      placed[point.index] = previous;
    }
    const over = previous - 1;
    if (over > 0) for (const point of group) placed[point.index] = placed[point.index]! - over;
  }
  return placed;
}

/** The x axis title: what is counted, and that an arm's x is the seeds' mean where it is not the iteration. */
export function xAxisTitle(chart: CurveChart): string {
  if (chart.x === 'iteration') return 'iteration';
  const averaged = chart.series.some((series) => series.kind === 'arm' && series.seeds > 1) ? ', mean across seeds' : '';
  return `paid ${chart.x} (cumulative at each iteration${averaged})`;
}

/**
 * Whole iterations only. A short run gets every iteration as a tick (Vega would put ticks at half
 * steps and the 'd' format would print each twice: 0 1 1 2 2); a long one lets Vega choose.
 */
function iterationAxis(last: number): Record<string, unknown> {
  return last <= 25 ? { values: Array.from({ length: Math.floor(last) + 1 }, (_, index) => index), format: 'd' } : { tickMinStep: 1, format: 'd' };
}

/** `size` is the whole picture (axes, title and legend included), not just the plot area. */
export function curveChartSpec(chart: CurveChart, size: ChartSize = { width: 720, height: 480 }): TopLevelSpec {
  const rows = chart.series.flatMap((series) => series.points.map((point) => ({ series: series.label, ...point })));
  const bandRows = rows.filter((row) => row.low !== null && row.high !== null);
  const acceptedRows = chart.series
    .filter((series) => series.kind === 'run')
    .flatMap((series) => series.points.filter((point) => point.accepted).map((point) => ({ series: series.label, marker: MARKER_ACCEPTED, ...point })));
  const testRows = chart.series.flatMap((series) =>
    series.test ? [{ series: series.label, marker: MARKER_TEST, x: series.test.x, y: series.test.passRate, n: series.test.n }] : [],
  );
  const oracleRows = chart.series.flatMap((series) =>
    series.oracle ? [{ series: series.label, marker: MARKER_ORACLE, x: series.oracle.x, y: series.oracle.passRate, n: series.oracle.n }] : [],
  );
  // The end labels (test and oracle) of lines that end together are moved apart so they stay readable;
  // the markers stay at their values.
  const labelY = dodgeLabels([...testRows, ...oracleRows], LABEL_HEIGHT_PX / (PLOT_SHARE * size.height));
  const labelled = <T extends { y: number }>(rows: T[], offset: number) => rows.map((row, index) => ({ ...row, labelY: labelY[offset + index]! }));
  const markers = [
    ...(acceptedRows.length > 0 ? [MARKER_ACCEPTED] : []), ...(testRows.length > 0 ? [MARKER_TEST] : []), ...(oracleRows.length > 0 ? [MARKER_ORACLE] : []),
  ];

  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: xAxisTitle(chart),
    axis: chart.x === 'iteration' ? iterationAxis(Math.max(0, ...rows.map((row) => row.x), ...testRows.map((row) => row.x), ...oracleRows.map((row) => row.x))) : { format: '~s' },
  };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: 'best validation pass rate',
    scale: { domain: [0, 1] },
    axis: { format: '.1f' },
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: chart.series.some((series) => series.kind === 'arm') ? 'arm' : 'run',
    scale: { domain: chart.series.map((series) => series.label) },
    // A stroke of full opacity: the merged legend would otherwise take the band's pale fill.
    legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 600, symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3 },
  };
  const shape = {
    field: 'marker',
    type: 'nominal' as const,
    title: null,
    scale: { domain: markers, range: markers.map((marker) => MARKER_SHAPES[marker]!) },
    legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 400 },
  };
  const tooltip = [
    { field: 'series', type: 'nominal' as const },
    { field: 'x', type: 'quantitative' as const, title: chart.x },
    { field: 'y', type: 'quantitative' as const, format: '.3f', title: 'pass rate' },
    { field: 'n', type: 'quantitative' as const, title: 'runs' },
  ];

  const layers: Layer[] = [];
  if (bandRows.length > 0) {
    layers.push({
      name: 'band',
      data: { values: bandRows },
      mark: { type: 'area', opacity: 0.18 },
      encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color },
    });
  }
  layers.push({
    name: 'line',
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: { x, y, color, tooltip },
  });
  if (acceptedRows.length > 0) {
    layers.push({
      name: 'accepted',
      data: { values: acceptedRows },
      mark: { type: 'point', filled: true, size: 60, opacity: 1 },
      encoding: { x, y, color, shape, tooltip },
    });
  }
  // End markers with their value beside them: the held-out test, then the oracle (labels spaced apart).
  const endMarkers = (name: string, values: typeof testRows, size: number, labelOffset: number, fontStyle?: 'italic') => {
    if (values.length === 0) return;
    layers.push({
      name,
      data: { values },
      mark: { type: 'point', filled: true, size, opacity: 1, stroke: 'black', strokeWidth: 1 },
      encoding: { x, y, color, shape, tooltip },
    });
    layers.push({
      name: `${name}-label`,
      data: { values: labelled(values, labelOffset) },
      mark: { type: 'text', align: 'left', dx: 9, fontSize: 11, ...(fontStyle ? { fontStyle } : {}) },
      encoding: { x, y: { ...y, field: 'labelY' }, text: { field: 'y', type: 'quantitative', format: '.2f' } },
    });
  };
  endMarkers('test', testRows, 180, 0);
  endMarkers('oracle', oracleRows, 160, testRows.length, 'italic');

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: chart.title, ...(chart.subtitle && chart.subtitle.length > 0 ? { subtitle: chart.subtitle } : {}), anchor: 'start' },
    width: size.width,
    height: size.height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 12,
    background: 'white',
    layer: layers,
    config: { legend: { labelFontSize: 11, titleFontSize: 11 }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}

import { describe, expect, it } from 'vitest';
import { curveChartSpec, dodgeLabels, MARKER_ORACLE, xAxisTitle, type ChartSeries, type CurveChart } from '../../src/report/chart-spec.ts';

function run(label: string, values: number[], accepted: number[] = [], test: number | null = null): ChartSeries {
  const points = values.map((y, iteration) => ({ x: iteration, iteration, y, low: null, high: null, n: 1, accepted: accepted.includes(iteration) }));
  return { label, kind: 'run', seeds: 1, points, test: test === null ? null : { x: points.length - 1, passRate: test, n: 1 } };
}

function arm(label: string, means: number[], seeds: number): ChartSeries {
  const points = means.map((y, iteration) => ({
    x: iteration, iteration, y, low: seeds > 1 ? y - 0.1 : null, high: seeds > 1 ? y + 0.1 : null, n: seeds, accepted: false,
  }));
  return { label, kind: 'arm', seeds, points, test: { x: points.length - 1, passRate: 0.5, n: seeds } };
}

type Layer = { name: string; mark: { type: string }; data: { values: Array<Record<string, unknown>> }; encoding: Record<string, { field?: string; scale?: { domain?: unknown[] }; title?: unknown }> };
const layersOf = (chart: CurveChart) => (curveChartSpec(chart) as unknown as { layer: Layer[] }).layer;
const layer = (chart: CurveChart, name: string) => layersOf(chart).find((entry) => entry.name === name);

describe('curveChartSpec', () => {
  const single: CurveChart = { title: 'Best validation pass rate: tiny', x: 'iteration', series: [run('tiny', [0.2, 0.2, 0.5, 0.5], [2], 0.4)] };

  it('draws a single run as line, accepted points and a test end marker, with no band', () => {
    const spec = curveChartSpec(single, { width: 500, height: 300 }) as unknown as Record<string, unknown>;
    expect(spec.width).toBe(500);
    expect(spec.height).toBe(300);
    expect(spec.title).toMatchObject({ text: 'Best validation pass rate: tiny' });
    expect(layersOf(single).map((entry) => entry.name)).toEqual(['line', 'accepted', 'test', 'test-label']);
    const line = layer(single, 'line')!;
    expect(line.mark.type).toBe('line');
    expect(line.data.values.map((row) => row.y)).toEqual([0.2, 0.2, 0.5, 0.5]);
    expect(line.encoding.y!.scale!.domain).toEqual([0, 1]);
    expect(line.encoding.y!.title).toBe('best validation pass rate');
    expect(line.encoding.x!.title).toBe('iteration');
    expect(line.encoding.color!.scale!.domain).toEqual(['tiny']);
    expect(layer(single, 'accepted')!.data.values.map((row) => row.iteration)).toEqual([2]);
    expect(layer(single, 'test')!.data.values).toEqual([expect.objectContaining({ series: 'tiny', x: 3, y: 0.4 })]);
  });

  it('leaves out markers that have nothing to mark', () => {
    const plain: CurveChart = { title: 't', x: 'iteration', series: [run('a', [0.1, 0.3])] };
    expect(layersOf(plain).map((entry) => entry.name)).toEqual(['line']);
  });

  it('puts every arm in the legend and a band only when an arm has at least 2 seeds', () => {
    const two: CurveChart = { title: 'ablation', x: 'iteration', series: [arm('a1: greedy', [0.2, 0.4], 2), arm('a2: boltzmann', [0.3, 0.35], 2)] };
    expect(layersOf(two).map((entry) => entry.name)).toEqual(['band', 'line', 'test', 'test-label']);
    const band = layer(two, 'band')!;
    expect(band.mark.type).toBe('area');
    expect(band.encoding.y!.field).toBe('low');
    expect(band.encoding.y2!.field).toBe('high');
    expect(band.data.values).toHaveLength(4);
    expect(layer(two, 'line')!.encoding.color!.scale!.domain).toEqual(['a1: greedy', 'a2: boltzmann']);
    expect(layer(two, 'line')!.encoding.color!.title).toBe('arm');
    // No accepted-iteration markers on mean lines.
    expect(layer(two, 'accepted')).toBeUndefined();

    const one: CurveChart = { title: 'ablation', x: 'iteration', series: [arm('a1', [0.2, 0.4], 1), arm('a2', [0.3, 0.35], 1)] };
    expect(layersOf(one).map((entry) => entry.name)).toEqual(['line', 'test', 'test-label']);
  });

  it('marks the oracle\'s true pass rate at the end of a line with its own shape and legend entry', () => {
    const a1 = { ...arm('a1', [0.2, 0.4], 3), oracle: { x: 1, passRate: 0.37, n: 3 } };
    const a2 = { ...arm('a2', [0.3, 0.35], 3), oracle: null };
    const chart: CurveChart = { title: 'ablation', x: 'iteration', series: [a1, a2] };
    expect(layersOf(chart).map((entry) => entry.name)).toEqual(['band', 'line', 'test', 'test-label', 'oracle', 'oracle-label']);
    const oracle = layer(chart, 'oracle')!;
    expect(oracle.data.values).toEqual([{ series: 'a1', marker: MARKER_ORACLE, x: 1, y: 0.37, n: 3 }]);
    expect(MARKER_ORACLE).toBe('oracle: best candidate (true pass rate)');
    const shape = oracle.encoding.shape as unknown as { scale: { domain: string[]; range: string[] } };
    expect(shape.scale.domain).toEqual(['held-out test (best candidate)', MARKER_ORACLE]);
    expect(shape.scale.range).toEqual(['diamond', 'triangle-up']);
    expect(layer(chart, 'oracle-label')!.data.values.map((row) => row.y)).toEqual([0.37]);
    // A run's oracle marker alone (no final test): the legend holds just that shape.
    const single: CurveChart = { title: 't', x: 'iteration', series: [{ ...run('r', [0.1, 0.3, 0.3], [1]), oracle: { x: 2, passRate: 0.28, n: 1 } }] };
    expect(layersOf(single).map((entry) => entry.name)).toEqual(['line', 'accepted', 'oracle', 'oracle-label']);
    expect((layer(single, 'oracle')!.encoding.shape as unknown as { scale: { range: string[] } }).scale.range).toEqual(['circle', 'triangle-up']);
  });

  it('moves end labels of one x apart (markers stay put), and keeps them under 1', () => {
    const placed = dodgeLabels([{ x: 16, y: 0.757 }, { x: 16, y: 0.81 }, { x: 16, y: 0.737 }, { x: 3, y: 0.74 }], 0.05);
    expect(placed[2]).toBeCloseTo(0.737, 12);
    expect(placed[0]).toBeCloseTo(0.787, 12);
    expect(placed[1]).toBeCloseTo(0.837, 12);
    expect(placed[3]).toBe(0.74);
    const top = dodgeLabels([{ x: 1, y: 1 }, { x: 1, y: 0.99 }], 0.05);
    expect(top[0]).toBeCloseTo(1, 12);
    expect(top[1]).toBeCloseTo(0.95, 12);
    const chart: CurveChart = { title: 't', x: 'iteration', series: [{ ...arm('a1', [0.2, 0.4], 1), oracle: { x: 1, passRate: 0.51, n: 1 } }] };
    const label = layer(chart, 'oracle-label')!;
    expect(label.encoding.y!.field).toBe('labelY');
    // The test marker's label (0.5) and the oracle's (0.51) are apart; the oracle marker itself is at 0.51.
    expect(label.data.values[0]!.labelY as number).toBeGreaterThan(0.54);
    expect(layer(chart, 'test-label')!.data.values[0]!.labelY).toBe(0.5);
    expect(layer(chart, 'oracle')!.data.values[0]!.y).toBe(0.51);
  });

  it('says on the x axis what is counted, and that it is a mean across seeds for arms', () => {
    expect(xAxisTitle({ title: '', x: 'calls', series: [run('a', [0.1])] })).toBe('paid calls (cumulative at each iteration)');
    expect(xAxisTitle({ title: '', x: 'tokens', series: [arm('a1', [0.1], 3)] })).toBe('paid tokens (cumulative at each iteration, mean across seeds)');
  });
});

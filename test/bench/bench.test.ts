// The benchmark runs end to end in its quick mode and reports every figure (correctness only: no timing targets).
import { describe, expect, it } from 'vitest';
import { formatBenchReport } from '../../src/bench/bench-report.ts';
import { runBenchmark } from '../../src/bench/run-benchmark.ts';

const EXPECTED_FIGURES: Array<[id: string, unit: string]> = [
  ['sim.handler.microsPerCall', 'µs/call'],
  ['sim.handler.seenDocument.microsPerCall', 'µs/call'],
  ['sim.fetch.microsPerCall', 'µs/call'],
  ['callPath.cacheOff.microsPerCall', 'µs/call'],
  ['callPath.cacheMiss.microsPerCall', 'µs/call'],
  ['callPath.cacheHit.microsPerCall', 'µs/call'],
  ['callPath.hitOverMiss', '×'],
  ['callPath.offOverSimFetch', '×'],
  ['inner.first.wallSeconds', 's'],
  ['inner.first.calls', 'calls'],
  ['inner.first.documentsPerSecond', 'docs/s'],
  ['inner.first.callsPerSecond', 'calls/s'],
  ['inner.first.peakRssMb', 'MB'],
  ['inner.resume.wallSeconds', 's'],
  ['inner.resumeOverFirst', '×'],
  ['inner.http.wallSeconds', 's'],
  ['inner.http.callsPerSecond', 'calls/s'],
  ['inner.httpOverInProcess', '×'],
  ['concurrency.c1.wallSeconds', 's'],
  ['concurrency.c4.wallSeconds', 's'],
  ['concurrency.c8.wallSeconds', 's'],
  ['concurrency.c4.speedup', '×'],
  ['concurrency.c8.speedup', '×'],
];

describe('benchmark', () => {
  it('reports every figure with a finite positive value in quick mode', async () => {
    const progress: string[] = [];
    const report = await runBenchmark({ quick: true, log: (line) => progress.push(line) });

    expect(report.settings.quick).toBe(true);
    expect(report.figures.map((figure) => [figure.id, figure.unit])).toEqual(EXPECTED_FIGURES);
    for (const figure of report.figures) {
      expect({ id: figure.id, finitePositive: Number.isFinite(figure.value) && figure.value > 0 }).toEqual({ id: figure.id, finitePositive: true });
    }
    // The inner loop made real calls, and the resume run reused every document instead of calling again.
    const byId = new Map(report.figures.map((figure) => [figure.id, figure]));
    expect(byId.get('inner.first.calls')!.value).toBeGreaterThan(report.settings.innerDocuments * 5);
    expect(byId.get('inner.resume.wallSeconds')!.note).toBe(`${report.settings.innerDocuments} of ${report.settings.innerDocuments} docs reused`);
    expect(progress.length).toBeGreaterThan(0);

    const table = formatBenchReport(report);
    for (const figure of report.figures) expect(table).toContain(figure.label);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  }, 180_000);
});

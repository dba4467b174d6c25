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
  ['overhead.medianMillisPerCall', 'ms'],
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
  ['scheduling.generate.criticalPathSeconds', 's'],
  ['scheduling.generate.defaults.wallSeconds', 's'],
  ['scheduling.generate.defaults.efficiency', '×'],
  ['scheduling.generate.wide.wallSeconds', 's'],
  ['scheduling.generate.wide.efficiency', '×'],
  ['economy.agentic.fullCallsPerRound', 'calls/round'],
  ['economy.agentic.earlyStopCallsPerRound', 'calls/round'],
  ['economy.agentic.saving', 'fraction'],
  ['economy.agentic.identicalDecisions', 'fraction'],
  ['economy.agentic.overOracle', '×'],
  ['economy.agentic.live.passRates', 'fraction'],
  ['economy.verifiable.fullCallsPerRound', 'calls/round'],
  ['economy.verifiable.earlyStopCallsPerRound', 'calls/round'],
  ['economy.verifiable.saving', 'fraction'],
  ['economy.verifiable.identicalDecisions', 'fraction'],
  ['economy.verifiable.overOracle', '×'],
  ['tokens.total.uncachedPerAccepted', 'tokens'],
  ['tokens.total.overBefore', '×'],
  ['store.statusMillis', 'ms'],
  ['store.curveMillis', 'ms'],
  ['store.parentSelectionMillis', 'ms'],
  ['store.sizeMb', 'MB'],
  ['memory.it2.peakRssMb', 'MB'],
  ['memory.it6.peakRssMb', 'MB'],
  ['memory.longOverShort', '×'],
];

describe('benchmark', () => {
  it('reports every figure with a finite value in its range in quick mode', async () => {
    const progress: string[] = [];
    const report = await runBenchmark({ quick: true, log: (line) => progress.push(line) });

    expect(report.settings.quick).toBe(true);
    // The token section has one row per role the run called, then its totals.
    const perRole = (figure: { id: string }) => /^tokens\.[A-Za-z]+\.uncachedPerAccepted$/.test(figure.id) && figure.id !== 'tokens.total.uncachedPerAccepted';
    expect(report.figures.filter((figure) => !perRole(figure)).map((figure) => [figure.id, figure.unit])).toEqual(EXPECTED_FIGURES);
    expect(report.figures.filter(perRole).map((figure) => figure.id)).toEqual(
      expect.arrayContaining(['tokens.mainAgent.uncachedPerAccepted', 'tokens.challenger.uncachedPerAccepted', 'tokens.judge.uncachedPerAccepted']),
    );
    for (const figure of report.figures) {
      // A fraction (calls saved, a pass rate) may be 0 on four documents; every other figure is a positive measurement.
      const inRange = figure.unit === 'fraction' ? figure.value >= 0 && figure.value <= 1 : figure.value > 0;
      expect({ id: figure.id, finiteInRange: Number.isFinite(figure.value) && inRange }).toEqual({ id: figure.id, finiteInRange: true });
    }
    // The inner loop made real calls, and the resume run reused every document instead of calling again.
    const byId = new Map(report.figures.map((figure) => [figure.id, figure]));
    expect(byId.get('inner.first.calls')!.value).toBeGreaterThan(report.settings.innerDocuments * 5);
    expect(byId.get('inner.resume.wallSeconds')!.note).toBe(`${report.settings.innerDocuments} of ${report.settings.innerDocuments} docs reused`);
    expect(progress.length).toBeGreaterThan(0);

    // Early stopping decides every replayed stage as the full pattern does (a correctness fact, not a timing).
    expect(byId.get('economy.agentic.identicalDecisions')!.value).toBe(1);
    expect(byId.get('economy.verifiable.identicalDecisions')!.value).toBe(1);
    expect(byId.get('economy.agentic.earlyStopCallsPerRound')!.value).toBeLessThanOrEqual(byId.get('economy.agentic.fullCallsPerRound')!.value);

    const table = formatBenchReport(report);
    expect(table).toMatch(/^goals: \d+ of \d+ met/m);
    for (const figure of report.figures) expect(table).toContain(figure.label);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  }, 180_000);
});

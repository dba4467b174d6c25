// The legal targets of `sim calibrate`, computed from a small real run (5 legal validation documents, one calibration seed).
import { describe, expect, it } from 'vitest';
import { runLegalCalibration } from '../../src/lab/calibrate-legal.ts';

describe('legal calibration targets', () => {
  it('measures the legal CoT and judge-loop figures and checks them against the paper', async () => {
    const report = await runLegalCalibration({ seeds: 1, documentLimit: 5 });
    expect(report.documents).toBe(5);
    expect(report.seeds).toEqual([1, 2, 3]);
    expect(report.targets.map((target) => target.name)).toEqual([
      'legal CoT weak mean',
      'legal CoT gap',
      'legal loop weak mean',
      'legal loop gap',
      'legal loop rounds',
      'legal weak spread, loop>CoT',
    ]);
    const measured = new Map(report.targets.map((target) => [target.name, target.measured]));
    for (const name of ['legal CoT weak mean', 'legal loop weak mean']) expect(measured.get(name)).toBeGreaterThan(0);
    // Each target's verdict is its measurement against its expectation, never a constant.
    const cotWeak = report.targets[0]!;
    expect(cotWeak.pass).toBe(Math.abs(cotWeak.measured! - 0.16) <= 0.05);
    const rounds = report.targets[4]!;
    expect(rounds.pass).toBe(rounds.measured! >= 4 && rounds.measured! <= 6);
  }, 60_000);
});

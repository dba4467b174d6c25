// Intervals on known samples, checked against values computed by hand (t quantiles from tables).
import { describe, expect, it } from 'vitest';
import { meanInterval, pairedDifference } from '../../src/workflow/intervals.ts';

describe('meanInterval', () => {
  it('is the Student t interval for three seeds', () => {
    // mean 0.7; s = sqrt(((-0.1)^2 + 0 + 0.1^2) / 2) = 0.1; t(0.975, 2) = 4.302653;
    // half width = 4.302653 * 0.1 / sqrt(3) = 0.248414
    const interval = meanInterval([0.6, 0.7, 0.8]);
    expect(interval.n).toBe(3);
    expect(interval.mean).toBeCloseTo(0.7, 12);
    expect(interval.sd).toBeCloseTo(0.1, 12);
    expect(interval.low).toBeCloseTo(0.7 - 0.248414, 5);
    expect(interval.high).toBeCloseTo(0.7 + 0.248414, 5);
  });

  it('uses t(0.975, 4) = 2.776445 for five values', () => {
    // 1..5: mean 3, s = sqrt(2.5) = 1.581139, half = 2.776445 * 1.581139 / sqrt(5) = 1.963243
    const interval = meanInterval([1, 2, 3, 4, 5]);
    expect(interval.low).toBeCloseTo(3 - 1.963243, 5);
    expect(interval.high).toBeCloseTo(3 + 1.963243, 5);
  });

  it('has no interval for fewer than two values, and skips missing ones', () => {
    expect(meanInterval([])).toEqual({ n: 0, mean: null, sd: null, low: null, high: null });
    expect(meanInterval([0.5, null, Number.NaN])).toEqual({ n: 1, mean: 0.5, sd: null, low: null, high: null });
  });
});

describe('pairedDifference', () => {
  it('pairs by seed and leaves out seeds one arm lacks', () => {
    const a = new Map([[1, 0.5], [2, 0.6], [3, 0.7], [4, 0.9]]);
    const b = new Map<number, number | null>([[1, 0.6], [2, 0.8], [3, 0.75], [5, 0.1]]);
    // differences 0.1, 0.2, 0.05: mean 0.116667, s = 0.076376, half = 4.302653 * 0.076376 / sqrt(3) = 0.189730
    const difference = pairedDifference(a, b);
    expect(difference.pairs).toBe(3);
    expect(difference.mean).toBeCloseTo(0.116667, 5);
    expect(difference.low).toBeCloseTo(0.116667 - 0.18973, 4);
    expect(difference.high).toBeCloseTo(0.116667 + 0.18973, 4);
  });
});

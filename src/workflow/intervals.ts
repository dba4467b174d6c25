// Means with 95% intervals across seeds, and paired differences between arms. With the handful of
// seeds an ablation has (typically 3), a Student t interval on the mean: mean +- t(0.975, n-1) * s / sqrt(n).
// A bootstrap of 3 values can only resample those 3 and understates the spread; t is the honest choice.
import jstat from 'jstat';

const { jStat } = jstat;

export interface MeanInterval {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n - 1); null when n < 2. */
  sd: number | null;
  /** 95% t interval; null when n < 2 (one value says nothing about spread). */
  low: number | null;
  high: number | null;
}

export const INTERVAL_METHOD = '95% Student t interval on the mean (df = n - 1)';

/** Mean and 95% t interval of the finite values given (null/NaN entries are left out). */
export function meanInterval(values: ReadonlyArray<number | null | undefined>): MeanInterval {
  const xs = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  const n = xs.length;
  if (n === 0) return { n, mean: null, sd: null, low: null, high: null };
  const mean = xs.reduce((sum, x) => sum + x, 0) / n;
  if (n < 2) return { n, mean, sd: null, low: null, high: null };
  const sd = Math.sqrt(xs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1));
  const half = jStat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, low: mean - half, high: mean + half };
}

/**
 * The paired difference B - A over the keys (seeds) both have: same seed, same documents, so the
 * pairing removes the seed-to-seed variation both arms share.
 */
export function pairedDifference(
  a: ReadonlyMap<number, number | null>,
  b: ReadonlyMap<number, number | null>,
): MeanInterval & { pairs: number } {
  const differences: number[] = [];
  for (const [key, valueA] of a) {
    const valueB = b.get(key);
    if (typeof valueA === 'number' && typeof valueB === 'number') differences.push(valueB - valueA);
  }
  return { ...meanInterval(differences), pairs: differences.length };
}

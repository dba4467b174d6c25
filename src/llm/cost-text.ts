// Cost figures as text. Every figure says what it covers: cache hits are free (nothing was paid for
// them in this run), and a figure over calls with no price is a lower bound ("at least").
import type { PaidUsage } from './paid-usage.ts';

export type CostFigures = Pick<PaidUsage, 'costUsd' | 'pricedCalls' | 'unpricedCalls' | 'cacheHits'>;

/** Dollars with enough digits to tell small runs apart: $12.34, $0.0123, $0.000041. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toPrecision(2)}`;
}

/** `$0.0123` or `at least $0.0123` when some paid calls have no price. */
export function costAmount(figures: CostFigures): string {
  return `${figures.unpricedCalls > 0 ? 'at least ' : ''}${formatUsd(figures.costUsd)}`;
}

/** What the figure covers, e.g. `cache hits free: 3; 2 of 9 paid calls unpriced`. */
export function costCoverage(figures: CostFigures): string {
  const parts = [`cache hits free${figures.cacheHits > 0 ? `: ${figures.cacheHits}` : ''}`];
  if (figures.unpricedCalls > 0) {
    parts.push(`${figures.unpricedCalls} of ${figures.pricedCalls + figures.unpricedCalls} paid calls unpriced`);
  }
  return parts.join('; ');
}

/** `cost $0.0123, $0.0041 per accepted example (cache hits free: 3)`. */
export function costSummary(figures: CostFigures, acceptedExamples: number): string {
  const amount = costAmount(figures);
  const each =
    acceptedExamples > 0
      ? `${costAmount({ ...figures, costUsd: figures.costUsd / acceptedExamples })} per accepted example`
      : 'no accepted example yet';
  return `cost ${amount}, ${each} (${costCoverage(figures)})`;
}

/** True when any paid call has a figure: worth printing. */
export function hasCost(figures: CostFigures): boolean {
  return figures.pricedCalls > 0;
}

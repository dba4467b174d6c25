// What one logged call cost, from its tokens and the role's price (USD per million tokens). The
// provider's own figure (OpenRouter's usage.cost), when a reply reported one, is the truth for that
// call: reports sum COALESCE(provider_cost, cost_usd). A cache hit sent nothing and costs 0.
import type { Price } from '../config/endpoints.ts';

export interface CallTokens {
  promptTokens: number;
  completionTokens: number;
  /** Of promptTokens, served from the provider's prompt cache (charged at cachedInput). */
  cachedTokens: number;
  cacheHit: boolean;
}

/** The call's cost at `price`; null when the role has no price. */
export function priceCallUsd(price: Price | undefined, tokens: CallTokens): number | null {
  if (price === undefined) return null;
  if (tokens.cacheHit) return 0;
  // A server may report more cached tokens than prompt tokens; never charge a negative remainder.
  const cached = Math.min(tokens.cachedTokens, tokens.promptTokens);
  const uncached = tokens.promptTokens - cached;
  const cachedRate = price.cachedInput ?? price.input;
  return (uncached * price.input + cached * cachedRate + tokens.completionTokens * price.output) / 1_000_000;
}

/** The figure reports use for one call: the provider's cost when it gave one, else the priced cost. */
export function effectiveCallUsd(providerCost: number | null | undefined, costUsd: number | null): number | null {
  return providerCost ?? costUsd;
}

// One model call, retried: the loop every single-call step shares (challenger, quality verifier,
// judge, main agent, loop judge). Which sample a retry draws is the draw counter's rule, and the
// draw number goes into the caller's seed, so a refactor of a caller cannot change what is asked.
import type { LlmFailure, LlmResult } from '../llm/types.ts';

/**
 * Which sample a retry draws. A transport failure (429, 5xx, a reset, a deadline: the call path
 * already retried it) is retried with the SAME request, so a transient fault changes what a run
 * costs and never what it finds; an unusable reply (invalid, cut off, empty) draws a new sample.
 */
export function createDrawCounter(): { current(): number; after(failure: Pick<LlmFailure, 'kind'>): void } {
  let draw = 0;
  return {
    current: () => draw,
    after(failure) {
      if (failure.kind !== 'transport') draw += 1;
    },
  };
}

export type RetriedCall<T> = { ok: true; value: T } | { ok: false; last: LlmFailure; calls: number };

/**
 * `call(draw)` once, then up to `retries` more times while it fails; `draw` is the draw counter's
 * number for the caller's seed. A failure `final` says no retry can fix (the challenger's reply
 * that stays invalid is a format verdict, not a fault) ends the loop at once. On failure: the last
 * failure and how many calls were made.
 */
export async function retriedCall<T>(
  retries: number,
  call: (draw: number) => Promise<LlmResult<T>>,
  final: (failure: LlmFailure) => boolean = () => false,
): Promise<RetriedCall<T>> {
  const draws = createDrawCounter();
  for (let calls = 1; ; calls += 1) {
    const result = await call(draws.current());
    if (result.ok) return { ok: true, value: result.value };
    if (calls > retries || final(result.failure)) return { ok: false, last: result.failure, calls };
    draws.after(result.failure);
  }
}

export const describeFailure = (failure: LlmFailure): string => `${failure.kind}: ${failure.message}`;

// The one retry layer of the call path (the openai client runs with maxRetries: 0).
import { LlmCallError } from '../errors.ts';

export interface RetryOptions {
  /** Retries after the first attempt; total attempts = maxRetries + 1. */
  maxRetries: number;
  /** Uniform [0, 1) source for jitter (a seedrandom instance, never Math.random). */
  rng: () => number;
  sleep: (ms: number) => Promise<void>;
  /** First backoff delay before jitter. */
  baseDelayMs?: number;
  /** Cap on any single wait, including a server's retry-after. */
  maxDelayMs?: number;
  /** Called before each wait (for logs). */
  onRetry?: (event: { attempt: number; delayMs: number; error: LlmCallError }) => void;
}

export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 60_000;

export type RetryOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; error: LlmCallError; attempts: number };

/**
 * Runs `operation` until it succeeds, throws a non-retryable error, or retries run out.
 * The error decides: only an LlmCallError with `retryable: true` is retried; any other thrown
 * value is a programming fault and propagates. The server's retry-after wins over backoff.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<RetryOutcome<T>> {
  const totalAttempts = options.maxRetries + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await operation(attempt), attempts: attempt };
    } catch (error) {
      if (!(error instanceof LlmCallError)) throw error;
      if (!error.retryable || attempt >= totalAttempts) return { ok: false, error, attempts: attempt };
      const delayMs = retryDelayMs(attempt, error, options);
      options.onRetry?.({ attempt, delayMs, error });
      await options.sleep(delayMs);
    }
  }
}

/** retry-after if the server sent one, else exponential backoff with full-range jitter in [50%, 100%]. */
export function retryDelayMs(
  attempt: number,
  error: LlmCallError,
  options: Pick<RetryOptions, 'rng' | 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  if (error.retryAfterMs !== undefined) return Math.min(Math.max(0, error.retryAfterMs), maxDelayMs);
  const exponential = (options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS) * 2 ** (attempt - 1);
  const jittered = exponential * (0.5 + 0.5 * options.rng());
  return Math.round(Math.min(jittered, maxDelayMs));
}

/** Parses `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date). */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '' && Number.isFinite(Number(milliseconds))) {
    return Math.max(0, Number(milliseconds));
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (Number.isFinite(Number(value))) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** One Go-style duration part: `1h`, `6m`, `0.5s`, `20ms` (OpenAI writes `6m0s`, `1h2m3.5s`, `20ms`). */
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|\u00b5s|\u03bcs|ns)/y;
const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1], ['us', 0.001], ['\u00b5s', 0.001], ['\u03bcs', 0.001], ['ns', 0.000_001],
]);

/**
 * Milliseconds in a reset duration such as `1s`, `6m0s`, `20ms` or `1h2m3.5s`; a bare number is
 * seconds (some gateways send one). Undefined for anything else, and for more than 24 hours.
 */
export function parseDurationMs(value: string): number | undefined {
  const text = value.trim();
  if (text === '' || text.length > 40) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return boundedMs(Number(text) * 1000);
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS.get(match[2]!)!;
  }
  return boundedMs(total);
}

function boundedMs(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= 86_400_000 ? Math.ceil(ms) : undefined;
}

/**
 * The wait a 429 implies from OpenAI's x-ratelimit-* headers: the reset of each limit that is
 * exhausted (its x-ratelimit-remaining-* is 0, or not sent), the longer of the two when both are.
 * Undefined when neither says it is exhausted (backoff then decides), and capped at `maxMs`.
 */
export function parseRateLimitReset(
  headers: { get(name: string): string | null } | undefined,
  maxMs: number = DEFAULT_MAX_DELAY_MS,
): number | undefined {
  if (!headers) return undefined;
  let wait: number | undefined;
  for (const limit of ['requests', 'tokens'] as const) {
    const reset = headers.get(`x-ratelimit-reset-${limit}`);
    const resetMs = reset === null ? undefined : parseDurationMs(reset);
    if (resetMs === undefined) continue;
    const remaining = headers.get(`x-ratelimit-remaining-${limit}`);
    const remainingCount = remaining === null || remaining.trim() === '' ? undefined : Number(remaining);
    const exhausted = remainingCount === undefined || Number.isNaN(remainingCount) || remainingCount <= 0;
    if (exhausted) wait = Math.max(wait ?? 0, resetMs);
  }
  return wait === undefined ? undefined : Math.min(wait, maxMs);
}

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

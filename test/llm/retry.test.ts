// withRetry and its delay rules, with an injected sleep and rng.
import { describe, expect, it } from 'vitest';
import { LlmCallError } from '../../src/errors.ts';
import { parseRetryAfter, retryDelayMs, withRetry } from '../../src/llm/retry.ts';
import { recordingSleep } from './helpers.ts';

const retryable = (retryAfterMs?: number) =>
  new LlmCallError('HTTP 503 from test', { status: 503, retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

describe('withRetry', () => {
  it('stops at the first non-retryable error', async () => {
    const { sleep, waits } = recordingSleep();
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        throw new LlmCallError('HTTP 400 from test', { status: 400, retryable: false });
      },
      { maxRetries: 5, rng: () => 0.5, sleep },
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('backs off exponentially with jitter from the rng, capped', async () => {
    const { sleep, waits } = recordingSleep();
    const outcome = await withRetry(
      async () => {
        throw retryable();
      },
      { maxRetries: 4, rng: () => 1, sleep, baseDelayMs: 100, maxDelayMs: 500 },
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 5 });
    expect(waits).toEqual([100, 200, 400, 500]);
    expect(retryDelayMs(1, retryable(), { rng: () => 0, baseDelayMs: 100 })).toBe(50);
  });

  it('waits exactly the server retry-after, up to the cap', async () => {
    const { sleep, waits } = recordingSleep();
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw retryable(1234);
        if (calls === 2) throw retryable(999_999);
        return 'done';
      },
      { maxRetries: 2, rng: () => 0.5, sleep, maxDelayMs: 60_000 },
    );
    expect(outcome).toEqual({ ok: true, value: 'done', attempts: 3 });
    expect(waits).toEqual([1234, 60_000]);
  });

  it('lets a programming error through instead of retrying it', async () => {
    const { sleep } = recordingSleep();
    await expect(
      withRetry(
        async () => {
          throw new TypeError('bug');
        },
        { maxRetries: 3, rng: () => 0.5, sleep },
      ),
    ).rejects.toThrow('bug');
  });
});

describe('parseRetryAfter', () => {
  it('prefers retry-after-ms, reads seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

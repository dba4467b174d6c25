// One request/response exchange with retries and the endpoint's adaptive concurrency limit.
import type { Endpoint } from '../config/endpoints.ts';
import { LlmCallError } from '../errors.ts';
import type { AdaptiveLimiter } from './adaptive-limiter.ts';
import type { Transport, WireReply, WireRequest } from './openai-transport.ts';
import { withRetry } from './retry.ts';

/** `attempts`: requests sent over the wire (an attempt stopped by `halted` sends nothing). */
export type ExchangeOutcome =
  | { ok: true; reply: WireReply; attempts: number }
  | { ok: false; error: LlmCallError; attempts: number };

/** The code of the error an attempt gets when the endpoint was found unavailable while the call waited. */
export const HALTED_CODE = 'LLM_HALTED';

export interface ExchangeDependencies {
  endpoint: Endpoint;
  transport: Transport;
  limiter: AdaptiveLimiter;
  rng: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
  /** True once the endpoint's circuit breaker has opened: later attempts are not sent. */
  halted?: () => boolean;
}

/**
 * A slot is held only while a request is on the wire, never while sleeping before a retry.
 * Rate limits and timeouts tell the limiter to back off; other failures say nothing about load
 * (an exhausted quota in particular is not congestion).
 */
export async function exchange(request: WireRequest, dependencies: ExchangeDependencies): Promise<ExchangeOutcome> {
  const { endpoint, transport, limiter } = dependencies;
  let sent = 0;
  const outcome = await withRetry(
    async () => {
      const slot = await limiter.acquire();
      try {
        if (dependencies.halted?.()) {
          throw new LlmCallError(`not sent: the ${endpoint.role} endpoint was found unavailable`, { retryable: false, code: HALTED_CODE });
        }
        sent++;
        const reply = await transport.complete(request);
        slot.succeeded();
        return reply;
      } catch (error) {
        const code = (error as LlmCallError).code;
        if (code === 'LLM_RATE_LIMITED' || code === 'LLM_TIMEOUT') slot.pushedBack();
        throw error;
      } finally {
        slot.release();
      }
    },
    {
      maxRetries: endpoint.maxRetries,
      baseDelayMs: endpoint.retryBaseDelayMs,
      rng: dependencies.rng,
      sleep: dependencies.sleep,
      onRetry: ({ attempt, delayMs, error }) =>
        dependencies.log(
          `llm ${endpoint.role}: ${error.message}; retry ${attempt}/${endpoint.maxRetries} in ${delayMs} ms`,
        ),
    },
  );
  return outcome.ok ? { ok: true, reply: outcome.value, attempts: sent } : { ok: false, error: outcome.error, attempts: sent };
}

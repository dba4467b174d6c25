// One request/response exchange with retries and the endpoint's adaptive concurrency limit.
import type { Endpoint } from '../config/endpoints.ts';
import type { LlmCallError } from '../errors.ts';
import type { AdaptiveLimiter } from './adaptive-limiter.ts';
import type { Transport, WireReply, WireRequest } from './openai-transport.ts';
import { withRetry } from './retry.ts';

export type ExchangeOutcome =
  | { ok: true; reply: WireReply; attempts: number }
  | { ok: false; error: LlmCallError; attempts: number };

export interface ExchangeDependencies {
  endpoint: Endpoint;
  transport: Transport;
  limiter: AdaptiveLimiter;
  rng: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

/**
 * A slot is held only while a request is on the wire, never while sleeping before a retry.
 * Rate limits and timeouts tell the limiter to back off; other failures say nothing about load.
 */
export async function exchange(request: WireRequest, dependencies: ExchangeDependencies): Promise<ExchangeOutcome> {
  const { endpoint, transport, limiter } = dependencies;
  const outcome = await withRetry(
    async () => {
      const slot = await limiter.acquire();
      try {
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
      rng: dependencies.rng,
      sleep: dependencies.sleep,
      onRetry: ({ attempt, delayMs, error }) =>
        dependencies.log(
          `llm ${endpoint.role}: ${error.message}; retry ${attempt}/${endpoint.maxRetries} in ${delayMs} ms`,
        ),
    },
  );
  return outcome.ok
    ? { ok: true, reply: outcome.value, attempts: outcome.attempts }
    : { ok: false, error: outcome.error, attempts: outcome.attempts };
}

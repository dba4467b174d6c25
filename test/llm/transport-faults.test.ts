// Faults a real server produces that the sim's status codes do not: a reply that stalls after its
// headers, a connection cut in the middle of a reply, an exhausted quota and a refused key. Each
// runs against a scripted loopback HTTP server through the real openai client.
import { afterEach, describe, expect, it } from 'vitest';
import { createLlm } from '../../src/llm/create-llm.ts';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { LlmCallError } from '../../src/errors.ts';
import { answer, closeScriptedServers, endpointsOn, errorReply, recordingSleep, scripted, startReply, userMessage } from './helpers.ts';

afterEach(closeScriptedServers);

const question = userMessage('Is the sky blue on a clear day?');

describe('a reply that stalls after its headers', () => {
  it('is a retryable timeout after about timeoutMs, and the next attempt gets the whole reply', async () => {
    const server = await scripted((request, _incoming, outgoing) => (request === 1 ? startReply(outgoing) : answer(outgoing)));
    const { sleep, waits } = recordingSleep();
    const lines: string[] = [];
    const llm = createLlm({
      endpoints: endpointsOn(server.baseURL, { timeoutMs: 300, maxRetries: 2 }),
      sleep,
      log: (line) => lines.push(line),
      cacheMode: 'off',
    });

    const started = Date.now();
    const result = await llm.text({ role: 'judge', messages: question, seed: 1 });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.content).toBe('The sky is blue.');
    expect(result.usage.attempts).toBe(2);
    expect(waits).toHaveLength(1);
    expect(server.requests()).toBe(2);
    // A deadline is a timeout: the limiter backs off, as for a server that never answers.
    expect(lines).toEqual([
      `llm endpoint ${server.baseURL} (sim-agent): concurrency 4 -> 2 (pushed-back)`,
      `llm judge: timed out after 300 ms waiting for ${server.baseURL} (sim-agent); retry 1/2 in ${waits[0]} ms`,
    ]);
  });

  it('fails as a transport timeout when every attempt stalls, within about (maxRetries + 1) x timeoutMs', async () => {
    const server = await scripted((_request, _incoming, outgoing) => startReply(outgoing));
    const { sleep } = recordingSleep();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { timeoutMs: 200, maxRetries: 1 }), sleep, cacheMode: 'off' });

    const started = Date.now();
    const result = await llm.text({ role: 'judge', messages: question, seed: 1 });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'transport', message: `judge: timed out after 200 ms waiting for ${server.baseURL} (sim-agent) (gave up after 2 attempt(s))` },
    });
    expect(server.requests()).toBe(2);
  });
});

describe('a connection cut in the middle of a reply', () => {
  it('is retried as a network error: exactly 2 requests, then success', async () => {
    const server = await scripted((request, incoming, outgoing) => {
      if (request > 1) return answer(outgoing);
      startReply(outgoing);
      setTimeout(() => incoming.socket.destroy(), 20);
    });
    const { sleep } = recordingSleep();
    const lines: string[] = [];
    const llm = createLlm({
      endpoints: endpointsOn(server.baseURL, { maxRetries: 4 }),
      sleep,
      log: (line) => lines.push(line),
      cacheMode: 'off',
    });

    const result = await llm.text({ role: 'judge', messages: question, seed: 1 });

    expect(result.ok).toBe(true);
    expect(result.usage.attempts).toBe(2);
    expect(server.requests()).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^llm judge: connection to .* was cut off in the middle of the reply \((UND_ERR_SOCKET|ECONNRESET|terminated)\); retry 1\/4/);
  });
});

describe('errors that never heal during a run', () => {
  const transportOn = (baseURL: string) =>
    createTransport({ endpoint: endpointsOn(baseURL).roles.judge, apiKey: 'sk-test-1234567890abcdef' });
  const request = { model: 'sim-agent', messages: question, temperature: 1, max_tokens: 10, seed: 1 };

  async function classify(status: number, error: Record<string, unknown>): Promise<LlmCallError> {
    const server = await scripted((_request, _incoming, outgoing) => errorReply(outgoing, status, error));
    const thrown = await transportOn(server.baseURL).complete(request).catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(LlmCallError);
    return thrown as LlmCallError;
  }

  it.each([
    [429, { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' }],
    [429, { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'requests', code: null }],
    [402, { message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits', code: 402 }],
    [403, { message: 'Your credit balance is too low to access the API.', type: 'invalid_request_error' }],
  ])('HTTP %i with a spent quota is LLM_QUOTA, not retryable', async (status, error) => {
    const classified = await classify(status, error);
    expect(classified).toMatchObject({ code: 'LLM_QUOTA', retryable: false, status });
  });

  it('an ordinary rate limit stays retryable, even when its message links to the billing page', async () => {
    const classified = await classify(429, {
      message:
        'Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000. Visit https://platform.openai.com/account/rate-limits to learn more. You can increase your rate limit by adding a payment method to your account at https://platform.openai.com/account/billing.',
      type: 'tokens',
      code: 'rate_limit_exceeded',
    });
    expect(classified).toMatchObject({ code: 'LLM_RATE_LIMITED', retryable: true });
  });

  it.each([
    [401, { message: 'Incorrect API key provided: sk-test-1234567890abcdef.', type: 'invalid_request_error', code: 'invalid_api_key' }],
    [403, { message: 'You are not allowed to use this model.', type: 'invalid_request_error' }],
  ])('HTTP %i about the key is LLM_AUTH, not retryable, with the key scrubbed', async (status, error) => {
    const classified = await classify(status, error);
    expect(classified).toMatchObject({ code: 'LLM_AUTH', retryable: false, status });
    expect(classified.message).not.toContain('sk-test-1234567890abcdef');
  });
});

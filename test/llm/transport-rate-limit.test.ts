// A 429's wait from OpenAI's x-ratelimit-* headers when it has no retry-after: durations parsed,
// the exhausted limit chosen, the wait bounded like retry-after.
import { afterEach, describe, expect, it } from 'vitest';
import { LlmCallError } from '../../src/errors.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { parseDurationMs, parseRateLimitReset } from '../../src/llm/retry.ts';
import { endpointsOn, recordingSleep, userMessage } from './helpers.ts';
import { closeReplayServers, replayServer, sendJson } from './replay-server.ts';

afterEach(closeReplayServers);

const headers = (values: Record<string, string>) => new Headers(values);
const rateLimited = { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } };

describe('parseDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['250us', 1],
    ['2', 2000],
    ['0', 0],
  ])('%s -> %i ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 'soon', '1x', '-1s', '1s2', 's', '25h', `${'9'.repeat(50)}s`])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('parseRateLimitReset', () => {
  it('takes the larger reset when both limits are exhausted', () => {
    expect(
      parseRateLimitReset(
        headers({
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '2s',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '7.5s',
        }),
      ),
    ).toBe(7500);
  });

  it('takes only the exhausted limit', () => {
    expect(
      parseRateLimitReset(
        headers({
          'x-ratelimit-remaining-requests': '42',
          'x-ratelimit-reset-requests': '30s',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '1s',
        }),
      ),
    ).toBe(1000);
  });

  it('uses a reset whose remaining count is not sent', () => {
    expect(parseRateLimitReset(headers({ 'x-ratelimit-reset-requests': '3s' }))).toBe(3000);
  });

  it('says nothing when no limit is exhausted or no reset is readable', () => {
    expect(
      parseRateLimitReset(headers({ 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-reset-requests': '3s' })),
    ).toBeUndefined();
    expect(parseRateLimitReset(headers({ 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': 'later' }))).toBeUndefined();
    expect(parseRateLimitReset(undefined)).toBeUndefined();
  });

  it('is capped at 60 s like retry-after', () => {
    expect(parseRateLimitReset(headers({ 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '6m0s' }))).toBe(60_000);
  });
});

describe('a 429 through the transport', () => {
  async function classify(responseHeaders: Record<string, string>): Promise<LlmCallError> {
    const server = await replayServer((_request, outgoing) => sendJson(outgoing, 429, rateLimited, responseHeaders));
    const transport = createTransport({ endpoint: endpointsOn(server.baseURL).roles.judge, apiKey: undefined, env: {} });
    const thrown = await transport.complete({ model: 'sim-agent', messages: userMessage('Hi'), max_tokens: 8 }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(LlmCallError);
    return thrown as LlmCallError;
  }

  it('waits for the exhausted limit named by x-ratelimit-* when there is no retry-after', async () => {
    const error = await classify({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1.2s', 'x-ratelimit-remaining-tokens': '900', 'x-ratelimit-reset-tokens': '20ms' });
    expect(error).toMatchObject({ code: 'LLM_RATE_LIMITED', retryable: true, retryAfterMs: 1200 });
  });

  it('lets retry-after win over the reset headers', async () => {
    const error = await classify({ 'retry-after': '2', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '9s' });
    expect(error.retryAfterMs).toBe(2000);
  });

  it('reads no reset headers on other statuses', async () => {
    const server = await replayServer((_request, outgoing) =>
      sendJson(outgoing, 503, { error: { message: 'overloaded' } }, { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '9s' }),
    );
    const transport = createTransport({ endpoint: endpointsOn(server.baseURL).roles.judge, apiKey: undefined, env: {} });
    const error = (await transport.complete({ model: 'sim-agent', messages: userMessage('Hi'), max_tokens: 8 }).catch((caught: unknown) => caught)) as LlmCallError;
    expect(error).toMatchObject({ code: 'LLM_HTTP', retryable: true, retryAfterMs: undefined });
  });

  it('the retry layer sleeps that long before the next attempt', async () => {
    const server = await replayServer((_request, outgoing, index) =>
      index === 1
        ? sendJson(outgoing, 429, rateLimited, { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '750ms' })
        : sendJson(outgoing, 200, { choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] }),
    );
    const { sleep, waits } = recordingSleep();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), sleep, cacheMode: 'off' });
    const result = await llm.text({ role: 'judge', messages: userMessage('Hi'), seed: 1 });
    expect(result.ok).toBe(true);
    expect(waits).toEqual([750]);
  });
});

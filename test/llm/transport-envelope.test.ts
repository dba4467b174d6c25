// The lenient reading of a reply body: errors a server puts inside a 200, bodies that are not a
// chat completion (each named), and hostile numbers and strings. Whole replies go through a
// loopback server and the real transport; the classification table is checked directly.
import { afterEach, describe, expect, it } from 'vitest';
import { inBodyError, type CallContext } from '../../src/llm/call-errors.ts';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { readUsage } from '../../src/llm/reply-envelope.ts';
import { endpointsOn, failureOf } from './helpers.ts';
import { closeReplayServers, replayServer, sendJson } from './replay-server.ts';

afterEach(closeReplayServers);

const KEY = 'sk-envelope-secret-123456';
const request = { model: 'sim-agent', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 16 };
const context: CallContext = { endpoint: { baseURL: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 1000 }, secrets: [KEY] };

function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }], ...extra };
}

async function completeWith(
  respond: (outgoing: import('node:http').ServerResponse) => void,
  overrides: Parameters<typeof endpointsOn>[1] = {},
) {
  const server = await replayServer((_request, outgoing) => respond(outgoing));
  const transport = createTransport({ endpoint: endpointsOn(server.baseURL, overrides).roles.judge, apiKey: KEY, env: {} });
  return transport.complete(request);
}

describe('an error object inside an HTTP 200 body', () => {
  it.each([
    [{ code: 429, message: 'slow down' }, 'LLM_RATE_LIMITED', true, 429],
    [{ code: 500, message: 'internal' }, 'LLM_HTTP', true, 500],
    [{ code: 503, message: 'no provider available' }, 'LLM_HTTP', true, 503],
    [{ code: 408, message: 'request timed out' }, 'LLM_HTTP', true, 408],
    [{ code: 402, message: 'Insufficient credits' }, 'LLM_QUOTA', false, 402],
    [{ code: 401, message: 'No auth credentials found' }, 'LLM_AUTH', false, 401],
    [{ code: 403, message: 'Input was flagged by moderation' }, 'LLM_AUTH', false, 403],
    [{ code: 400, message: 'Invalid model' }, 'LLM_HTTP', false, 400],
    [{ code: '502', message: 'as a string' }, 'LLM_HTTP', true, 502],
    [{ message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' }, 'LLM_QUOTA', false, undefined],
    [{ message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, 'LLM_RATE_LIMITED', true, undefined],
    [{ message: 'The server had an error while processing your request.', type: 'server_error' }, 'LLM_HTTP', true, undefined],
    [{ message: 'Something odd' }, 'LLM_HTTP', false, undefined],
    ['a bare string error', 'LLM_HTTP', false, undefined],
  ])('%j -> %s (retryable %s)', (raw, code, retryable, status) => {
    const error = inBodyError(raw, context);
    expect({ code: error.code, retryable: error.retryable, status: error.status }).toEqual({ code, retryable, status });
  });

  it("quotes the server's message, scrubbed of the key and cut to one short line", async () => {
    const error = await failureOf(
      completeWith((outgoing) =>
        sendJson(outgoing, 200, { error: { code: 401, message: `Invalid key ${KEY}\nfor this\n\n account ${'x'.repeat(400)}` } }),
      ),
    );
    expect(error.code).toBe('LLM_AUTH');
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('sent error 401 in its reply: Invalid key [redacted] for this account x');
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(300);
  });

  it('wins over choices that came with it', async () => {
    const error = await failureOf(
      completeWith((outgoing) => sendJson(outgoing, 200, { ...completion({ content: 'partial' }), error: { code: 502, message: 'cut' } })),
    );
    expect(error).toMatchObject({ code: 'LLM_HTTP', retryable: true, status: 502 });
  });
});

describe('a body that is not a chat completion names what is missing', () => {
  it.each([
    [{ object: 'list', data: [] }, 'no choices list'],
    [{ choices: [{ index: 0, finish_reason: 'stop' }] }, 'choices[0] has no message'],
    [completion({ content: 42 }), 'choices[0].message.content is neither text nor a list of parts'],
    [completion({ content: null, tool_calls: {} }), 'choices[0].message.tool_calls is not a list'],
    [completion({ content: null, tool_calls: [{ id: 'a', function: { arguments: '{}' } }] }), 'choices[0].message.tool_calls[0].function has no name'],
    [completion({ content: null, tool_calls: [{ id: 'a', type: 'custom', function: { name: 'x' } }] }), 'choices[0].message.tool_calls[0] is not a function call'],
    [[1, 2, 3], 'the body is not a JSON object'],
  ])('%j', async (body, what) => {
    const error = await failureOf(completeWith((outgoing) => sendJson(outgoing, 200, body)));
    expect(error).toMatchObject({ code: 'LLM_PROTOCOL', retryable: false });
    expect(error.message).toContain(`sent a reply that is not a chat completion (${what})`);
  });

  it('a text body (a proxy login page) is not JSON', async () => {
    const error = await failureOf(
      completeWith((outgoing) => {
        outgoing.writeHead(200, { 'content-type': 'text/html' });
        outgoing.end('<html>Sign in</html>');
      }),
    );
    expect(error).toMatchObject({ code: 'LLM_PROTOCOL', retryable: false });
    expect(error.message).toContain('(the body is not JSON)');
  });
});

describe('model- and server-written values are bounded', () => {
  it('drops token counts that are negative, fractional, huge or not numbers, and costs that are not believable', () => {
    expect(readUsage({ prompt_tokens: -5, completion_tokens: 1e12, completion_tokens_details: { reasoning_tokens: 2.5 }, cost: -1 })).toEqual({
      promptTokens: 0,
      completionTokens: 0,
    });
    expect(readUsage({ prompt_tokens: '12', completion_tokens: null, prompt_tokens_details: { cached_tokens: Infinity }, cost: 1e9 })).toEqual({
      promptTokens: 0,
      completionTokens: 0,
    });
    expect(readUsage('usage')).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(readUsage({ prompt_tokens: 10, completion_tokens: 3, prompt_cache_hit_tokens: 8, cost: 0 })).toEqual({
      promptTokens: 10,
      completionTokens: 3,
      cachedTokens: 8,
      providerCost: 0,
    });
  });

  it('cuts a long finish reason and keeps a key-like tool call id as data only', async () => {
    const reply = await completeWith((outgoing) =>
      sendJson(outgoing, 200, {
        choices: [
          {
            message: { content: null, tool_calls: [{ id: '__proto__', function: { name: 'constructor', arguments: '{}' } }] },
            finish_reason: 'x'.repeat(500),
          },
        ],
      }),
    );
    expect(reply.finishReason).toBe('x'.repeat(64));
    expect(reply.toolCalls).toEqual([{ id: '__proto__', type: 'function', function: { name: 'constructor', arguments: '{}' } }]);
    expect(Object.getPrototypeOf(reply.toolCalls[0])).toBe(Object.prototype);
  });
});

describe("the endpoint's reasoningTags", () => {
  const thinking = completion({ content: '<think>plan</think>\n\nanswer', reasoning_content: 'field' });

  it("'auto' joins the field and the block", async () => {
    const reply = await completeWith((outgoing) => sendJson(outgoing, 200, thinking));
    expect(reply).toMatchObject({ content: 'answer', reasoning: 'field\n\nplan' });
  });

  it("'none' keeps the content whole and still reads the field", async () => {
    const reply = await completeWith((outgoing) => sendJson(outgoing, 200, thinking), { reasoningTags: 'none' });
    expect(reply).toMatchObject({ content: '<think>plan</think>\n\nanswer', reasoning: 'field' });
  });

  it('a custom pair', async () => {
    const reply = await completeWith((outgoing) => sendJson(outgoing, 200, completion({ content: '[[r]]plan[[/r]] answer' })), {
      reasoningTags: { open: '[[r]]', close: '[[/r]]' },
    });
    expect(reply).toMatchObject({ content: 'answer', reasoning: 'plan' });
  });
});

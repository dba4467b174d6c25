// Streaming (endpoint.stream): the idle deadline, a stall or a cut connection mid-stream, streams
// that end early or carry an error event, tool-call pieces, and the SSE reader on its own.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlm } from '../../src/llm/create-llm.ts';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { sseMessages } from '../../src/llm/sse.ts';
import { createStreamAccumulator, MAX_STREAMED_TOOL_CALLS } from '../../src/llm/stream-reply.ts';
import { endpointsOn, failureOf, recordingSleep, userMessage } from './helpers.ts';
import { closeReplayServers, replayServer, sendJson, sseText, type SseEntry } from './replay-server.ts';

afterEach(closeReplayServers);

const request = { model: 'sim-agent', messages: userMessage('Count to three.'), max_tokens: 32 };
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 7, completion_tokens: 5 } };
const context = { endpoint: { baseURL: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 1000 }, secrets: [] };

function startStream(outgoing: ServerResponse): void {
  outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
}

/** Writes each entry `gapMs` after the one before, then ends the stream. */
function trickle(outgoing: ServerResponse, entries: readonly SseEntry[], gapMs: number): void {
  startStream(outgoing);
  entries.forEach((entry, index) => {
    setTimeout(() => {
      if (outgoing.destroyed) return;
      outgoing.write(sseText([entry]));
      if (index === entries.length - 1) outgoing.end();
    }, gapMs * (index + 1));
  });
}

async function streamingTransport(respond: (outgoing: ServerResponse, index: number) => void, timeoutMs = 2000) {
  const server = await replayServer((_request, outgoing, index) => respond(outgoing, index));
  const transport = createTransport({ endpoint: endpointsOn(server.baseURL, { stream: true, timeoutMs }).roles.judge, apiKey: undefined, env: {} });
  return { server, transport };
}

const countingEntries: SseEntry[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'One, ' }),
  chunk({ content: 'two, ' }),
  chunk({ content: 'three.' }),
  chunk({}, 'stop'),
  usageChunk,
  '[DONE]',
];

describe('the idle deadline of a streamed reply', () => {
  it('lets a generation run longer than timeoutMs while chunks keep coming', async () => {
    const { transport } = await streamingTransport((outgoing) => trickle(outgoing, countingEntries, 80), 250);
    const started = Date.now();
    const reply = await transport.complete(request);
    expect(Date.now() - started).toBeGreaterThan(450); // 7 gaps of 80 ms: past the 250 ms deadline in total
    expect(reply).toMatchObject({ content: 'One, two, three.', finishReason: 'stop', promptTokens: 7, completionTokens: 5 });
  });

  it('a stall mid-stream is a retryable LLM_TIMEOUT after about timeoutMs', async () => {
    const { transport } = await streamingTransport((outgoing) => {
      startStream(outgoing);
      outgoing.write(sseText(countingEntries.slice(0, 2)));
    }, 200);
    const started = Date.now();
    const error = await failureOf(transport.complete(request));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toMatchObject({ code: 'LLM_TIMEOUT', retryable: true });
  });

  it('no headers within timeoutMs is a retryable LLM_TIMEOUT', async () => {
    const { transport } = await streamingTransport(() => {}, 150);
    const error = await failureOf(transport.complete(request));
    expect(error).toMatchObject({ code: 'LLM_TIMEOUT', retryable: true });
  });

  it('through createLlm: a stalled first attempt is retried and the second stream is the answer', async () => {
    const server = await replayServer((_request, outgoing, index) => {
      if (index === 1) {
        startStream(outgoing);
        outgoing.write(sseText([chunk({ reasoning: 'Counting.' })]));
        return;
      }
      startStream(outgoing);
      outgoing.end(sseText([chunk({ reasoning: 'Counting.' }), ...countingEntries]));
    });
    const { sleep } = recordingSleep();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { stream: true, timeoutMs: 200, maxRetries: 2 }), sleep, cacheMode: 'off' });
    const result = await llm.text({ role: 'judge', messages: userMessage('Count to three.'), seed: 1 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ content: 'One, two, three.', reasoning: 'Counting.' });
    expect(result.usage.attempts).toBe(2);
    expect(server.requests.map((sent) => (sent.body as { stream?: unknown }).stream)).toEqual([true, true]);
  });
});

describe('a stream that breaks', () => {
  it('a connection cut mid-stream is a retryable LLM_NETWORK', async () => {
    const server = await replayServer((_request, outgoing) => {
      startStream(outgoing);
      outgoing.write(sseText(countingEntries.slice(0, 2)));
      setTimeout(() => outgoing.socket?.destroy(), 30);
    });
    const transport = createTransport({ endpoint: endpointsOn(server.baseURL, { stream: true }).roles.judge, apiKey: undefined, env: {} });
    const error = await failureOf(transport.complete(request));
    expect(error).toMatchObject({ code: 'LLM_NETWORK', retryable: true });
    expect(error.message).toMatch(/cut off in the middle of the reply/);
  });

  it('a stream that ends cleanly before a finish reason is a retryable LLM_NETWORK', async () => {
    const { transport } = await streamingTransport((outgoing) => {
      startStream(outgoing);
      outgoing.end(sseText(countingEntries.slice(0, 3)));
    });
    const error = await failureOf(transport.complete(request));
    expect(error).toMatchObject({ code: 'LLM_NETWORK', retryable: true });
    expect(error.message).toContain('ended before the reply was finished');
  });

  it('a stream with no choice at all is LLM_NO_CHOICES', async () => {
    const { transport } = await streamingTransport((outgoing) => {
      startStream(outgoing);
      outgoing.end(sseText([usageChunk, '[DONE]']));
    });
    expect(await failureOf(transport.complete(request))).toMatchObject({ code: 'LLM_NO_CHOICES', retryable: true });
  });

  it('an `event: error` event is classified like an error in a body', async () => {
    const { transport } = await streamingTransport((outgoing) => {
      startStream(outgoing);
      outgoing.end(`${sseText([chunk({ content: 'Hi' })])}event: error\ndata: {"error":{"code":429,"message":"busy"}}\n\n`);
    });
    expect(await failureOf(transport.complete(request))).toMatchObject({ code: 'LLM_RATE_LIMITED', retryable: true, status: 429 });
  });

  it('a data line that is not JSON is a protocol fault', async () => {
    const { transport } = await streamingTransport((outgoing) => {
      startStream(outgoing);
      outgoing.end('data: {not json\n\n');
    });
    const error = await failureOf(transport.complete(request));
    expect(error).toMatchObject({ code: 'LLM_PROTOCOL', retryable: false });
    expect(error.message).toContain('a stream event is not JSON');
  });

  it('an HTTP error status before the stream is classified as for a whole reply', async () => {
    const { transport } = await streamingTransport((outgoing) => sendJson(outgoing, 401, { error: { message: 'bad key' } }));
    expect(await failureOf(transport.complete(request))).toMatchObject({ code: 'LLM_AUTH', status: 401 });
  });
});

describe('a streamed reply read leniently', () => {
  it('a server that ignores stream: true and sends one JSON body is read as a whole reply', async () => {
    const { transport } = await streamingTransport((outgoing) =>
      sendJson(outgoing, 200, { choices: [{ message: { content: '<think>a</think>b' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2 } }),
    );
    expect(await transport.complete(request)).toMatchObject({ content: 'b', reasoning: 'a', promptTokens: 3, completionTokens: 2 });
  });

  it('separates <think> tags split across content deltas', async () => {
    const { transport } = await streamingTransport((outgoing) => {
      startStream(outgoing);
      outgoing.end(sseText([chunk({ content: '<thi' }), chunk({ content: 'nk>plan</th' }), chunk({ content: 'ink>\n\nanswer' }, 'stop'), '[DONE]']));
    });
    expect(await transport.complete(request)).toMatchObject({ content: 'answer', reasoning: 'plan' });
  });

  it('gathers tool calls without index or id, does not double a repeated name, joins argument objects', () => {
    const accumulator = createStreamAccumulator(context);
    accumulator.add(chunk({ tool_calls: [{ function: { name: 'submit', arguments: '{"accepted":' } }] }));
    accumulator.add(chunk({ tool_calls: [{ function: { name: 'submit', arguments: 'true}' } }] }));
    accumulator.add(chunk({ tool_calls: [{ index: 3, id: 'call_x', function: { name: 'evaluate_weak', arguments: { a: 1 } } }] }, 'tool_calls'));
    expect(accumulator.finish()).toEqual({
      content: null,
      reasoningField: null,
      toolCalls: [
        { id: 'call_0', type: 'function', function: { name: 'submit', arguments: '{"accepted":true}' } },
        { id: 'call_x', type: 'function', function: { name: 'evaluate_weak', arguments: '{"a":1}' } },
      ],
      finishReason: 'tool_calls',
      usage: { promptTokens: 0, completionTokens: 0 },
    });
  });

  it('refuses a tool-call index out of bounds and a call that never got a name', () => {
    const outOfBounds = createStreamAccumulator(context);
    expect(() => outOfBounds.add(chunk({ tool_calls: [{ index: MAX_STREAMED_TOOL_CALLS, function: { name: 'x' } }] }))).toThrow(/no usable index/);
    expect(() => outOfBounds.add(chunk({ tool_calls: [{ index: -1, function: { name: 'x' } }] }))).toThrow(/no usable index/);
    const nameless = createStreamAccumulator(context);
    nameless.add(chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, 'tool_calls'));
    expect(() => nameless.finish()).toThrow(/streamed tool call 0 has no name/);
  });

  it('ignores choices other than the first, keeps both reasoning fields when they differ and once when equal', () => {
    const accumulator = createStreamAccumulator(context);
    accumulator.add({ choices: [{ index: 1, delta: { content: 'other' } }, { index: 0, delta: { content: 'mine', reasoning: 'r', reasoning_content: 'r' } }] });
    accumulator.add(chunk({}, 'stop'));
    expect(accumulator.finish()).toMatchObject({ content: 'mine', reasoningField: 'r' });
  });
});

describe('the SSE reader', () => {
  const stream = (...pieces: (string | Uint8Array)[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(typeof piece === 'string' ? new TextEncoder().encode(piece) : piece);
        controller.close();
      },
    });
  const collect = async (body: ReadableStream<Uint8Array>, maxEventChars = 1000) => {
    const messages = [];
    for await (const message of sseMessages(body, { maxEventChars, tooLarge: () => new Error('too large') })) messages.push(message);
    return messages;
  };

  it('joins multi-line data, reads CRLF and event names, skips comments, keeps an unterminated last event', async () => {
    expect(await collect(stream(': keep-alive\r\n\r\ndata: a\r\ndata: b\r\n\r\nevent: error\ndata: {"x":1}\n\ndata:tail'))).toEqual([
      { event: undefined, data: 'a\nb' },
      { event: 'error', data: '{"x":1}' },
      { event: undefined, data: 'tail' },
    ]);
  });

  it('decodes a character split across network chunks', async () => {
    const bytes = new TextEncoder().encode('data: ◁think▷\n\n');
    expect(await collect(stream(bytes.slice(0, 8), bytes.slice(8)))).toEqual([{ event: undefined, data: '◁think▷' }]);
  });

  it('gives up on an event that grows past the bound', async () => {
    await expect(collect(stream(`data: ${'x'.repeat(600)}\n`, `data: ${'y'.repeat(600)}\n`), 1000)).rejects.toThrow('too large');
    await expect(collect(stream('data: '.concat('z'.repeat(2000))), 1000)).rejects.toThrow('too large');
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageOf, openTransport, sampleRequests, TRANSPORTS, type Transport, type WireMessage } from './transports.ts';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
interface WireDelta {
  role?: string;
  content?: string | null;
  reasoning?: string;
  reasoning_content?: string;
  tool_calls?: { index: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }[];
}

const plain = sampleRequests((base) => base);
const fieldModel = sampleRequests((base) => `${base}?reasoning=field`);
const legacyModel = sampleRequests((base) => `${base}?reasoning=field-legacy`);

/** The message a client rebuilds from the deltas, as OpenAI documents it. */
function assemble(chunks: Chunk[]): { message: WireMessage; finishReason: string | null; usage: unknown } {
  const message: WireMessage = { content: null };
  let finishReason: string | null = null;
  let usage: unknown;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      const delta = choice.delta as WireDelta;
      if (delta.content) message.content = (message.content ?? '') + delta.content;
      if (delta.reasoning) message.reasoning = (message.reasoning ?? '') + delta.reasoning;
      if (delta.reasoning_content) message.reasoning_content = (message.reasoning_content ?? '') + delta.reasoning_content;
      for (const call of delta.tool_calls ?? []) {
        message.tool_calls ??= [];
        const slot = (message.tool_calls[call.index] ??= { id: '', type: '', function: { name: '', arguments: '' } });
        if (call.id) slot.id = call.id;
        if (call.type) slot.type = call.type;
        if (call.function?.name) slot.function.name += call.function.name;
        if (call.function?.arguments) slot.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  }
  return { message, finishReason, usage };
}

describe.each(TRANSPORTS)('streaming (%s)', (transportName) => {
  let sim: Transport;
  beforeAll(async () => {
    sim = await openTransport(transportName, { seed: 13 });
  });
  afterAll(async () => {
    await sim.close();
  });
  const create = (body: object) => sim.client.chat.completions.create(body as never) as unknown as Promise<OpenAI.Chat.Completions.ChatCompletion>;
  const stream = async (body: object) => {
    const chunks: Chunk[] = [];
    const events = (await sim.client.chat.completions.create({ ...body, stream: true } as never)) as unknown as AsyncIterable<Chunk>;
    for await (const chunk of events) chunks.push(chunk);
    return chunks;
  };

  it('text: role first, the content in several pieces, the finish reason, a usage chunk when asked', async () => {
    const whole = await create(plain.text);
    const chunks = await stream({ ...plain.text, stream_options: { include_usage: true } });
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === whole.id && chunk.model === 'sim-weak')).toBe(true);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
    const { message, finishReason, usage } = assemble(chunks);
    expect(message.content).toBe(messageOf(whole).content);
    expect(finishReason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(usage).toEqual(whole.usage);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');

    const noUsage = await stream(plain.text);
    expect(noUsage.some((chunk) => chunk.usage)).toBe(false);
    expect(assemble(noUsage).message.content).toBe(messageOf(whole).content);
  });

  it('reasoning field shapes: reasoning deltas first, then the answer, matching the unstreamed reply', async () => {
    for (const requests of [fieldModel, legacyModel]) {
      const whole = await create(requests.json);
      const chunks = await stream(requests.json);
      const { message } = assemble(chunks);
      expect(message).toEqual(expect.objectContaining({ content: messageOf(whole).content }));
      expect(message.reasoning).toBe(messageOf(whole).reasoning);
      expect(message.reasoning_content).toBe(messageOf(whole).reasoning_content);
      const kinds = chunks.flatMap((chunk) =>
        Object.entries(chunk.choices[0]?.delta ?? {}).flatMap(([key, value]) => (key !== 'role' && value ? [key] : [])),
      );
      const firstContent = kinds.indexOf('content');
      const reasoningKey = requests === fieldModel ? 'reasoning' : 'reasoning_content';
      expect(kinds.lastIndexOf(reasoningKey)).toBeLessThan(firstContent);
      expect(kinds.filter((kind) => kind === reasoningKey).length).toBeGreaterThan(1);
    }
  });

  it('tool calls: id, type and name first, then the arguments in pieces; finish_reason tool_calls', async () => {
    const tools = { ...plain.tool, messages: [{ role: 'user' as const, content: `Find ${'the meaning of a long phrase, '.repeat(3)}now.` }] };
    const whole = await create(tools);
    const chunks = await stream(tools);
    const calls = chunks.flatMap((chunk) => (chunk.choices[0]?.delta as WireDelta | undefined)?.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: messageOf(whole).tool_calls![0]!.id, type: 'function', function: { name: 'lookup', arguments: '' } });
    expect(calls.slice(1).every((call) => call.id === undefined && call.function?.name === undefined)).toBe(true);
    const { message, finishReason } = assemble(chunks);
    expect(message.tool_calls).toEqual(messageOf(whole).tool_calls);
    expect(finishReason).toBe('tool_calls');
  });

  it('on the wire: text/event-stream, data lines, and data: [DONE] last', async () => {
    const response = await sim.post({ ...plain.text, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text.split('\n\n').filter(Boolean).every((event) => event.startsWith('data: '))).toBe(true);
  });
});

describe.each(TRANSPORTS)('interrupted streams (%s)', (transportName) => {
  it('reset: the client gets the first chunks, then the stream fails; the retry is the clean stream', async () => {
    const sim = await openTransport(transportName, { seed: 13, faults: [{ kind: 'reset', timesPerRequest: 1 }] });
    try {
      const seen: Chunk[] = [];
      const events = (await sim.client.chat.completions.create({ ...plain.text, stream: true })) as AsyncIterable<Chunk>;
      const failure = await (async () => {
        for await (const chunk of events) seen.push(chunk);
      })().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(seen.length).toBeGreaterThan(0);
      const retried = (await sim.client.chat.completions.create({ ...plain.text, stream: true })) as AsyncIterable<Chunk>;
      const clean: Chunk[] = [];
      for await (const chunk of retried) clean.push(chunk);
      expect(clean.slice(0, seen.length)).toEqual(seen);
      expect(clean.length).toBeGreaterThan(seen.length);
    } finally {
      await sim.close();
    }
  });

  it('stall: the first chunks, then nothing until the client aborts', async () => {
    const sim = await openTransport(transportName, { seed: 13, faults: [{ kind: 'stall' }] });
    try {
      const controller = new AbortController();
      const events = (await sim.client.chat.completions.create({ ...plain.text, stream: true }, { signal: controller.signal })) as AsyncIterable<Chunk>;
      const seen: Chunk[] = [];
      const reading = (async () => {
        for await (const chunk of events) {
          seen.push(chunk);
          if (seen.length === 1) setTimeout(() => controller.abort(), 50);
        }
      })();
      // The openai client ends an aborted stream quietly; it must not have ended before the abort.
      await reading.catch(() => undefined);
      expect(controller.signal.aborted).toBe(true);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((chunk) => chunk.choices.every((choice) => choice.finish_reason === null))).toBe(true);
    } finally {
      await sim.close();
    }
  });
});

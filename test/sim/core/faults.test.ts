import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../../src/config/endpoints.ts';
import { createLlm } from '../../../src/llm/create-llm.ts';
import { createSimFetch, parseFaultOption, startSimServer, type FaultSpec, type MalformedShape } from '../../../src/sim/index.ts';
import { genericPersona } from '../../../src/sim/personas/index.ts';
import { chatBody, postJson, textBody, withoutCachedTokens } from './requests.ts';

const base = { seed: 3, personas: [genericPersona] } as const;

async function completion(fetchImpl: typeof fetch, body: unknown) {
  const response = await postJson('sim://local/v1', body, fetchImpl);
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

async function cleanContent(body: unknown): Promise<string> {
  return (await completion(createSimFetch(base), body)).body.choices[0].message.content as string;
}

function faultOnce(spec: FaultSpec): typeof fetch {
  return createSimFetch({ ...base, faults: [{ timesPerRequest: 1, ...spec }] });
}

describe('fault injection', () => {
  it('429: once with retry-after-ms and retry-after headers, then the normal reply', async () => {
    const simFetch = faultOnce({ kind: '429', retryAfterMs: 1500 });
    const first = await completion(simFetch, chatBody(1));
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after-ms')).toBe('1500');
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.body.error.type).toBe('rate_limit_error');
    expect(first.body.error.code).toBe('rate_limit_exceeded');
    const second = await completion(simFetch, chatBody(1));
    expect(second.status).toBe(200);
    expect(second.body.choices[0].message.content).toBe(await cleanContent(chatBody(1)));
  });

  it('500: once, then success', async () => {
    const simFetch = faultOnce({ kind: '500' });
    const first = await completion(simFetch, chatBody(1));
    expect(first.status).toBe(500);
    expect(first.body.error).toEqual({ message: 'The sim failed on purpose (injected fault).', type: 'server_error', param: null, code: 'sim_fault' });
    expect((await completion(simFetch, chatBody(1))).status).toBe(200);
  });

  it('empty: once an empty content, then success', async () => {
    const simFetch = faultOnce({ kind: 'empty' });
    const first = await completion(simFetch, chatBody(1));
    expect(first.status).toBe(200);
    expect(first.body.choices[0].message.content).toBe('');
    expect(first.body.choices[0].finish_reason).toBe('stop');
    expect((await completion(simFetch, chatBody(1))).body.choices[0].message.content).toBe(await cleanContent(chatBody(1)));
  });

  it('truncated: once a prefix with finish_reason length, then success', async () => {
    const clean = await cleanContent(chatBody(1));
    const simFetch = faultOnce({ kind: 'truncated' });
    const first = (await completion(simFetch, chatBody(1))).body.choices[0];
    expect(first.finish_reason).toBe('length');
    expect(first.message.content).toBe(clean.slice(0, Math.floor(clean.length / 2)));
    const second = (await completion(simFetch, chatBody(1))).body.choices[0];
    expect(second.finish_reason).toBe('stop');
    expect(second.message.content).toBe(clean);
  });

  it('malformed: each shape once, then the clean JSON', async () => {
    const clean = await cleanContent(chatBody(1));
    const value = JSON.parse(clean) as { question: string; rubric: { criterion: string; weight: number }[] };
    const expected: Record<MalformedShape, (text: string) => void> = {
      fenced: (text) => expect(text).toBe(`\`\`\`json\n${clean}\n\`\`\``),
      prose: (text) => {
        expect(text.startsWith('Sure, here is the JSON you asked for:\n')).toBe(true);
        expect(text.split('\n')[1]).toBe(clean);
      },
      'trailing-comma': (text) => {
        expect(() => JSON.parse(text)).toThrow();
        expect((text.match(/,\s*[}\]]/g) ?? []).length).toBe(2 + value.rubric.length); // root, rubric array, each item
        expect(JSON.parse(text.replace(/,(\s*[}\]])/g, '$1'))).toEqual(value);
      },
      'string-weights': (text) => {
        const parsed = JSON.parse(text) as typeof value;
        expect(parsed.rubric.map((item) => item.weight)).toEqual(value.rubric.map((item) => `+${item.weight}`));
        expect(parsed.question).toBe(value.question);
      },
      hopeless: (text) => {
        expect(() => JSON.parse(text)).toThrow();
        expect(text).not.toContain('{');
      },
    };
    for (const [shape, check] of Object.entries(expected) as [MalformedShape, (text: string) => void][]) {
      const simFetch = faultOnce({ kind: 'malformed', malformedShape: shape });
      check((await completion(simFetch, chatBody(1))).body.choices[0].message.content);
      expect((await completion(simFetch, chatBody(1))).body.choices[0].message.content).toBe(clean);
    }
  });

  it('hang: the server waits past the client timeout, ends when the client gives up, then succeeds', async () => {
    const server = await startSimServer({ ...base, faults: [{ kind: 'hang', hangMs: 60_000, timesPerRequest: 1 }] });
    try {
      const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'k', maxRetries: 0, timeout: 300 });
      const request = { model: 'sim-agent', seed: 1, messages: [{ role: 'user' as const, content: 'Hello' }] };
      await expect(client.chat.completions.create(request)).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      const retried = await client.chat.completions.create(request);
      expect(retried.choices[0]?.finish_reason).toBe('stop');
      await expect.poll(() => server.stats().byStatus).toEqual({ aborted: 1, '200': 1 });
    } finally {
      await server.close();
    }
  });

  it('hang in process: the fetch rejects with an AbortError when its signal aborts', async () => {
    const simFetch = faultOnce({ kind: 'hang', hangMs: 60_000 });
    const controller = new AbortController();
    const pending = postJson('sim://local/v1', chatBody(1), simFetch, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rate 0.5 faults about half of 200 distinct requests, the same ones for a fixed seed', async () => {
    const faultedIndexes = async (simSeed: number) => {
      const simFetch = createSimFetch({ seed: simSeed, personas: [genericPersona], faults: [{ kind: '500', rate: 0.5 }] });
      const statuses = await Promise.all(Array.from({ length: 200 }, async (_, index) => (await completion(simFetch, textBody(index))).status));
      return statuses.flatMap((status, index) => (status === 500 ? [index] : []));
    };
    const first = await faultedIndexes(3);
    expect(first.length).toBeGreaterThanOrEqual(80);
    expect(first.length).toBeLessThanOrEqual(120);
    expect(await faultedIndexes(3)).toEqual(first);
    expect(await faultedIndexes(4)).not.toEqual(first);
  });

  it('filters faults by model and by schema name', async () => {
    const simFetch = createSimFetch({
      ...base,
      faults: [
        { kind: '500', models: ['sim-strong'] },
        { kind: '429', schemaNames: ['quality_verdict'] },
      ],
    });
    expect((await completion(simFetch, textBody(1))).status).toBe(200);
    expect((await completion(simFetch, textBody(1, { model: 'sim-strong' }))).status).toBe(500);
    expect((await completion(simFetch, chatBody(1))).status).toBe(200);
    const verdictBody = chatBody(1, {
      response_format: { type: 'json_schema', json_schema: { name: 'quality_verdict', schema: { type: 'object' } } },
    });
    expect((await completion(simFetch, verdictBody)).status).toBe(429);
  });
});

describe('interrupted replies: stall and reset', () => {
  const cleanBody = async (body: unknown) => (await postJson('sim://local/v1', body, createSimFetch(base))).text();

  it('stall in process: 200 headers and half the body, then nothing until the signal aborts; then the clean reply', async () => {
    const clean = await cleanBody(chatBody(1));
    const simFetch = faultOnce({ kind: 'stall' });
    const controller = new AbortController();
    const response = await postJson('sim://local/v1', chatBody(1), simFetch, controller.signal);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(clean.slice(0, Math.floor(Buffer.byteLength(clean) / 2)));
    const rest = reader.read();
    setTimeout(() => controller.abort(), 50);
    await expect(rest).rejects.toMatchObject({ name: 'AbortError' });
    // The stalled request left its prompt in the prefix cache, so only the cached-token count differs.
    expect(withoutCachedTokens(await (await postJson('sim://local/v1', chatBody(1), simFetch)).text())).toBe(withoutCachedTokens(clean));
  });

  it('reset in process: half the body, then the stream fails with TypeError: terminated (like undici); then the clean reply', async () => {
    const clean = await cleanBody(chatBody(1));
    const simFetch = faultOnce({ kind: 'reset' });
    const response = await postJson('sim://local/v1', chatBody(1), simFetch);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(clean.slice(0, Math.floor(clean.length / 2)));
    const failed = await reader.read().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(TypeError);
    expect((failed as Error).message).toBe('terminated');
    expect(withoutCachedTokens(await (await postJson('sim://local/v1', chatBody(1), simFetch)).text())).toBe(withoutCachedTokens(clean));
  });

  it.each(['stall', 'reset'] as const)(
    '%s over HTTP and in process: the call path retries and gets the same reply as an unfaulted call',
    async (kind) => {
      const server = await startSimServer({ ...base, faults: [{ kind, timesPerRequest: 1 }] });
      const clean = await startSimServer(base);
      try {
        const request = { role: 'judge' as const, messages: [{ role: 'user' as const, content: 'Is the sky blue?' }], seed: 4 };
        const llmOn = (baseURL: string, simFetch?: typeof fetch) =>
          createLlm({
            endpoints: parseEndpoints({ defaults: { baseURL, model: 'sim-agent', timeoutMs: 300, maxRetries: 1 } }, 'test', {}),
            sleep: async () => {},
            cacheMode: 'off',
            ...(simFetch ? { fetchFor: () => simFetch } : {}),
          });
        const expected = await llmOn(clean.baseURL).text(request);
        const overHttp = await llmOn(server.baseURL).text(request);
        const inProcess = await llmOn('sim://local/v1', createSimFetch({ ...base, faults: [{ kind, timesPerRequest: 1 }] })).text(request);

        for (const result of [overHttp, inProcess]) {
          expect(result.ok).toBe(true);
          expect(result.usage.attempts).toBe(2);
          if (result.ok && expected.ok) expect(result.value).toEqual(expected.value);
        }
        await expect.poll(() => server.stats().byStatus).toEqual({ [kind]: 1, '200': 1 });
      } finally {
        await Promise.all([server.close(), clean.close()]);
      }
    },
  );
});

describe('a role whose every reply is invalid', () => {
  it('malformed/hopeless@SCHEMA spoils that schema on every attempt, the re-ask included, and nothing else', async () => {
    const simFetch = createSimFetch({ ...base, faults: [parseFaultOption('malformed/hopeless:1@test_rubric')] });
    const first = (await completion(simFetch, chatBody(1))).body.choices[0].message.content as string;
    const again = (await completion(simFetch, chatBody(1))).body.choices[0].message.content as string;
    const reask = chatBody(1, {
      messages: [
        ...(chatBody(1).messages as unknown[]),
        { role: 'assistant', content: first },
        { role: 'user', content: 'That reply cannot be used; send the JSON again.' },
      ],
    });
    for (const text of [first, again, (await completion(simFetch, reask)).body.choices[0].message.content as string]) {
      expect(text.startsWith('I am not able')).toBe(true);
    }
    const other = chatBody(1, { response_format: { type: 'json_schema', json_schema: { name: 'other', schema: { type: 'object' } } } });
    expect((await completion(simFetch, other)).body.choices[0].message.content).toBe(await cleanContent(other));
  });
});

describe('latency model', () => {
  it('delays replies by the fixed part plus the per-token part, in process', async () => {
    const simFetch = createSimFetch({ ...base, latency: { models: { 'sim-weak': { fixedMs: 120, msPerOutputToken: 0 } }, otherModels: { fixedMs: 0, msPerOutputToken: 0 } } });
    const started = Date.now();
    expect((await completion(simFetch, textBody(1))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('fault options', () => {
  it('parses KIND[/SHAPE][:RATE][@TARGET,...]: a sim model is a model filter, anything else a schema name', () => {
    expect(parseFaultOption('429')).toEqual({ kind: '429', rate: 1 });
    expect(parseFaultOption('429:0.2')).toEqual({ kind: '429', rate: 0.2 });
    expect(parseFaultOption('500:1@sim-weak')).toEqual({ kind: '500', rate: 1, models: ['sim-weak'] });
    expect(parseFaultOption('reset:0.1@sim-weak,sim-strong')).toEqual({ kind: 'reset', rate: 0.1, models: ['sim-weak', 'sim-strong'] });
    expect(parseFaultOption('stall@rubric_scores')).toEqual({ kind: 'stall', rate: 1, schemaNames: ['rubric_scores'] });
    expect(parseFaultOption('malformed:1@rubric_scores')).toEqual({ kind: 'malformed', rate: 1, schemaNames: ['rubric_scores'] });
    expect(parseFaultOption('malformed/hopeless:1@rubric_scores')).toEqual({
      kind: 'malformed',
      rate: 1,
      malformedShape: 'hopeless',
      schemaNames: ['rubric_scores'],
    });
  });

  it.each([
    ['slow:0.5', 'KIND must be one of 429, 500, hang, stall, reset, malformed, truncated, empty'],
    ['500/hopeless', 'only malformed takes a /SHAPE'],
    ['malformed/ugly', 'SHAPE must be one of fenced, trailing-comma, prose, string-weights, hopeless'],
    ['500:1:2', 'more than one ":"'],
    ['500@', 'a TARGET after "@" is empty'],
    ['500@sim-weak,rubric_scores', 'TARGETs are all models or all schema names, not both'],
  ])('refuses %s, saying why', (text, why) => {
    expect(() => parseFaultOption(text)).toThrow(`--fault: "${text}" is not KIND[/SHAPE][:RATE][@TARGET[,TARGET...]]: ${why}`);
  });

  it('refuses a rate outside 0..1', () => {
    expect(() => parseFaultOption('429:2@sim-weak')).toThrow('--fault: rate "2" in "429:2@sim-weak" must be a number from 0 to 1');
    expect(() => parseFaultOption('429:')).toThrow('--fault: rate "" in "429:" must be a number from 0 to 1');
  });

  it('refuses an invalid fault spec at creation, naming the field', () => {
    expect(() => createSimFetch({ seed: 1, faults: [{ kind: '500' }, { kind: '429', rate: 1.5 }] })).toThrow(
      'sim.faults[1].rate: 1.5 must be a number from 0 to 1',
    );
  });
});

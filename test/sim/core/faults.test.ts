import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createSimFetch, startSimServer, type FaultSpec, type MalformedShape } from '../../../src/sim/index.ts';
import { genericPersona } from '../../../src/sim/personas/index.ts';
import { chatBody, postJson, textBody } from './requests.ts';

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

describe('latency model', () => {
  it('delays replies by the fixed part plus the per-token part, in process', async () => {
    const simFetch = createSimFetch({ ...base, latency: { models: { 'sim-weak': { fixedMs: 120, msPerOutputToken: 0 } }, otherModels: { fixedMs: 0, msPerOutputToken: 0 } } });
    const started = Date.now();
    expect((await completion(simFetch, textBody(1))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('fault options', () => {
  it('refuses an invalid fault spec at creation, naming the field', () => {
    expect(() => createSimFetch({ seed: 1, faults: [{ kind: '500' }, { kind: '429', rate: 1.5 }] })).toThrow(
      'sim.faults[1].rate: 1.5 must be a number from 0 to 1',
    );
  });
});

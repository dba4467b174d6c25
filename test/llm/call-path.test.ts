// The call path against the sim over real HTTP: retries, timeouts, repair, re-ask, truncation, empty.
import { afterEach, describe, expect, it } from 'vitest';
import { createLlm } from '../../src/llm/create-llm.ts';
import { startSimServer, type FaultSpec, type SimServer } from '../../src/sim/index.ts';
import { endpointsOn, recordingSleep, userMessage, verdictSchema } from './helpers.ts';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function sim(faults: FaultSpec[] = []): Promise<SimServer> {
  const server = await startSimServer({ seed: 11, faults });
  servers.push(server);
  return server;
}

const question = userMessage('Is the sky blue on a clear day? Answer with a verdict.');

describe('retries (one layer: ours)', () => {
  it('retries a 429 once after exactly the server retry-after, and the server sees exactly 2 requests', async () => {
    const server = await sim([{ kind: '429', timesPerRequest: 1, retryAfterMs: 40 }]);
    const { sleep, waits } = recordingSleep();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { maxRetries: 3 }), sleep, cacheMode: 'off' });

    const result = await llm.text({ role: 'judge', messages: question, seed: 5 });

    expect(result.ok).toBe(true);
    expect(result.usage.attempts).toBe(2);
    expect(waits).toEqual([40]);
    expect(server.stats().requests).toBe(2);
    expect(server.stats().byStatus).toEqual({ '200': 1, '429': 1 });
  });

  it('gives up on persistent 500s after maxRetries + 1 requests with a transport failure', async () => {
    const server = await sim([{ kind: '500' }]);
    const { sleep, waits } = recordingSleep();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { maxRetries: 2 }), sleep, cacheMode: 'off' });

    const result = await llm.text({ role: 'challenger', messages: question, seed: 5 });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe('transport');
    expect(result.failure.message.startsWith(`challenger: HTTP 500 from ${server.baseURL} (sim-agent)`)).toBe(true);
    expect(result.failure.message.endsWith('(gave up after 3 attempt(s))')).toBe(true);
    expect(result.usage.attempts).toBe(3);
    expect(waits).toHaveLength(2);
    expect(server.stats().requests).toBe(3);
  });

  it('backs off from the endpoint\'s retryBaseDelayMs, doubling each retry (jittered to 50-100%)', async () => {
    const server = await sim([{ kind: '500', timesPerRequest: 3 }]);
    const { sleep, waits } = recordingSleep();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { maxRetries: 3, retryBaseDelayMs: 40 }), sleep, cacheMode: 'off' });

    const result = await llm.text({ role: 'judge', messages: question, seed: 5 });

    expect(result.ok).toBe(true);
    expect(waits).toHaveLength(3);
    [40, 80, 160].forEach((base, index) => {
      expect(waits[index]).toBeGreaterThanOrEqual(base / 2);
      expect(waits[index]).toBeLessThanOrEqual(base);
    });
  });

  it('treats a hang past the timeout as a retryable timeout', async () => {
    const server = await sim([{ kind: 'hang', hangMs: 10_000, timesPerRequest: 1 }]);
    const { sleep, waits } = recordingSleep();
    const lines: string[] = [];
    const llm = createLlm({
      endpoints: endpointsOn(server.baseURL, { timeoutMs: 300, maxRetries: 1 }),
      sleep,
      log: (line) => lines.push(line),
      cacheMode: 'off',
    });

    const result = await llm.text({ role: 'judge', messages: question, seed: 5 });

    expect(result.ok).toBe(true);
    expect(result.usage.attempts).toBe(2);
    expect(waits).toHaveLength(1);
    expect(lines).toEqual([
      `llm endpoint ${server.baseURL} (sim-agent): concurrency 4 -> 2 (pushed-back)`,
      `llm judge: timed out after 300 ms waiting for ${server.baseURL} (sim-agent); retry 1/1 in ${waits[0]} ms`,
    ]);
    expect(server.stats().requests).toBe(2);
  });

  it('reports a timeout that never clears as a transport failure', async () => {
    const server = await sim([{ kind: 'hang', hangMs: 10_000 }]);
    const { sleep } = recordingSleep();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { timeoutMs: 200, maxRetries: 1 }), sleep, cacheMode: 'off' });

    const result = await llm.text({ role: 'judge', messages: question, seed: 5 });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toEqual({
      kind: 'transport',
      message: `judge: timed out after 200 ms waiting for ${server.baseURL} (sim-agent) (gave up after 2 attempt(s))`,
    });
  });
});

describe('structured output: repair, one re-ask, invalid-output', () => {
  it.each(['fenced', 'trailing-comma', 'prose'] as const)('repairs %s JSON without a re-ask', async (shape) => {
    const clean = await sim();
    const faulty = await sim([{ kind: 'malformed', malformedShape: shape }]);
    const request = { role: 'judge' as const, schemaName: 'test_verdict', schema: verdictSchema, messages: question, seed: 9 };

    const expected = await createLlm({ endpoints: endpointsOn(clean.baseURL), cacheMode: 'off' }).structured(request);
    const result = await createLlm({ endpoints: endpointsOn(faulty.baseURL), cacheMode: 'off' }).structured(request);

    expect(expected.ok).toBe(true);
    expect(result.ok).toBe(true);
    if (!result.ok || !expected.ok) return;
    expect(result.value).toEqual(expected.value);
    expect(result.usage.reasked).toBe(false);
    expect(result.usage.attempts).toBe(1);
    expect(faulty.stats().requests).toBe(1);
  });

  it('re-asks hopeless output exactly once, quoting the issues, then fails with invalid-output', async () => {
    const server = await sim([{ kind: 'malformed', malformedShape: 'hopeless' }]);
    const bodies: Array<{ messages: Array<{ role: string; content: string }> }> = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    };
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), fetchFor: () => recordingFetch, cacheMode: 'off' });

    const result = await llm.structured({ role: 'judge', schemaName: 'test_verdict', schema: verdictSchema, messages: question, seed: 9 });

    expect(server.stats().requests).toBe(2);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe('invalid-output');
    expect(result.failure.issues).toEqual(['the reply contains no JSON object or array']);
    expect(result.failure.message).toBe(
      'judge: test_verdict reply does not match the schema after one re-ask (the reply contains no JSON object or array)',
    );
    expect(result.usage).toMatchObject({ reasked: true, attempts: 2, cacheHit: false });
    const hopeless = result.failure.rawText ?? '';
    expect(hopeless.startsWith('I am not able')).toBe(true);
    const reask = bodies[1]!.messages;
    expect(reask).toHaveLength(3);
    expect(reask[1]).toEqual({ role: 'assistant', content: hopeless });
    expect(reask[2]!.role).toBe('user');
    expect(reask[2]!.content).toContain('- the reply contains no JSON object or array');
  });

  it('counts a reply fixed by the re-ask as a success with reasked: true', async () => {
    const server = await sim();
    // Spoil only the first reply on the wire; the re-ask then gets the sim's valid answer.
    let replies = 0;
    const spoilFirstReply: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (replies++ > 0) return response;
      const envelope = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      envelope.choices[0]!.message.content = '{"correct": "maybe"}';
      return new Response(JSON.stringify(envelope), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), fetchFor: () => spoilFirstReply, cacheMode: 'off' });

    const result = await llm.structured({ role: 'judge', schemaName: 'test_verdict', schema: verdictSchema, messages: question, seed: 3 });

    expect(result.ok).toBe(true);
    expect(result.usage).toMatchObject({ reasked: true, attempts: 2, cacheHit: false });
    expect(server.stats().requests).toBe(2);
  });
});

describe('incomplete replies', () => {
  it('detects truncation (finish_reason length) in text and structured calls', async () => {
    const server = await sim([{ kind: 'truncated' }]);
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { maxTokens: 64 }), cacheMode: 'off' });

    const text = await llm.text({ role: 'weakSolver', messages: question, seed: 2 });
    const structured = await llm.structured({ role: 'judge', schemaName: 'test_verdict', schema: verdictSchema, messages: question, seed: 2 });

    expect(text.ok).toBe(false);
    expect(structured.ok).toBe(false);
    if (text.ok || structured.ok) return;
    expect(text.failure.kind).toBe('truncated');
    expect(text.failure.message).toBe(
      'weakSolver: reply cut off at the token limit (maxTokens 64); raise maxTokens for this role or ask for less',
    );
    expect(structured.failure.kind).toBe('truncated');
    expect(structured.usage.reasked).toBe(false);
    expect(server.stats().requests).toBe(2);
  });

  it('detects an empty reply with no tool call', async () => {
    const server = await sim([{ kind: 'empty' }]);
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), cacheMode: 'off' });

    const result = await llm.text({ role: 'strongSolver', messages: question, seed: 2 });

    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'empty', message: 'strongSolver: the model returned no content and no tool call', rawText: '' },
    });
    expect(result.usage.attempts).toBe(1);
  });

  it('passes the seed and the sampling parameters through to the endpoint', async () => {
    const server = await sim();
    const bodies: Array<Record<string, unknown>> = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    };
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { temperature: 0.3, maxTokens: 99 }), fetchFor: () => recordingFetch });

    const result = await llm.text({ role: 'weakSolver', messages: question, seed: 1234, temperature: 1 });

    expect(result.ok).toBe(true);
    expect(bodies[0]).toMatchObject({ model: 'sim-agent', seed: 1234, temperature: 1, max_tokens: 99 });
  });
});

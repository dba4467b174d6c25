// The call cache in a real run store: hits, misses, what is never cached, seeds, coalescing, the call log.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../src/config/endpoints.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { startSimServer, type FaultSpec, type SimServer } from '../../src/sim/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { endpointsOn, recordingSleep, tempDir, userMessage, verdictSchema } from './helpers.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setUp(faults: FaultSpec[] = []): Promise<{ server: SimServer; store: Store }> {
  const server = await startSimServer({ seed: 4, faults });
  cleanup.push(() => server.close());
  const store = openStore(path.join(tempDir(), 'run.sqlite'));
  cleanup.push(() => store.close());
  return { server, store };
}

const request = {
  role: 'judge' as const,
  schemaName: 'test_verdict',
  schema: verdictSchema,
  messages: userMessage('Is water wet? Give a verdict.'),
  seed: 21,
};

describe('call cache', () => {
  it('answers a second identical call from the cache: no new request, cacheHit true, same value', async () => {
    const { server, store } = await setUp();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), store });

    const first = await llm.structured(request);
    const second = await llm.structured(request);

    expect(server.stats().requests).toBe(1);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.value).toEqual(first.value);
    expect(first.usage).toMatchObject({ cacheHit: false, attempts: 1 });
    expect(second.usage).toMatchObject({ cacheHit: true, attempts: 0, promptTokens: 0, completionTokens: 0 });
    expect(llm.usageByRole().judge).toMatchObject({ calls: 2, cacheHits: 1, failures: 0 });
  });

  it('persists across processes, and replay-only turns a miss into a cache-miss failure without a request', async () => {
    const { server, store } = await setUp();
    await createLlm({ endpoints: endpointsOn(server.baseURL), store }).structured(request);
    const replay = createLlm({ endpoints: endpointsOn(server.baseURL), store, cacheMode: 'replay-only' });

    const hit = await replay.structured(request);
    const miss = await replay.structured({ ...request, seed: 22 });

    expect(hit.ok).toBe(true);
    expect(hit.usage.cacheHit).toBe(true);
    expect(miss).toMatchObject({ ok: false, failure: { kind: 'cache-miss' }, usage: { attempts: 0, cacheHit: false } });
    expect(server.stats().requests).toBe(1);
  });

  it('never caches a transport failure', async () => {
    const { server, store } = await setUp([{ kind: '500' }]);
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { maxRetries: 1 }), store, sleep: recordingSleep().sleep });

    const first = await llm.structured(request);
    const second = await llm.structured(request);

    expect(first.ok || second.ok).toBe(false);
    expect(second.usage).toMatchObject({ cacheHit: false, attempts: 2 });
    expect(server.stats().requests).toBe(4);
    expect(store.db.prepare('SELECT count(*) AS n FROM llm_call_cache').get()).toEqual({ n: 0 });
  });

  it('never caches a truncated reply: the next identical call goes to the server again', async () => {
    const { server, store } = await setUp([{ kind: 'truncated', timesPerRequest: 1 }]);
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), store });

    const first = await llm.text({ role: 'weakSolver', messages: request.messages, seed: 1 });
    const second = await llm.text({ role: 'weakSolver', messages: request.messages, seed: 1 });

    expect(first).toMatchObject({ ok: false, failure: { kind: 'truncated' } });
    expect(second).toMatchObject({ ok: true, usage: { cacheHit: false, attempts: 1 } });
    expect(server.stats().requests).toBe(2);
  });

  it('never caches an invalid reply', async () => {
    const { server, store } = await setUp([{ kind: 'malformed', malformedShape: 'hopeless' }]);
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), store });

    await llm.structured(request);
    const second = await llm.structured(request);

    expect(second).toMatchObject({ ok: false, failure: { kind: 'invalid-output' }, usage: { cacheHit: false, attempts: 2 } });
    expect(server.stats().requests).toBe(4);
  });

  it('keeps two different seeds apart', async () => {
    const { server, store } = await setUp();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), store });

    const first = await llm.text({ role: 'strongSolver', messages: request.messages, seed: 1 });
    const second = await llm.text({ role: 'strongSolver', messages: request.messages, seed: 2 });

    expect(first.usage.cacheHit).toBe(false);
    expect(second.usage.cacheHit).toBe(false);
    expect(server.stats().requests).toBe(2);
    expect(store.db.prepare('SELECT count(*) AS n FROM llm_call_cache').get()).toEqual({ n: 2 });
  });

  it('coalesces two identical calls in flight into one request', async () => {
    const { server, store } = await setUp();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), store });

    const [first, second] = await Promise.all([llm.structured(request), llm.structured(request)]);

    expect(server.stats().requests).toBe(1);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.value).toEqual(first.value);
    expect([first.usage.attempts, second.usage.attempts]).toEqual([1, 0]);
    expect([first.usage.cacheHit, second.usage.cacheHit]).toEqual([false, true]);
  });

  it('in mode off neither reads nor writes the cache', async () => {
    const { server, store } = await setUp();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL), store, cacheMode: 'off' });

    await llm.structured(request);
    const second = await llm.structured(request);

    expect(second.usage.cacheHit).toBe(false);
    expect(server.stats().requests).toBe(2);
    expect(store.db.prepare('SELECT count(*) AS n FROM llm_call_cache').get()).toEqual({ n: 0 });
  });

  it('logs every call in llm_call_log with role, endpoint, tokens, attempts, cache hit and outcome', async () => {
    const { server, store } = await setUp([{ kind: 'empty', models: ['sim-weak'] }]);
    const endpoints = parseEndpoints(
      { defaults: { baseURL: server.baseURL, model: 'sim-agent' }, weakSolver: { model: 'sim-weak' } },
      'test endpoints',
      {},
    );
    const llm = createLlm({ endpoints, store, clock: () => Date.parse('2026-01-02T03:04:05.000Z') });

    await llm.structured(request);
    await llm.structured(request);
    await llm.text({ role: 'weakSolver', messages: request.messages, seed: 3 });

    const rows = store.db
      .prepare(
        `SELECT role, endpoint_id AS endpointId, model, schema_name AS schemaName, seed, cache_hit AS cacheHit,
                attempts, reasked, outcome, error, latency_ms AS latencyMs, created_at AS createdAt,
                prompt_tokens > 0 AS hasPromptTokens
         FROM llm_call_log ORDER BY id`,
      )
      .all();
    expect(rows).toEqual([
      {
        role: 'judge', endpointId: endpoints.roles.judge.id, model: 'sim-agent', schemaName: 'test_verdict', seed: 21,
        cacheHit: 0, attempts: 1, reasked: 0, outcome: 'ok', error: null, latencyMs: 0,
        createdAt: '2026-01-02T03:04:05.000Z', hasPromptTokens: 1,
      },
      {
        role: 'judge', endpointId: endpoints.roles.judge.id, model: 'sim-agent', schemaName: 'test_verdict', seed: 21,
        cacheHit: 1, attempts: 0, reasked: 0, outcome: 'ok', error: null, latencyMs: 0,
        createdAt: '2026-01-02T03:04:05.000Z', hasPromptTokens: 0,
      },
      {
        role: 'weakSolver', endpointId: endpoints.roles.weakSolver.id, model: 'sim-weak', schemaName: null, seed: 3,
        cacheHit: 0, attempts: 1, reasked: 0, outcome: 'empty',
        error: 'weakSolver: the model returned no content and no tool call', latencyMs: 0,
        createdAt: '2026-01-02T03:04:05.000Z', hasPromptTokens: 1,
      },
    ]);
  });
});

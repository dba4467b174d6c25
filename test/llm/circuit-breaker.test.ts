// The circuit breaker: an endpoint that keeps failing, is out of quota or refuses the key stops the
// run with EndpointUnavailable instead of turning every later call into a scored failure.
// Also: the retry count in usage.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../src/config/endpoints.ts';
import { EndpointUnavailable, RunHalted } from '../../src/errors.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { startSimServer, type FaultSpec, type SimServer } from '../../src/sim/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import {
  answer,
  closeScriptedServers,
  endpointsOn,
  errorReply,
  recordingSleep,
  scripted,
  tempDir,
  userMessage,
  verdictSchema,
} from './helpers.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await closeScriptedServers();
});

async function sim(faults: FaultSpec[] = []): Promise<SimServer> {
  const server = await startSimServer({ seed: 5, faults });
  cleanup.push(() => server.close());
  return server;
}

function store(): Store {
  const opened = openStore(path.join(tempDir(), 'run.sqlite'));
  cleanup.push(() => opened.close());
  return opened;
}

/** Structured calls named `broken` get a 500; everything else succeeds. */
const brokenSchema = [{ kind: '500', schemaNames: ['broken'] }] satisfies FaultSpec[];
const broken = (seed: number, role: 'judge' | 'challenger' = 'judge') =>
  ({ role, schemaName: 'broken', schema: verdictSchema, messages: userMessage(`Question ${seed}?`), seed }) as const;
const fine = (seed: number) => ({ role: 'judge' as const, messages: userMessage(`Fine question ${seed}?`), seed });

async function rejection(promise: Promise<unknown>): Promise<EndpointUnavailable> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(EndpointUnavailable);
  expect(caught).toBeInstanceOf(RunHalted);
  return caught as EndpointUnavailable;
}

describe('consecutive failures', () => {
  it('throws EndpointUnavailable on the Nth failed call in a row, then on every later call without a request', async () => {
    const server = await sim(brokenSchema);
    const runStore = store();
    const llm = createLlm({
      endpoints: endpointsOn(server.baseURL, { maxRetries: 0, maxConsecutiveFailures: 3 }),
      store: runStore,
      cacheMode: 'off',
    });

    for (const seed of [1, 2]) expect((await llm.structured(broken(seed))).ok).toBe(false);
    const error = await rejection(llm.structured(broken(3)));

    expect(error.role).toBe('judge');
    expect(error.endpoint).toBe(`${server.baseURL} (sim-agent)`);
    expect(error.message.split(', then ')[0]).toBe(
      `the judge endpoint ${server.baseURL} (sim-agent) failed 3 calls in a row (last error: judge: HTTP 500 from ${server.baseURL} (sim-agent): The sim failed on purpose (injected fault). (gave up after 1 attempt(s))); check it with \`autodata doctor\``,
    );
    expect(server.stats().requests).toBe(3);
    // The call that opened the breaker is in the call log and in usage before the throw.
    const rows = runStore.db.prepare('SELECT outcome FROM llm_call_log').all() as Array<{ outcome: string }>;
    expect(rows.map((row) => row.outcome)).toEqual(['transport', 'transport', 'transport']);
    expect(llm.usageByRole().judge).toMatchObject({ calls: 3, failures: 3 });

    // Open: even a call that would succeed throws, and nothing more goes over the wire.
    const later = await rejection(llm.text(fine(4)));
    expect(later.role).toBe('judge');
    const otherRole = await rejection(llm.text({ ...fine(5), role: 'analyzer' }));
    expect(otherRole.message.startsWith(`the analyzer endpoint ${server.baseURL} (sim-agent) failed 3 calls in a row`)).toBe(true);
    expect(server.stats().requests).toBe(3);
    expect(runStore.db.prepare('SELECT count(*) AS n FROM llm_call_log').get()).toEqual({ n: 3 });
  });

  it('a success resets the count; roles sharing an endpoint share it; another endpoint is unaffected', async () => {
    const server = await sim(brokenSchema);
    const endpoints = parseEndpoints(
      {
        defaults: { baseURL: server.baseURL, model: 'sim-agent', maxRetries: 0, maxConsecutiveFailures: 3 },
        weakSolver: { model: 'sim-weak' },
      },
      'test endpoints',
      {},
    );
    const llm = createLlm({ endpoints, cacheMode: 'off' });

    expect((await llm.structured(broken(1))).ok).toBe(false);
    expect((await llm.structured(broken(2))).ok).toBe(false);
    expect((await llm.text(fine(3))).ok).toBe(true);
    expect((await llm.structured(broken(4, 'challenger'))).ok).toBe(false);
    expect((await llm.structured(broken(5))).ok).toBe(false);
    // The third failure in a row, on a different role of the same endpoint.
    await rejection(llm.structured(broken(6, 'challenger')));

    const weak = await llm.text({ role: 'weakSolver', messages: userMessage('Still there?'), seed: 1 });
    expect(weak.ok).toBe(true);
  });

  it('counts invalid output, but not cache misses in replay-only mode', async () => {
    const server = await sim([{ kind: 'malformed', malformedShape: 'hopeless' }]);
    const runStore = store();
    const endpoints = endpointsOn(server.baseURL, { maxRetries: 0, maxConsecutiveFailures: 2 });
    const replay = createLlm({ endpoints, store: runStore, cacheMode: 'replay-only' });
    for (const seed of [1, 2, 3]) {
      const result = await replay.structured({ ...broken(seed), schemaName: 'verdict' });
      expect(result.ok ? undefined : result.failure.kind).toBe('cache-miss');
    }

    const llm = createLlm({ endpoints, store: runStore });
    expect((await llm.structured({ ...broken(1), schemaName: 'verdict' })).ok).toBe(false);
    const error = await rejection(llm.structured({ ...broken(2), schemaName: 'verdict' }));
    expect(error.message).toContain('failed 2 calls in a row (last error: judge: verdict reply does not match the schema after one re-ask');
  });
});

describe('errors that never heal', () => {
  it('an exhausted quota stops at the first call: one request, no retry, no back-off', async () => {
    const server = await scripted((_request, _incoming, outgoing) =>
      errorReply(outgoing, 429, {
        message: 'You exceeded your current quota, please check your plan and billing details.',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      }),
    );
    const runStore = store();
    const lines: string[] = [];
    const { sleep, waits } = recordingSleep();
    const llm = createLlm({
      endpoints: endpointsOn(server.baseURL, { maxRetries: 4 }),
      store: runStore,
      sleep,
      log: (line) => lines.push(line),
      cacheMode: 'off',
    });

    const error = await rejection(llm.text(fine(1)));

    expect(error.message.split(', then ')[0]).toBe(
      `the judge endpoint ${server.baseURL} (sim-agent) is out of quota (last error: judge: HTTP 429 from ${server.baseURL} (sim-agent): You exceeded your current quota, please check your plan and billing details. (gave up after 1 attempt(s))); check it with \`autodata doctor\``,
    );
    expect(server.requests()).toBe(1);
    expect(waits).toEqual([]);
    expect(lines).toEqual([]);
    expect(runStore.db.prepare('SELECT outcome, attempts FROM llm_call_log').all()).toEqual([{ outcome: 'transport', attempts: 1 }]);
    await rejection(llm.text(fine(2)));
    expect(server.requests()).toBe(1);
  });

  it('a refused key stops at the first call, and the key never appears in the error', async () => {
    const key = 'sk-live-0123456789abcdefXYZ';
    const server = await scripted((_request, _incoming, outgoing) =>
      errorReply(outgoing, 401, { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', code: 'invalid_api_key' }),
    );
    const llm = createLlm({
      endpoints: endpointsOn(server.baseURL, { apiKeyEnv: 'TEST_KEY' }, { TEST_KEY: key }),
      cacheMode: 'off',
    });

    const error = await rejection(llm.text(fine(1)));

    expect(error.message).toContain(`the judge endpoint ${server.baseURL} (sim-agent) refuses the API key (last error: judge: HTTP 401`);
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain('0123456789');
    expect(server.requests()).toBe(1);
  });

  it('a call waiting to retry when the breaker opens sends nothing more and throws too', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // One endpoint: its first request gets a 500 (that call then waits to retry), every later one a spent quota.
    let requests = 0;
    const shared = await scripted((_request, _incoming, outgoing) => {
      requests++;
      if (requests === 1) return errorReply(outgoing, 500, { message: 'busy', type: 'server_error' });
      return errorReply(outgoing, 429, { message: 'quota gone', type: 'insufficient_quota', code: 'insufficient_quota' });
    });
    const sleep = async () => gate;
    const llm = createLlm({ endpoints: endpointsOn(shared.baseURL, { maxRetries: 3 }), sleep, cacheMode: 'off' });

    const retrying = rejection(llm.text(fine(1))); // 500, then waits in `sleep`
    await expect.poll(() => shared.requests()).toBe(1);
    await rejection(llm.text(fine(2))); // the quota error opens the breaker
    release();
    const error = await retrying;

    expect(error.message).toContain('is out of quota');
    expect(shared.requests()).toBe(2);
  });
});

describe('retries in usage', () => {
  it('counts wire requests that repeated a failed attempt, per role; a re-ask is not a retry', async () => {
    const server = await sim([
      { kind: '429', timesPerRequest: 2, retryAfterMs: 1, models: ['sim-weak'] },
      { kind: 'malformed', malformedShape: 'hopeless', schemaNames: ['hopeless_case'] },
    ]);
    const endpoints = parseEndpoints(
      { defaults: { baseURL: server.baseURL, model: 'sim-agent', maxRetries: 3 }, weakSolver: { model: 'sim-weak' } },
      'test endpoints',
      {},
    );
    const { sleep } = recordingSleep();
    const llm = createLlm({ endpoints, sleep, cacheMode: 'off' });

    const weak = await llm.text({ role: 'weakSolver', messages: userMessage('Retry me.'), seed: 1 });
    const reasked = await llm.structured({ ...broken(1), schemaName: 'hopeless_case' });

    expect(weak.ok).toBe(true);
    expect(weak.usage.attempts).toBe(3);
    expect(reasked.usage).toMatchObject({ attempts: 2, reasked: true });
    expect(llm.usageByRole().weakSolver.retries).toBe(2);
    expect(llm.usageByRole().judge.retries).toBe(0);
  });
});

// Concurrency is limited per server and API key, not per model: a server counts a key's requests
// whatever model they name.
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../src/config/endpoints.ts';
import { createLlm, createLimiterRegistry } from '../../src/llm/create-llm.ts';
import type { Role } from '../../src/llm/types.ts';
import { startSimServer, type SimServer } from '../../src/sim/index.ts';
import { userMessage } from './helpers.ts';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Every request takes ~25 ms at the server, so concurrent calls really overlap. */
async function slowSim(): Promise<SimServer> {
  const server = await startSimServer({ seed: 3, latency: { models: {}, otherModels: { fixedMs: 25, msPerOutputToken: 0 } } });
  servers.push(server);
  return server;
}

const say = (role: Role, seed: number) => ({ role, messages: userMessage('Say something.'), seed });

describe('limits per server and API key', () => {
  it('makes two models on one server (one written with a trailing slash) share the smallest concurrency', async () => {
    const server = await slowSim();
    const endpoints = parseEndpoints(
      {
        defaults: { baseURL: server.baseURL, model: 'sim-agent', concurrency: 6, timeoutMs: 5000 },
        weakSolver: { baseURL: `${server.baseURL}/`, model: 'sim-weak', concurrency: 2 },
        strongSolver: { model: 'sim-strong', concurrency: 3 },
      },
      'test endpoints',
      {},
    );
    const llm = createLlm({ endpoints, cacheMode: 'off' });

    const results = await Promise.all(
      Array.from({ length: 12 }, (_, seed) => llm.text(say((['weakSolver', 'strongSolver', 'judge'] as const)[seed % 3]!, seed))),
    );

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.stats().requests).toBe(12);
    expect(server.stats().maxInFlight).toBe(2);
  });

  it('gives two API keys on one server a limit each', async () => {
    const server = await slowSim();
    const endpoints = parseEndpoints(
      {
        defaults: { baseURL: server.baseURL, model: 'sim-agent', concurrency: 2, timeoutMs: 5000, apiKeyEnv: 'KEY_A' },
        weakSolver: { model: 'sim-weak', apiKeyEnv: 'KEY_B' },
      },
      'test endpoints',
      { KEY_A: 'sk-test-aaaaaaaa', KEY_B: 'sk-test-bbbbbbbb' },
    );
    const llm = createLlm({ endpoints, cacheMode: 'off' });

    await Promise.all(Array.from({ length: 12 }, (_, seed) => llm.text(say(seed % 2 === 0 ? 'weakSolver' : 'judge', seed))));

    expect(server.stats().maxInFlight).toBe(4);
  });

  it('shares one server limit between the runs of a process (a registry), whatever models each run uses', async () => {
    const server = await slowSim();
    const registry = createLimiterRegistry();
    const endpointsFor = (model: string) =>
      parseEndpoints({ defaults: { baseURL: server.baseURL, model, concurrency: 3, timeoutMs: 5000 } }, 'test endpoints', {});
    const first = createLlm({ endpoints: endpointsFor('sim-weak'), cacheMode: 'off', limiterRegistry: registry });
    const second = createLlm({ endpoints: endpointsFor('sim-strong'), cacheMode: 'off', limiterRegistry: registry });

    await Promise.all(Array.from({ length: 12 }, (_, seed) => (seed % 2 === 0 ? first : second).text(say('judge', seed))));

    expect(server.stats().maxInFlight).toBe(3);
  });
});

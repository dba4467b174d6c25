// Per-endpoint concurrency: never above the limit, halves on push-back, recovers after successes.
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaptiveLimiter, type LimiterSlot } from '../../src/llm/adaptive-limiter.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { startSimServer, type SimServer } from '../../src/sim/index.ts';
import { endpointsOn, recordingSleep, userMessage } from './helpers.ts';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Every request takes ~25 ms at the server, so concurrent calls really overlap. */
async function slowSim(faults: Parameters<typeof startSimServer>[0]['faults'] = []): Promise<SimServer> {
  const server = await startSimServer({
    seed: 2,
    faults,
    latency: { models: {}, otherModels: { fixedMs: 25, msPerOutputToken: 0 } },
  });
  servers.push(server);
  return server;
}

describe('createAdaptiveLimiter', () => {
  it('holds the fifth caller until a slot is released', async () => {
    const limiter = createAdaptiveLimiter({ maxConcurrency: 4 });
    const slots = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire()));
    let fifth: LimiterSlot | undefined;
    const waiting = limiter.acquire().then((slot) => (fifth = slot));

    await Promise.resolve();
    expect(fifth).toBeUndefined();
    expect(limiter.inFlight()).toBe(4);
    slots[0]!.release();
    await waiting;
    expect(fifth).toBeDefined();
    expect(limiter.inFlight()).toBe(4);
  });

  it('halves once per congestion event, then grows by one after N successes up to the maximum', async () => {
    const changes: string[] = [];
    const limiter = createAdaptiveLimiter({
      maxConcurrency: 4,
      increaseAfterSuccesses: 2,
      onLimitChange: (from, to, why) => changes.push(`${from}->${to} ${why}`),
    });
    const wave = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire()));
    for (const slot of wave) slot.pushedBack(); // four 429s from one wave: one decrease
    for (const slot of wave) slot.release();
    expect(limiter.limit()).toBe(2);

    const next = await limiter.acquire();
    next.pushedBack(); // a request sent after the decrease: a new congestion event
    next.release();
    expect(limiter.limit()).toBe(1);

    for (let index = 0; index < 6; index++) {
      const slot = await limiter.acquire();
      slot.succeeded();
      slot.release();
    }
    expect(limiter.limit()).toBe(4);
    expect(changes).toEqual(['4->2 pushed-back', '2->1 pushed-back', '1->2 recovered', '2->3 recovered', '3->4 recovered']);
  });
});

describe('adaptive concurrency on the call path', () => {
  it('never has more requests in flight at the server than the endpoint concurrency', async () => {
    const server = await slowSim();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { concurrency: 3 }), cacheMode: 'off' });

    const results = await Promise.all(
      Array.from({ length: 12 }, (_, seed) => llm.text({ role: 'weakSolver', messages: userMessage('Say something.'), seed })),
    );

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.stats().requests).toBe(12);
    expect(server.stats().maxInFlight).toBe(3);
  });

  it('shares one limit between roles on the same endpoint', async () => {
    const server = await slowSim();
    const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { concurrency: 2 }), cacheMode: 'off' });

    await Promise.all(
      Array.from({ length: 8 }, (_, seed) =>
        llm.text({ role: seed % 2 === 0 ? 'judge' : 'challenger', messages: userMessage('Say something.'), seed }),
      ),
    );

    expect(server.stats().maxInFlight).toBe(2);
  });

  it('shrinks after 429s and then keeps in-flight requests under the reduced limit', async () => {
    const server = await slowSim([{ kind: '429', timesPerRequest: 1, retryAfterMs: 5 }]);
    const lines: string[] = [];
    let inFlight = 0;
    let maxInFlightAfterShrink = 0;
    let shrunk = false;
    const countingFetch: typeof fetch = async (input, init) => {
      inFlight++;
      if (shrunk) maxInFlightAfterShrink = Math.max(maxInFlightAfterShrink, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const llm = createLlm({
      endpoints: endpointsOn(server.baseURL, { concurrency: 4, maxRetries: 3 }),
      fetchFor: () => countingFetch,
      sleep: recordingSleep().sleep,
      cacheMode: 'off',
      increaseAfterSuccesses: 100,
      log: (line) => {
        lines.push(line);
        if (line.includes('pushed-back')) shrunk = true;
      },
    });

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, seed) => llm.text({ role: 'judge', messages: userMessage('Say something.'), seed })),
    );

    expect(results.every((result) => result.ok)).toBe(true);
    const limitLines = lines.filter((line) => line.includes('concurrency'));
    expect(limitLines[0]).toBe(`llm endpoint ${server.baseURL} (sim-agent): concurrency 4 -> 2 (pushed-back)`);
    // Measured when each later request starts (requests already on the wire may still finish).
    expect(maxInFlightAfterShrink).toBeGreaterThan(0);
    expect(maxInFlightAfterShrink).toBeLessThanOrEqual(2);
    expect(server.stats().maxInFlight).toBeLessThanOrEqual(4);
  });
});

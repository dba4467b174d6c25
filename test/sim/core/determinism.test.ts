import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimFetch, startSimServer, type SimServer } from '../../../src/sim/index.ts';
import { genericPersona } from '../../../src/sim/personas/index.ts';
import { chatBody, postJson, textBody, withoutCachedTokens } from './requests.ts';

const bodies = Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? chatBody(index) : textBody(index)));

async function contentOf(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  // The prefix cache's count (usage.prompt_tokens_details) depends on what was served before.
  return withoutCachedTokens(await response.text());
}

describe('sim determinism', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ seed: 42 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives byte-identical replies in any order, under concurrency, over HTTP and in process', async () => {
    const sequential: string[] = [];
    for (const body of bodies) sequential.push(await contentOf(await postJson(server.baseURL, body)));

    const reversedOrder = [...bodies.keys()].reverse();
    const concurrent: string[] = new Array(bodies.length);
    await Promise.all(
      reversedOrder.map(async (index) => {
        concurrent[index] = await contentOf(await postJson(server.baseURL, bodies[index]));
      }),
    );
    expect(concurrent).toEqual(sequential);

    const simFetch = createSimFetch({ seed: 42 });
    const inProcess = await Promise.all(bodies.map(async (body) => contentOf(await postJson('sim://local/v1', body, simFetch))));
    expect(inProcess).toEqual(sequential);
    expect(new Set(sequential).size).toBe(50);
  });

  it('draws different content for different request seeds and for a different sim seed', async () => {
    const simFetch = createSimFetch({ seed: 42, personas: [genericPersona] });
    const otherSim = createSimFetch({ seed: 43, personas: [genericPersona] });
    const contents = async (fetchImpl: typeof fetch, body: Record<string, unknown>) =>
      ((await (await postJson('sim://local/v1', body, fetchImpl)).json()) as any).choices[0].message.content as string;
    const base = await contents(simFetch, chatBody(1));
    expect(await contents(simFetch, chatBody(1))).toBe(base);
    expect(await contents(simFetch, chatBody(1, { seed: 99 }))).not.toBe(base);
    expect(await contents(otherSim, chatBody(1))).not.toBe(base);
  });
});

import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { SimOptions } from '../../../src/sim/index.ts';
import { messageOf, openTransport, TRANSPORTS } from './transports.ts';

const seedless = (model = 'sim-weak') => ({
  model,
  temperature: 1,
  messages: [{ role: 'user' as const, content: 'Give me one short fact about owls.' }],
});

async function contents(options: SimOptions, bodies: object[], transportName: (typeof TRANSPORTS)[number] = 'in-process'): Promise<string[]> {
  const sim = await openTransport(transportName, options);
  try {
    const out: string[] = [];
    for (const body of bodies) {
      const completion = (await sim.client.chat.completions.create(body as never)) as unknown as OpenAI.Chat.Completions.ChatCompletion;
      out.push(`${completion.id} ${messageOf(completion).content}`);
    }
    return out;
  } finally {
    await sim.close();
  }
}

describe.each(TRANSPORTS)('seedless requests sample afresh (%s)', (transportName) => {
  it('repeats of one seedless request differ, in the same order for a new sim; seeded repeats do not', async () => {
    const first = await contents({ seed: 4 }, [seedless(), seedless(), seedless()], transportName);
    expect(new Set(first.map((line) => line.split(' ')[0])).size).toBe(3);
    expect(new Set(first.map((line) => line.slice(line.indexOf(' ')))).size).toBeGreaterThan(1);
    expect(await contents({ seed: 4 }, [seedless(), seedless(), seedless()], transportName)).toEqual(first);
    const seeded = await contents({ seed: 4 }, [{ ...seedless(), seed: 9 }, { ...seedless(), seed: 9 }], transportName);
    expect(seeded[1]).toBe(seeded[0]);
  });

  it('concurrent repeats get the same multiset of samples as sequential ones', async () => {
    const sequential = await contents({ seed: 4 }, Array.from({ length: 5 }, () => seedless()), transportName);
    const sim = await openTransport(transportName, { seed: 4 });
    try {
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const completion = (await sim.client.chat.completions.create(seedless() as never)) as unknown as OpenAI.Chat.Completions.ChatCompletion;
          return `${completion.id} ${messageOf(completion).content}`;
        }),
      );
      expect([...concurrent].sort()).toEqual([...sequential].sort());
    } finally {
      await sim.close();
    }
  });
});

describe('sample counting', () => {
  const answerOf = (line: string) => line.slice(line.indexOf(' ') + 1);

  it('counts each served model apart: the n-th reasoning answer is the n-th plain answer', async () => {
    const plain = await contents({ seed: 4 }, [seedless(), seedless()]);
    const mixed = await contents({ seed: 4 }, [seedless('sim-weak?reasoning=field'), seedless(), seedless('sim-weak?reasoning=field'), seedless()]);
    expect(mixed.map(answerOf)).toEqual([plain[0]!, plain[0]!, plain[1]!, plain[1]!].map(answerOf));
  });

  it('a faulted reply does not use up a sample, so the retry gets what an unfaulted sim sends first', async () => {
    const clean = await contents({ seed: 4 }, [seedless()]);
    const sim = await openTransport('in-process', { seed: 4, faults: [{ kind: '429', timesPerRequest: 1, retryAfterMs: 1 }] });
    await expect(sim.client.chat.completions.create(seedless())).rejects.toMatchObject({ status: 429 });
    const retried = (await sim.client.chat.completions.create(seedless())) as OpenAI.Chat.Completions.ChatCompletion;
    expect(`${retried.id} ${retried.choices[0]!.message.content}`).toBe(clean[0]);
  });

  it('seed=ignore: the seed changes nothing, the request is sampled as a seedless one', async () => {
    const plain = await contents({ seed: 4 }, [seedless(), seedless()]);
    const ignored = await contents({ seed: 4 }, [
      { ...seedless('sim-weak?seed=ignore'), seed: 1 },
      { ...seedless('sim-weak?seed=ignore'), seed: 2 },
    ]);
    expect(ignored.map(answerOf)).toEqual(plain.map(answerOf));
  });
});

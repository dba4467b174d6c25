import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageOf, openTransport, sampleRequests, TRANSPORTS, type Transport } from './transports.ts';

const plain = sampleRequests((base) => base);
const served = (reasoning: string) => sampleRequests((base) => `${base}?reasoning=${reasoning}`);
type Kind = keyof typeof plain;
const KINDS: Kind[] = ['text', 'json', 'tool'];

describe.each(TRANSPORTS)('reasoning shapes (%s)', (transportName) => {
  let sim: Transport;
  beforeAll(async () => {
    sim = await openTransport(transportName, { seed: 21 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const create = (body: object) => sim.client.chat.completions.create(body as never) as unknown as Promise<import('openai').default.Chat.Completions.ChatCompletion>;

  it.each(KINDS)('field: the answer is the plain model\'s, the reasoning in message.reasoning (%s)', async (kind) => {
    const before = await create(plain[kind]);
    const after = await create(served('field')[kind]);
    const message = messageOf(after);
    expect(message.content).toBe(messageOf(before).content);
    expect(message.tool_calls).toEqual(messageOf(before).tool_calls);
    expect(after.choices[0]!.finish_reason).toBe(before.choices[0]!.finish_reason);
    expect(after.model).toBe(`${plain[kind].model}?reasoning=field`);
    expect(message.reasoning_content).toBeUndefined();
    const reasoning = message.reasoning!;
    expect(reasoning.split('. ').length).toBeGreaterThanOrEqual(3);
    // Hostile to naive JSON extraction: braces and a JSON-looking draft.
    expect(reasoning).toMatch(/\{"\w+": [^}]+\}/);
    const reasoningTokens = Math.ceil(reasoning.length / 4);
    expect(after.usage).toEqual({
      ...before.usage,
      completion_tokens: before.usage!.completion_tokens + reasoningTokens,
      total_tokens: before.usage!.total_tokens + reasoningTokens,
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
    });
    if (kind === 'tool') expect(message.content).toBeNull();
  });

  it.each(KINDS)('field-legacy: the same reasoning in message.reasoning_content (%s)', async (kind) => {
    const field = messageOf(await create(served('field')[kind]));
    const legacy = messageOf(await create(served('field-legacy')[kind]));
    expect(legacy.reasoning).toBeUndefined();
    expect(legacy.reasoning_content).toBe(field.reasoning);
    expect(legacy.content).toBe(field.content);
  });

  it.each(KINDS)('tag shapes: the tagged reasoning, then the plain answer, in the content (%s)', async (kind) => {
    const before = await create(plain[kind]);
    const answer = messageOf(before).content ?? '';
    const reasoning = messageOf(await create(served('field')[kind])).reasoning!;
    const expected = {
      'think-tags': `<think>\n${reasoning}\n</think>\n\n${answer}`,
      'closing-tag': `${reasoning}\n</think>\n\n${answer}`,
      kimi: `◁think▷${reasoning}◁/think▷${answer}`,
    };
    for (const [shape, content] of Object.entries(expected)) {
      const after = await create(served(shape)[kind]);
      expect(messageOf(after).content).toBe(content);
      expect(messageOf(after).tool_calls).toEqual(messageOf(before).tool_calls);
      expect(messageOf(after).reasoning).toBeUndefined();
      const reasoningTokens = after.usage!.completion_tokens_details!.reasoning_tokens!;
      expect(reasoningTokens).toBe(Math.ceil((content.length - answer.length) / 4));
      expect(after.usage!.completion_tokens).toBe(before.usage!.completion_tokens + reasoningTokens);
    }
  });

  it('the reasoning defeats first-brace-to-last-brace extraction of a json_schema answer', async () => {
    const content = messageOf(await create(served('think-tags').json)).content!;
    const naive = content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1);
    expect(() => JSON.parse(naive)).toThrow();
    const answer = content.slice(content.indexOf('</think>\n\n') + '</think>\n\n'.length);
    expect(JSON.parse(answer)).toHaveProperty('rubric');
  });

  it('max_tokens counts the reasoning first: a small budget gives a cut, all-reasoning reply', async () => {
    const field = await create({ ...served('field').tool, max_tokens: 20 });
    expect(field.choices[0]!.finish_reason).toBe('length');
    expect(messageOf(field).content).toBeNull();
    expect(messageOf(field).tool_calls).toBeUndefined();
    const cut = messageOf(field).reasoning!;
    expect(cut).toHaveLength(80);
    expect(field.usage!.completion_tokens).toBe(20);
    expect(field.usage!.completion_tokens_details!.reasoning_tokens).toBe(20);

    // The same request in a tag shape: the same reasoning, cut inside the block (no closing tag, no tool call).
    const tagged = await create({ ...served('think-tags').tool, max_tokens: 20 });
    expect(tagged.choices[0]!.finish_reason).toBe('length');
    expect(messageOf(tagged).content).toBe(`<think>\n${cut.slice(0, 72)}`);
    expect(messageOf(tagged).tool_calls).toBeUndefined();
  });

  it('max_tokens: the answer gets what the reasoning left, cut where the plain reply would be', async () => {
    const budget = 90;
    const after = await create({ ...served('field').text, max_tokens: budget });
    const reasoningTokens = after.usage!.completion_tokens_details!.reasoning_tokens!;
    expect(reasoningTokens).toBe(Math.ceil(messageOf(after).reasoning!.length / 4));
    expect(reasoningTokens).toBeLessThan(budget);
    // The plain model with the same request gets the whole budget for its answer.
    const before = await create({ ...plain.text, max_tokens: budget });
    const left = (budget - reasoningTokens) * 4;
    expect(messageOf(before).content!.length).toBeGreaterThan(left);
    expect(after.choices[0]!.finish_reason).toBe('length');
    expect(messageOf(after).content).toBe(messageOf(before).content!.slice(0, left));
    expect(after.usage!.completion_tokens).toBe(budget);
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageOf, openTransport, rubricSchema, TRANSPORTS, type Transport } from './transports.ts';

const block = (name: string, schema: unknown) => `<response_schema name="${name}">\n${JSON.stringify(schema, null, 2)}\n</response_schema>`;
const withBlock = `Write a question with a rubric.\n\n${block('test_rubric', rubricSchema)}\nReply with one JSON object only.`;

function expectRubric(content: string | null): void {
  const value = JSON.parse(content ?? '') as { question: unknown; rubric: { criterion: unknown; weight: unknown }[] };
  expect(value.question).toBeTypeOf('string');
  expect(value.rubric.length).toBeGreaterThanOrEqual(2);
  for (const item of value.rubric) {
    expect(item.criterion).toBeTypeOf('string');
    expect(Number.isInteger(item.weight) && (item.weight as number) >= 1 && (item.weight as number) <= 10).toBe(true);
  }
}

const isRubric = (content: string | null) => {
  try {
    expectRubric(content);
    return true;
  } catch {
    return false;
  }
};

describe.each(TRANSPORTS)('the <response_schema> block in the last user message (%s)', (transportName) => {
  let sim: Transport;
  beforeAll(async () => {
    sim = await openTransport(transportName, { seed: 8 });
  });
  afterAll(async () => {
    await sim.close();
  });
  const create = (body: object) => sim.client.chat.completions.create(body as never) as unknown as Promise<OpenAI.Chat.Completions.ChatCompletion>;
  const ask = (model: string, content: string, extra: object = {}) => ({ model, seed: 2, messages: [{ role: 'user', content }], ...extra });

  it('a plain model with no response_format answers the block\'s schema; without the block it does not', async () => {
    expectRubric(messageOf(await create(ask('sim-agent', withBlock))).content);
    expect(isRubric(messageOf(await create(ask('sim-agent', 'Write a question with a rubric.'))).content)).toBe(false);
  });

  it('with json_object, on a plain model and on structured=json_object, the block decides the shape', async () => {
    const jsonObject = { response_format: { type: 'json_object' } };
    expectRubric(messageOf(await create(ask('sim-agent', withBlock, jsonObject))).content);
    expectRubric(messageOf(await create(ask('sim-agent?structured=json_object', withBlock, jsonObject))).content);
    expectRubric(messageOf(await create(ask('sim-agent?structured=none&reasoning=field', withBlock))).content);
    expect(isRubric(messageOf(await create(ask('sim-agent', 'Write a question with a rubric.', jsonObject))).content)).toBe(false);
  });

  it('reads only the last user message, only valid JSON, and never over a json_schema', async () => {
    const earlier = {
      model: 'sim-agent',
      seed: 2,
      messages: [
        { role: 'user', content: withBlock },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: 'Now write it.' },
      ],
    };
    expect(isRubric(messageOf(await create(earlier)).content)).toBe(false);
    const broken = withBlock.replace('"rubric"', '"rubric" oops');
    expect(isRubric(messageOf(await create(ask('sim-agent', broken))).content)).toBe(false);
    const otherSchema = { type: 'object', properties: { verdict: { type: 'boolean' } }, required: ['verdict'], additionalProperties: false };
    const schemaWins = await create(
      ask('sim-agent', withBlock, { response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema: otherSchema } } }),
    );
    expect(Object.keys(JSON.parse(messageOf(schemaWins).content!) as object)).toEqual(['verdict']);
  });

  it('counts the block in prompt_tokens as sent', async () => {
    const reply = await create(ask('sim-agent', withBlock));
    expect(reply.usage!.prompt_tokens).toBe(Math.ceil(withBlock.length / 4));
  });
});

describe('the block names the request like a json_schema name', () => {
  it('a fault aimed at a schema name hits a request that names it only in the block', async () => {
    const sim = await openTransport('in-process', { seed: 8, faults: [{ kind: '500', schemaNames: ['test_rubric'] }] });
    const body = (content: string) => ({ model: 'sim-agent', seed: 1, messages: [{ role: 'user', content }] });
    await expect(sim.client.chat.completions.create(body(withBlock) as never)).rejects.toMatchObject({ status: 500 });
    await expect(sim.client.chat.completions.create(body('Write a question with a rubric.') as never)).resolves.toBeDefined();
  });
});

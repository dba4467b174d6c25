import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupTool, messageOf, openTransport, rubricSchema, TRANSPORTS, type Transport } from './transports.ts';

const ask = (model: string, extra: object = {}) => ({
  model,
  seed: 3,
  messages: [{ role: 'user' as const, content: 'Say something short about rivers.' }],
  ...extra,
});
const jsonSchema = { type: 'json_schema' as const, json_schema: { name: 'test_rubric', schema: rubricSchema } };

describe.each(TRANSPORTS)('serving options that refuse requests (%s)', (transportName) => {
  let sim: Transport;
  beforeAll(async () => {
    sim = await openTransport(transportName, {
      seed: 5,
      servedModels: ['sim-weak?context=8192', 'sim-agent?reasoning=field', 'sim-weak', 'sim-huge?context=9999', 'sim-weak?colour=red', 'sim-weak?context=8192'],
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  const create = (body: object) => sim.client.chat.completions.create(body as never) as unknown as Promise<OpenAI.Chat.Completions.ChatCompletion>;
  const refused = async (body: object) => {
    const error = await create(body).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as InstanceType<typeof OpenAI.APIError>;
  };

  it('names an unknown option or a bad value and the accepted ones; an unknown base is a 404', async () => {
    const unknown = await refused(ask('sim-weak?colour=red'));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain("unknown serving option 'colour'");
    expect(unknown.message).toContain('reasoning, tools, structured, seed, context');
    const badValue = await refused(ask('sim-weak?reasoning=loud'));
    expect(badValue.status).toBe(400);
    expect(badValue.message).toContain('reasoning=loud');
    expect(badValue.message).toContain('think-tags or closing-tag or kimi or field or field-legacy');
    const smallContext = await refused(ask('sim-weak?context=100'));
    expect(smallContext.status).toBe(400);
    expect(smallContext.message).toContain('>= 256');
    expect((await refused(ask('sim-weak?seed=reject&seed=ignore'))).message).toContain('twice');
    const noSuchModel = await refused(ask('sim-huge?reasoning=field'));
    expect(noSuchModel.status).toBe(404);
    expect(noSuchModel.code).toBe('model_not_found');
    // No options at all is the plain model.
    expect(messageOf(await create(ask('sim-weak?'))).content).toBe(messageOf(await create(ask('sim-weak'))).content);
  });

  it('tools=none: tools with any tool_choice but "none" are refused as vLLM does without a tool parser', async () => {
    const model = 'sim-agent?tools=none';
    for (const toolChoice of [undefined, 'auto', 'required', { type: 'function', function: { name: 'lookup' } }]) {
      const error = await refused(ask(model, { tools: [lookupTool], ...(toolChoice ? { tool_choice: toolChoice } : {}) }));
      expect(error.status).toBe(400);
      expect(error.message).toContain('--enable-auto-tool-choice');
      expect(error.message).toContain('--tool-call-parser');
    }
    expect(messageOf(await create(ask(model, { tools: [lookupTool], tool_choice: 'none' }))).tool_calls).toBeUndefined();
    expect(messageOf(await create(ask(model))).content).toBe(messageOf(await create(ask('sim-agent'))).content);
  });

  it('structured=json_object refuses json_schema and takes json_object; structured=none takes only text', async () => {
    const jsonOnly = 'sim-agent?structured=json_object';
    const error = await refused(ask(jsonOnly, { response_format: jsonSchema }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('only response_format of type "json_object"');
    expect(JSON.parse(messageOf(await create(ask(jsonOnly, { response_format: { type: 'json_object' } }))).content!)).toBeTypeOf('object');

    const none = 'sim-agent?structured=none';
    for (const format of [jsonSchema, { type: 'json_object' }]) {
      const refusal = await refused(ask(none, { response_format: format }));
      expect(refusal.status).toBe(400);
      expect(refusal.message).toContain('does not support structured output');
    }
    const text = await create(ask(none, { response_format: { type: 'text' } }));
    expect(messageOf(text).content).toBe(messageOf(await create(ask('sim-agent', { response_format: { type: 'text' } }))).content);
  });

  it('seed=reject refuses a seed; without one the request is served', async () => {
    const error = await refused(ask('sim-weak?seed=reject'));
    expect(error.status).toBe(400);
    expect(error.message).toContain("Unsupported parameter: 'seed'");
    expect(error.param).toBe('seed');
    const { seed: _seed, ...seedless } = ask('sim-weak?seed=reject');
    expect((await create(seedless)).choices[0]!.finish_reason).toBe('stop');
  });

  it('context=N: prompt plus max_tokens over N is a 400 in vLLM\'s words; a fitting request is served', async () => {
    const long = 'word '.repeat(1000);
    const body = { model: 'sim-weak?context=1024', seed: 1, max_tokens: 100, messages: [{ role: 'user' as const, content: long }] };
    const promptTokens = Math.ceil(long.length / 4);
    const error = await refused(body);
    expect(error.status).toBe(400);
    expect((error.error as { message: string }).message).toBe(
      `This model's maximum context length is 1024 tokens. However, you requested ${promptTokens + 100} tokens ` +
        `(${promptTokens} in the messages, 100 in the completion). Please reduce the length of the messages or completion.`,
    );
    const fits = await create({ ...body, model: 'sim-weak?context=2048' });
    expect(fits.usage!.prompt_tokens).toBe(promptTokens);
    expect(fits.usage!.prompt_tokens + 100).toBeGreaterThan(1024);
    const noMaxTokens = await refused({ ...body, max_tokens: undefined, model: 'sim-weak?context=1250' });
    expect(noMaxTokens.message).toContain(`your request has ${promptTokens} input tokens`);
  });

  it('context=N without max_tokens: the reply fills at most what the prompt left', async () => {
    const prompt = 'word '.repeat(400);
    const promptTokens = Math.ceil(prompt.length / 4);
    const body = { model: `sim-weak?context=${promptTokens + 4}`, seed: 1, messages: [{ role: 'user' as const, content: prompt }] };
    const reply = await create(body);
    expect(reply.choices[0]!.finish_reason).toBe('length');
    expect(reply.usage!.completion_tokens).toBe(4);
    expect(messageOf(reply).content).toBe(messageOf(await create({ ...body, model: 'sim-weak' })).content!.slice(0, 16));
  });

  it('lists each valid served name once, after the sim models, with its max_model_len', async () => {
    const models = (await sim.client.models.list()).data as unknown as { id: string; max_model_len: number }[];
    expect(models.map((model) => [model.id, model.max_model_len])).toEqual([
      ['sim-agent', 131072],
      ['sim-weak', 131072],
      ['sim-strong', 131072],
      ['sim-weak?context=8192', 8192],
      ['sim-agent?reasoning=field', 131072],
    ]);
  });
});

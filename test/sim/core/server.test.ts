import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimFetch, startSimServer, type SimServer } from '../../../src/sim/index.ts';
import { genericPersona, type Persona } from '../../../src/sim/personas/index.ts';
import { chatBody, postJson, rubricSchema, textBody } from './requests.ts';

describe('sim server over HTTP', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ seed: 11, personas: [genericPersona] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers a chat completion in the OpenAI shape with usage counted at ~4 chars per token', async () => {
    const response = await postJson(server.baseURL, textBody(1));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as any;
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('sim-weak');
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0].message.role).toBe('assistant');
    expect(body.choices[0].finish_reason).toBe('stop');
    const content = body.choices[0].message.content as string;
    expect(content.length).toBeGreaterThan(20);
    expect(body.usage.prompt_tokens).toBe(Math.ceil('Plain question 1'.length / 4));
    expect(body.usage.completion_tokens).toBe(Math.ceil(content.length / 4));
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it('works through the openai client with baseURL = the server URL', async () => {
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'sim-key', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'sim-agent',
      messages: [{ role: 'user', content: 'Write a question.' }],
      seed: 3,
      response_format: { type: 'json_schema', json_schema: { name: 'test_rubric', schema: rubricSchema, strict: true } },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as { question: string; rubric: unknown[] };
    expect(typeof parsed.question).toBe('string');
    expect(parsed.rubric.length).toBeGreaterThanOrEqual(2);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['sim-agent', 'sim-weak', 'sim-strong']);
  });

  it('lists the three sim models on GET /v1/models', async () => {
    const response = await fetch(`${server.baseURL}/models`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((model) => model.id)).toEqual(['sim-agent', 'sim-weak', 'sim-strong']);
    expect(body.data.every((model) => model.object === 'model')).toBe(true);
  });

  it('answers an unknown route with 404 in the OpenAI error shape', async () => {
    const response = await fetch(`${server.baseURL}/embeddings`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: 'Unknown route: POST /v1/embeddings', type: 'invalid_request_error', param: null, code: 'unknown_url' },
    });
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const response = await postJson(server.baseURL, textBody(1, { model: 'gpt-9' }));
    expect(response.status).toBe(404);
    const body = (await response.json()) as any;
    expect(body.error.code).toBe('model_not_found');
    expect(body.error.param).toBe('model');
  });

  it('rejects bad bodies with 400 in the OpenAI error shape', async () => {
    const notJson = await postJson(server.baseURL, '{"model": ');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      error: { message: 'The request body is not valid JSON.', type: 'invalid_request_error', param: null, code: null },
    });

    const noMessages = await postJson(server.baseURL, { model: 'sim-agent', messages: [] });
    expect(noMessages.status).toBe(400);
    const noMessagesBody = (await noMessages.json()) as any;
    expect(noMessagesBody.error.type).toBe('invalid_request_error');
    expect(noMessagesBody.error.param).toBe('messages');

    const twoChoices = await postJson(server.baseURL, textBody(1, { n: 2 }));
    expect(twoChoices.status).toBe(400);
    expect(((await twoChoices.json()) as any).error.param).toBe('n');
  });

  it('counts requests by status and the peak concurrency', async () => {
    // Each reply is held for 1 s so the four requests overlap even on a loaded machine (at 50 ms, a busy
    // CI box once served one before the last had arrived).
    const local = await startSimServer({ seed: 1, personas: [genericPersona], latency: { models: {}, otherModels: { fixedMs: 1000, msPerOutputToken: 0 } } });
    try {
      await Promise.all([1, 2, 3, 4].map((index) => postJson(local.baseURL, textBody(index)).then((response) => response.text())));
      await fetch(`${local.baseURL}/nope`).then((response) => response.text());
      const stats = local.stats();
      expect(stats.requests).toBe(5);
      expect(stats.byStatus).toEqual({ '200': 4, '404': 1 });
      expect(stats.maxInFlight).toBe(4);
    } finally {
      await local.close();
    }
  });
});

describe('tool calls and max_tokens', () => {
  const toolPersona: Persona = {
    name: 'test-tools',
    matches: (request) => Boolean(request.tools),
    respond: (request) => ({
      content: null,
      toolCalls: [{ name: request.tools?.[0]?.function.name ?? 'none', arguments: JSON.stringify({ instructions: 'go' }) }],
    }),
  };
  const tools = [
    { type: 'function', function: { name: 'call_challenger', description: 'Ask for an example', parameters: { type: 'object', properties: {} } } },
  ];

  it('returns tool_calls with finish_reason tool_calls, and parses assistant/tool turns', async () => {
    const client = new OpenAI({ baseURL: 'sim://local/v1', apiKey: 'k', maxRetries: 0, fetch: createSimFetch({ seed: 2, personas: [toolPersona] }) });
    const completion = await client.chat.completions.create({
      model: 'sim-agent',
      seed: 1,
      tools: tools as OpenAI.Chat.Completions.ChatCompletionTool[],
      messages: [
        { role: 'system', content: 'You run rounds.' },
        { role: 'user', content: 'Start.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'call_challenger', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' },
      ],
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(call.type === 'function' ? call.function : undefined).toEqual({ name: 'call_challenger', arguments: '{"instructions":"go"}' });
    expect(call.id).toMatch(/^call_[0-9a-f]{16}_0$/);
  });

  it('cuts a reply at max_tokens and reports finish_reason length', async () => {
    const simFetch = createSimFetch({ seed: 2, personas: [genericPersona] });
    const full = (await (await postJson('sim://local/v1', textBody(5), simFetch)).json()) as any;
    const cut = (await (await postJson('sim://local/v1', textBody(5, { max_tokens: 5 }), simFetch)).json()) as any;
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.choices[0].message.content).toBe((full.choices[0].message.content as string).slice(0, 20));
    expect(cut.usage.completion_tokens).toBe(5);
  });
});

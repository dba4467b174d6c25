// tool_choice over loopback HTTP, sent by real clients: the official openai SDK and the Vercel AI SDK
// (generateText with the openai-compatible provider). "required" always calls a tool, a named
// function calls exactly that one, "none" never calls one, "auto" leaves it to the persona.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, tool } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSimServer, type SimServer } from '../../../src/sim/index.ts';
import { withoutCachedTokens } from './requests.ts';

let server: SimServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startSimServer({ seed: 2 });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: 'sim', maxRetries: 0, timeout: 5000 });
});
afterAll(() => server.close());

const weatherArgs = z.strictObject({
  city: z.string().min(1),
  unit: z.enum(['celsius', 'fahrenheit']),
  days: z.int().min(1).max(7),
  detail: z.strictObject({ hourly: z.boolean() }).optional(),
});

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather forecast for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 1 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        detail: { type: 'object', properties: { hourly: { type: 'boolean' } }, required: ['hourly'], additionalProperties: false },
      },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    },
  },
};
const timeTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', description: 'The time now', parameters: { type: 'object', properties: {} } },
};

/** The agentic orchestrator's tools: the main-agent persona answers these with its own tool calls. */
const agentTools: OpenAI.ChatCompletionTool[] = ['call_challenger', 'call_quality_verifier', 'evaluate_weak', 'evaluate_strong', 'submit'].map(
  (name) => ({
    type: 'function',
    function: {
      name,
      description: name,
      parameters:
        name === 'submit'
          ? { type: 'object', properties: { accepted: { type: 'boolean' }, note: { type: 'string' } }, required: ['accepted', 'note'] }
          : { type: 'object', properties: {} },
    },
  }),
);

const chat = (model: string, content: string) => ({ model, seed: 1, messages: [{ role: 'user' as const, content }] });

describe('tool_choice with the official openai client', () => {
  it('a named function on a persona that would answer in text: exactly that call, with valid arguments', async () => {
    const reply = await client.chat.completions.create({
      ...chat('sim-agent', 'What is the weather like in Lisbon this week?'),
      tools: [timeTool, weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });

    const choice = reply.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const calls = choice.message.tool_calls ?? [];
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    if (call.type !== 'function') return;
    const args = weatherArgs.parse(JSON.parse(call.function.arguments));
    expect(Object.keys(args).sort()).toEqual(['city', 'days', 'unit']);
  });

  it('a named function on the main agent overrides the tool it would have called', async () => {
    const request = chat('sim-agent', 'Document: <document_title>Caches</document_title>, budget <round_budget>3</round_budget>.');
    const free = await client.chat.completions.create({ ...request, tools: agentTools });
    expect(free.choices[0]!.message.tool_calls?.map((call) => call.type === 'function' && call.function.name)).toEqual(['call_challenger']);

    const forced = await client.chat.completions.create({ ...request, tools: agentTools, tool_choice: { type: 'function', function: { name: 'submit' } } });
    const calls = forced.choices[0]!.message.tool_calls ?? [];
    expect(calls.map((call) => call.type === 'function' && call.function.name)).toEqual(['submit']);
    const call = calls[0]!;
    if (call.type !== 'function') return;
    expect(z.strictObject({ accepted: z.boolean(), note: z.string() }).safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
  });

  it('"required" on a persona that would answer in text calls a tool; the same request gives the same call', async () => {
    const request = { ...chat('sim-weak', 'Say hello.'), tools: [weatherTool, timeTool], tool_choice: 'required' as const };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);

    const calls = first.choices[0]!.message.tool_calls ?? [];
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    if (call.type !== 'function') return;
    weatherArgs.parse(JSON.parse(call.function.arguments));
    // The repeat finds its prompt in the prefix cache: only usage.prompt_tokens_details differs.
    expect(withoutCachedTokens(second)).toEqual(withoutCachedTokens(first));
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
  });

  it('"none" never calls a tool, even on the main agent; "auto" leaves text to a text persona', async () => {
    const request = chat('sim-agent', 'Document: <document_title>Caches</document_title>, budget <round_budget>3</round_budget>.');
    const none = await client.chat.completions.create({ ...request, tools: agentTools, tool_choice: 'none' });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    expect(none.choices[0]!.message.content).toEqual(expect.any(String));
    expect(none.choices[0]!.finish_reason).toBe('stop');

    const auto = await client.chat.completions.create({ ...chat('sim-agent', 'Say hello.'), tools: [weatherTool], tool_choice: 'auto' });
    expect(auto.choices[0]!.message.tool_calls).toBeUndefined();
  });

  it('refuses a named function that is not among the tools, and "required" without tools, with a 400 naming tool_choice', async () => {
    const missing = client.chat.completions.create({
      ...chat('sim-agent', 'Hi'),
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    await expect(missing).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
    await expect(client.chat.completions.create({ ...chat('sim-agent', 'Hi'), tool_choice: 'required' })).rejects.toMatchObject({
      status: 400,
      param: 'tool_choice',
    });
  });
});

describe('tool_choice with the Vercel AI SDK', () => {
  it('generateText with toolChoice "required" through the openai-compatible provider gets a valid tool call', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return fetch(input, init);
    };
    const provider = createOpenAICompatible({ name: 'sim', baseURL: server.baseURL, apiKey: 'sim', fetch: recordingFetch });

    const result = await generateText({
      model: provider.chatModel('sim-weak'),
      prompt: 'Tell me a joke.',
      seed: 3,
      maxRetries: 0,
      toolChoice: 'required',
      tools: {
        lookup: tool({
          description: 'Look something up',
          inputSchema: z.object({ query: z.string().min(1), limit: z.int().min(1).max(5) }),
        }),
        forecast: tool({ description: 'Weather', inputSchema: jsonSchema(weatherTool.function.parameters as never) }),
      },
    });

    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ model: 'sim-weak', tool_choice: 'required' });
    expect((bodies[0]!.tools as Array<{ type: string; function: { name: string } }>).map((entry) => [entry.type, entry.function.name])).toEqual([
      ['function', 'lookup'],
      ['function', 'forecast'],
    ]);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]!.toolName).toBe('lookup');
    expect(z.strictObject({ query: z.string().min(1), limit: z.int().min(1).max(5) }).safeParse(result.toolCalls[0]!.input).success).toBe(true);
  });
});

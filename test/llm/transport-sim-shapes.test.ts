// The sim serves every reasoning shape (`?reasoning=` in the model name), whole or streamed, over
// HTTP and in process. Whatever the shape, the transport must give the plain model's answer as
// the content and the same thinking as the reasoning; tool calls survive streaming.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireReply, WireRequest } from '../../src/llm/openai-transport.ts';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { createSimFetch, startSimServer } from '../../src/sim/index.ts';
import { endpointsOn } from './helpers.ts';

const SHAPES = ['field', 'field-legacy', 'think-tags', 'closing-tag', 'kimi'] as const;

const textRequest = (model: string): WireRequest => ({
  model,
  seed: 5,
  temperature: 1,
  max_tokens: 4096,
  messages: [{ role: 'user', content: 'Explain in two sentences why the sky looks blue at noon.' }],
});
const toolRequest = (model: string): WireRequest => ({
  model,
  seed: 7,
  max_tokens: 4096,
  messages: [{ role: 'user', content: 'Find the term "entropy".' }],
  tools: [{ type: 'function', function: { name: 'lookup', description: 'Looks a term up.', parameters: { type: 'object', properties: { term: { type: 'string' } }, required: ['term'] } } }],
  tool_choice: 'required',
});

describe.each(['http', 'in-process'] as const)('reasoning shapes from the sim (%s)', (via) => {
  let baseURL = 'sim://local/v1';
  let close = async () => {};
  const simFetch = createSimFetch({ seed: 21 });
  beforeAll(async () => {
    if (via === 'http') {
      const server = await startSimServer({ seed: 21 });
      baseURL = server.baseURL;
      close = () => server.close();
    }
  });
  afterAll(() => close());

  function complete(request: WireRequest, stream: boolean): Promise<WireReply> {
    const endpoint = endpointsOn(baseURL, { model: request.model, stream, timeoutMs: 5000 }).roles.judge;
    return createTransport({ endpoint, apiKey: undefined, env: {}, ...(via === 'in-process' ? { fetch: simFetch } : {}) }).complete(request);
  }

  it.each(SHAPES.flatMap((shape) => [[shape, false], [shape, true]] as const))('%s (stream %s): the plain answer and the same reasoning', async (shape, stream) => {
    const plain = await complete(textRequest('sim-weak'), false);
    const field = await complete(textRequest('sim-weak?reasoning=field'), false);
    const shaped = await complete(textRequest(`sim-weak?reasoning=${shape}`), stream);
    expect(plain.reasoning).toBeNull();
    expect(field.reasoning).toBeTruthy();
    expect(shaped.content).toBe(plain.content);
    expect(shaped.reasoning).toBe(field.reasoning);
    expect(shaped.finishReason).toBe(plain.finishReason);
    // The sim counts the tags as tokens too, so only the field shapes match the field's count.
    if (shape.startsWith('field')) expect(shaped.completionTokens).toBe(field.completionTokens);
  });

  it('a streamed tool call equals the whole one', async () => {
    const whole = await complete(toolRequest('sim-agent?reasoning=field'), false);
    const streamed = await complete(toolRequest('sim-agent?reasoning=field'), true);
    expect(whole.toolCalls.length).toBeGreaterThan(0);
    // The second request finds its prompt in the sim's prefix cache; nothing else differs.
    expect(streamed.cachedTokens).toBeGreaterThan(whole.cachedTokens ?? 0);
    expect({ ...streamed, cachedTokens: undefined }).toEqual({ ...whole, cachedTokens: undefined });
  });
});

// What a role's endpoint settings put on the wire: sampling and vendor fields sent only when set,
// the token-limit field a server wants, no temperature or seed when the server refuses them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints, type EndpointSettings } from '../../src/config/endpoints.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { catchConfigError } from '../support/catch-error.ts';
import { completionBody, userMessage } from './helpers.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** A loopback server that keeps every request body it gets and answers each with one plain reply. */
async function recordingServer(): Promise<{ baseURL: string; bodies: Array<Record<string, unknown>> }> {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((incoming, outgoing) => {
    let text = '';
    incoming.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    incoming.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.end(completionBody);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies };
}

async function sentBody(settings: Record<string, unknown>, seed = 7): Promise<Record<string, unknown>> {
  const server = await recordingServer();
  const endpoints = parseEndpoints({ defaults: { baseURL: server.baseURL, model: 'm', ...settings } }, 'test', {});
  const llm = createLlm({ endpoints, cacheMode: 'off' });
  const result = await llm.text({ role: 'weakSolver', messages: userMessage('Why is the sky blue?'), seed });
  expect(result.ok).toBe(true);
  expect(server.bodies).toHaveLength(1);
  return server.bodies[0]!;
}

describe('the request body a role sends', () => {
  it('sends only what is set: no sampling field the file leaves out', async () => {
    const body = await sentBody({});
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'seed', 'temperature']);
    expect(body).toMatchObject({ model: 'm', temperature: 1, max_tokens: 4096, seed: 7 });
  });

  it('maps every sampling setting to its wire name and merges extraBody at the top level', async () => {
    const body = await sentBody({
      topP: 0.95,
      topK: 20,
      minP: 0,
      presencePenalty: 1.5,
      frequencyPenalty: -0.5,
      reasoningEffort: 'low',
      stop: ['###'],
      extraBody: { chat_template_kwargs: { enable_thinking: false }, repetition_penalty: 1.05 },
    } satisfies Partial<EndpointSettings>);
    expect(body).toMatchObject({
      top_p: 0.95,
      top_k: 20,
      min_p: 0,
      presence_penalty: 1.5,
      frequency_penalty: -0.5,
      reasoning_effort: 'low',
      stop: ['###'],
      chat_template_kwargs: { enable_thinking: false },
      repetition_penalty: 1.05,
    });
    expect(body).not.toHaveProperty('extra_body');
  });

  it('speaks to OpenAI reasoning models: no temperature, max_completion_tokens', async () => {
    const body = await sentBody({ temperature: null, maxTokensField: 'max_completion_tokens', maxTokens: 2000 });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('max_tokens');
    expect(body.max_completion_tokens).toBe(2000);
  });

  it('leaves the seed out when sendSeed is false, yet two seeds stay two cache entries', async () => {
    const server = await recordingServer();
    const endpoints = parseEndpoints({ defaults: { baseURL: server.baseURL, model: 'm', sendSeed: false } }, 'test', {});
    const llm = createLlm({ endpoints, cacheMode: 'use' });
    const ask = (seed: number) => llm.text({ role: 'weakSolver', messages: userMessage('Sample me.'), seed });
    await ask(1);
    await ask(2);
    await ask(1);
    expect(server.bodies.map((body) => 'seed' in body)).toEqual([false, false]);
    const usage = llm.usageByRole().weakSolver;
    expect(usage).toMatchObject({ calls: 3, cacheHits: 1 });
  });
});

describe('extraBody in the endpoints file', () => {
  it('must be a JSON object: the error names the role and the key', () => {
    const error = catchConfigError(() =>
      parseEndpoints({ defaults: { baseURL: 'http://127.0.0.1:1/v1', model: 'm' }, judge: { extraBody: '{"top_k": 5}' } }, 'e.yaml', {}),
    );
    expect(error.message).toMatch(/^endpoints\.judge\.extraBody: expected object, got "\{\\"top_k\\": 5\}" \(in e\.yaml\)$/);
  });

  it('may not override a field autodata sets itself', () => {
    const error = catchConfigError(() =>
      parseEndpoints({ defaults: { baseURL: 'http://127.0.0.1:1/v1', model: 'm', extraBody: { seed: 3 } } }, 'e.yaml', {}),
    );
    expect(error.message).toBe(
      "endpoints.mainAgent.extraBody.seed: autodata sets this field itself; use the role's own setting instead (in e.yaml)",
    );
  });
});

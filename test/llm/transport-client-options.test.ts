// The role's client settings on the wire (defaultHeaders, defaultQuery, organization, project),
// kept out of messages, and GET /models read with each model's context window.
import { afterEach, describe, expect, it } from 'vitest';
import { LlmCallError } from '../../src/errors.ts';
import { readListedModel } from '../../src/llm/model-list.ts';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { endpointsOn, userMessage } from './helpers.ts';
import { closeReplayServers, replayServer, sendJson } from './replay-server.ts';

afterEach(closeReplayServers);

const answer = { choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] };
const request = { model: 'sim-agent', messages: userMessage('Hi'), max_tokens: 8 };

describe('client options per role', () => {
  const settings = {
    defaultHeaders: { 'HTTP-Referer': 'https://example.org/autodata', 'X-Title': 'autodata', 'X-Gateway-Token': 'gw-token-abcdef123456' },
    defaultQuery: { 'api-version': '2024-10-21', tenant: 'lab-tenant-7' },
    organization: 'org-fixture123',
    project: 'proj_fixture456',
  };

  it('sends the headers, the query, the organization and the project with every request', async () => {
    const server = await replayServer((_request, outgoing) => sendJson(outgoing, 200, answer));
    const transport = createTransport({ endpoint: endpointsOn(server.baseURL, settings).roles.judge, apiKey: 'sk-client-options-key', env: {} });
    await transport.complete(request);
    const sent = server.requests[0]!;
    const url = new URL(sent.url, 'http://127.0.0.1');
    expect(url.pathname).toBe('/v1/chat/completions');
    expect(Object.fromEntries(url.searchParams)).toEqual({ 'api-version': '2024-10-21', tenant: 'lab-tenant-7' });
    expect(sent.headers).toMatchObject({
      'http-referer': 'https://example.org/autodata',
      'x-title': 'autodata',
      'x-gateway-token': 'gw-token-abcdef123456',
      'openai-organization': 'org-fixture123',
      'openai-project': 'proj_fixture456',
      authorization: 'Bearer sk-client-options-key',
    });
  });

  it('sends no organization or project when the endpoint sets none, whatever OPENAI_ORG_ID says', async () => {
    const saved = { org: process.env['OPENAI_ORG_ID'], project: process.env['OPENAI_PROJECT_ID'] };
    process.env['OPENAI_ORG_ID'] = 'org-from-env';
    process.env['OPENAI_PROJECT_ID'] = 'proj-from-env';
    try {
      const server = await replayServer((_request, outgoing) => sendJson(outgoing, 200, answer));
      await createTransport({ endpoint: endpointsOn(server.baseURL).roles.judge, apiKey: undefined, env: {} }).complete(request);
      expect(server.requests[0]!.headers['openai-organization']).toBeUndefined();
      expect(server.requests[0]!.headers['openai-project']).toBeUndefined();
    } finally {
      for (const [name, value] of [['OPENAI_ORG_ID', saved.org], ['OPENAI_PROJECT_ID', saved.project]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('scrubs header and query values a server quotes back in an error', async () => {
    const server = await replayServer((request, outgoing) =>
      sendJson(outgoing, 400, { error: { message: `bad token ${String(request.headers['x-gateway-token'])} for tenant lab-tenant-7` } }),
    );
    const transport = createTransport({ endpoint: endpointsOn(server.baseURL, settings).roles.judge, apiKey: undefined, env: {} });
    const error = (await transport.complete(request).catch((caught: unknown) => caught)) as LlmCallError;
    expect(error).toBeInstanceOf(LlmCallError);
    expect(error.message).toContain('bad token [redacted] for tenant [redacted]');
    expect(error.message).not.toContain('gw-token-abcdef123456');
  });
});

describe('listModels', () => {
  it('reads each model with its context window from max_model_len, context_length or context_window', async () => {
    const server = await replayServer((_request, outgoing) =>
      sendJson(outgoing, 200, {
        object: 'list',
        data: [
          { id: 'Qwen/Qwen3-8B', object: 'model', owned_by: 'vllm', max_model_len: 32768 },
          { id: 'deepseek/deepseek-r1', context_length: 163840, pricing: { prompt: '0.0000004' } },
          { id: 'gateway-model', context_window: 128000 },
          { id: 'plain-model', object: 'model' },
          { id: 'bogus-window', max_model_len: -1, context_length: 1.5, context_window: 1e12 },
          { object: 'model' },
          { id: 42 },
        ],
      }),
    );
    const transport = createTransport({ endpoint: endpointsOn(server.baseURL).roles.judge, apiKey: undefined, env: {} });
    expect(await transport.listModels()).toEqual([
      { id: 'Qwen/Qwen3-8B', contextWindow: 32768 },
      { id: 'deepseek/deepseek-r1', contextWindow: 163840 },
      { id: 'gateway-model', contextWindow: 128000 },
      { id: 'plain-model' },
      { id: 'bogus-window' },
    ]);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models' });
  });

  it('takes the first usable field in order and refuses a non-object', () => {
    expect(readListedModel({ id: 'm', max_model_len: 0, context_length: 4096 })).toEqual({ id: 'm', contextWindow: 4096 });
    expect(readListedModel('m')).toBeUndefined();
    expect(readListedModel({ id: '' })).toBeUndefined();
  });
});

// The two ways a client reaches the sim (HTTP server, in-process fetch), each behind the real
// openai client, for tests that must hold on both.
import OpenAI from 'openai';
import { createSimFetch, startSimServer, type SimOptions } from '../../../src/sim/index.ts';

export interface Transport {
  client: OpenAI;
  /** Raw POST /chat/completions, for what the openai client hides (headers, the SSE text). */
  post(body: unknown, signal?: AbortSignal): Promise<Response>;
  close(): Promise<void>;
}

export type TransportName = 'http' | 'in-process';
export const TRANSPORTS: TransportName[] = ['http', 'in-process'];

export async function openTransport(name: TransportName, options: SimOptions, clientOptions: { timeout?: number } = {}): Promise<Transport> {
  if (name === 'http') {
    const server = await startSimServer(options);
    return {
      client: new OpenAI({ baseURL: server.baseURL, apiKey: 'sim', maxRetries: 0, ...clientOptions }),
      post: (body, signal) => rawPost(server.baseURL, fetch, body, signal),
      close: () => server.close(),
    };
  }
  const simFetch = createSimFetch(options);
  return {
    client: new OpenAI({ baseURL: 'sim://local/v1', apiKey: 'sim', maxRetries: 0, fetch: simFetch, ...clientOptions }),
    post: (body, signal) => rawPost('sim://local/v1', simFetch, body, signal),
    close: async () => {},
  };
}

function rawPost(baseURL: string, fetchImpl: typeof fetch, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetchImpl(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** The message of a completion with the fields the openai types leave out. */
export interface WireMessage {
  content: string | null;
  reasoning?: string;
  reasoning_content?: string;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
}

export function messageOf(completion: OpenAI.Chat.Completions.ChatCompletion): WireMessage {
  return completion.choices[0]!.message as unknown as WireMessage;
}

import { rubricSchema } from '../core/requests.ts';

export { rubricSchema };

export const lookupTool = {
  type: 'function' as const,
  function: {
    name: 'lookup',
    description: 'Look a term up.',
    parameters: { type: 'object', properties: { term: { type: 'string' }, limit: { type: 'integer' } }, required: ['term'] },
  },
};

/** Three kinds of request: free text (solver), json_schema, a forced tool call. */
export function sampleRequests(model: (base: string) => string) {
  return {
    text: {
      model: model('sim-weak'),
      seed: 5,
      temperature: 1,
      messages: [{ role: 'user' as const, content: 'Explain in two sentences why the sky looks blue at noon.' }],
    },
    json: {
      model: model('sim-agent'),
      seed: 6,
      messages: [{ role: 'user' as const, content: 'Write a question with a rubric.' }],
      response_format: { type: 'json_schema' as const, json_schema: { name: 'test_rubric', schema: rubricSchema, strict: true } },
    },
    tool: {
      model: model('sim-agent'),
      seed: 7,
      messages: [{ role: 'user' as const, content: 'Find the term "entropy".' }],
      tools: [lookupTool],
      tool_choice: 'required' as const,
    },
  };
}

// Shared set-up for the call-path tests: endpoints on a loopback sim server, a fast sleep, a temp store,
// and scripted loopback servers for faults the sim does not produce.
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { z } from 'zod';
import { parseEndpoints, type EndpointSettings, type Endpoints } from '../../src/config/endpoints.ts';
import { LlmCallError } from '../../src/errors.ts';
import { ROLES } from '../../src/llm/types.ts';
import { openStore, type Store } from '../../src/store/index.ts';

/** Every role on `baseURL` with model sim-agent, small timeouts; `overrides` go into `defaults`. */
export function endpointsOn(
  baseURL: string,
  overrides: Partial<EndpointSettings> = {},
  env: NodeJS.ProcessEnv = {},
): Endpoints {
  return parseEndpoints(
    { defaults: { baseURL, model: 'sim-agent', timeoutMs: 2000, maxRetries: 2, concurrency: 4, ...overrides } },
    'test endpoints',
    env,
  );
}

/** Records every requested wait and returns at once, so backoff never slows a test. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
}

/** A run store in a new temp folder; `onClose` gets its closing step (call them in afterEach). */
export function openTempStore(onClose: (close: () => void) => void): Store {
  const opened = openStore(path.join(tempDir(), 'run.sqlite'));
  onClose(() => opened.close());
  return opened;
}

export const verdictSchema = z.object({ correct: z.boolean(), reason: z.string() });

export function userMessage(content: string) {
  return [{ role: 'user' as const, content }];
}


export type Script = (request: number, incoming: IncomingMessage, outgoing: ServerResponse) => void;

export interface ScriptedServer {
  baseURL: string;
  requests(): number;
}

const scriptedServers: Server[] = [];

/** Closes every server `scripted` started; call it in afterEach. */
export async function closeScriptedServers(): Promise<void> {
  await Promise.all(
    scriptedServers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
}

/** A loopback server that answers request n (1-based) as `script` says, after reading the body. */
export async function scripted(script: Script): Promise<ScriptedServer> {
  let requests = 0;
  const server = createServer((incoming, outgoing) => {
    incoming.resume();
    incoming.on('end', () => script(++requests, incoming, outgoing));
  });
  scriptedServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}/v1`, requests: () => requests };
}

export const completionBody = JSON.stringify({
  id: 'chatcmpl-test',
  object: 'chat.completion',
  created: 1,
  model: 'sim-agent',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The sky is blue.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

export function answer(outgoing: ServerResponse): void {
  outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completionBody) });
  outgoing.end(completionBody);
}

/** Headers and the first half of the body; the rest never comes. */
export function startReply(outgoing: ServerResponse): void {
  outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completionBody) });
  outgoing.write(completionBody.slice(0, Math.floor(completionBody.length / 2)));
}

export function errorReply(outgoing: ServerResponse, status: number, error: Record<string, unknown>): void {
  const body = JSON.stringify({ error: { param: null, ...error } });
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  outgoing.end(body);
}

export { ROLES };

/** The LlmCallError a transport call rejects with (fails the test when it resolves or throws anything else). */
export async function failureOf(promise: Promise<unknown>): Promise<LlmCallError> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(LlmCallError);
  return thrown as LlmCallError;
}

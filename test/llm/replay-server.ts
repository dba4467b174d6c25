// A loopback node:http server that records each request (method, path, headers, JSON body) and
// answers as the test says; with the provider-reply fixtures it serves a whole body or an SSE stream.
import fs from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type Responder = (request: RecordedRequest, outgoing: ServerResponse, index: number) => void;

export interface ReplayServer {
  baseURL: string;
  requests: RecordedRequest[];
}

const servers: Server[] = [];

/** Closes every server replayServer started; call it in afterEach. */
export async function closeReplayServers(): Promise<void> {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
}

export async function replayServer(respond: Responder): Promise<ReplayServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // kept as text
      }
      const request = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body };
      requests.push(request);
      respond(request, outgoing, requests.length);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}/v1`, requests };
}

export function sendJson(outgoing: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  outgoing.end(text);
}

/** Each entry: an event's JSON data, '[DONE]', or a ': comment' line. */
export type SseEntry = Record<string, unknown> | string;

export function sseText(entries: readonly SseEntry[]): string {
  return entries
    .map((entry) => (typeof entry !== 'string' ? `data: ${JSON.stringify(entry)}\n\n` : entry.startsWith(':') ? `${entry}\n\n` : `data: ${entry}\n\n`))
    .join('');
}

export function sendSse(outgoing: ServerResponse, entries: readonly SseEntry[], status = 200): void {
  outgoing.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  outgoing.end(sseText(entries));
}

export interface ProviderFixture {
  file: string;
  source: string;
  server: string;
  endpoint?: { stream?: boolean; reasoningTags?: 'auto' | 'none' | { open: string; close: string } };
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  sse?: SseEntry[];
  expect?: Record<string, unknown>;
  expectError?: { code: string; retryable: boolean; status?: number; messageIncludes: string };
}

export const FIXTURE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'provider-replies');

export function loadProviderFixtures(): ProviderFixture[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8')) as Omit<ProviderFixture, 'file'>) }));
}

export function sendFixture(outgoing: ServerResponse, fixture: ProviderFixture): void {
  if (fixture.sse) {
    outgoing.writeHead(fixture.status ?? 200, { 'content-type': 'text/event-stream', ...fixture.headers });
    outgoing.end(sseText(fixture.sse));
    return;
  }
  sendJson(outgoing, fixture.status ?? 200, fixture.body, fixture.headers);
}

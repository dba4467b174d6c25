// The sim over HTTP on loopback, for tests and for `autodata sim serve`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimHandler } from './handler.ts';
import type { SimHttpResponse, SimOptions, SimServer } from './types.ts';

export async function startSimServer(options: SimOptions & { port?: number; host?: string }): Promise<SimServer> {
  const handler = createSimHandler(options);
  const host = options.host ?? '127.0.0.1';
  const byStatus: Record<string, number> = {};
  const pending = new Set<AbortController>();
  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const count = (key: string) => {
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  };

  const serve = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    requests += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // A client that disconnects (timeout, abort) ends any hang or latency wait for its request.
    const controller = new AbortController();
    pending.add(controller);
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) controller.abort();
    });
    try {
      const body = await readBody(incoming);
      const result = await handler(incoming.method ?? 'GET', incoming.url ?? '/', body, controller.signal);
      if (result.interrupt) {
        count(result.interrupt);
        await sendInterrupted(outgoing, result, controller.signal);
        return;
      }
      count(String(result.status));
      outgoing.writeHead(result.status, { ...result.headers, 'content-length': Buffer.byteLength(result.body) });
      outgoing.end(result.body);
    } catch (error) {
      if (controller.signal.aborted) {
        count('aborted');
        outgoing.destroy();
      } else {
        count('500');
        const message = error instanceof Error ? error.message : String(error);
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } }));
      }
    } finally {
      inFlight -= 1;
      pending.delete(controller);
    }
  };

  const server = createServer((incoming, outgoing) => void serve(incoming, outgoing));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    baseURL: `http://${urlHost}:${port}/v1`,
    port,
    stats: () => ({ requests, byStatus: { ...byStatus }, maxInFlight }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const controller of pending) controller.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Headers and the first half of the body; then a stall until the client leaves, or a cut connection. */
async function sendInterrupted(outgoing: ServerResponse, result: SimHttpResponse, signal: AbortSignal): Promise<void> {
  const body = Buffer.from(result.body);
  outgoing.writeHead(result.status, { ...result.headers, 'content-length': body.length });
  await new Promise<void>((resolve) => outgoing.write(body.subarray(0, Math.floor(body.length / 2)), () => resolve()));
  if (result.interrupt === 'reset') {
    outgoing.destroy();
    return;
  }
  if (signal.aborted) return;
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  outgoing.destroy();
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

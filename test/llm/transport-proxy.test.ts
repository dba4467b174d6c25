// HTTP(S)_PROXY and NO_PROXY for real endpoints: a tiny forward proxy on loopback records every
// tunnel it opens; the transport must go through it, and around it for NO_PROXY hosts.
import { createServer, request as httpRequest, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { proxyDispatcher, proxySettings } from '../../src/llm/proxy.ts';
import { endpointsOn, userMessage } from './helpers.ts';
import { closeReplayServers, replayServer, sendJson } from './replay-server.ts';

const proxies: Server[] = [];

afterEach(async () => {
  await closeReplayServers();
  await Promise.all(
    proxies.splice(0).map(
      (proxy) =>
        new Promise<void>((resolve) => {
          proxy.closeAllConnections();
          proxy.close(() => resolve());
        }),
    ),
  );
});

/** A forward proxy: CONNECT tunnels (what undici's ProxyAgent uses) and absolute-URI requests, each recorded. */
async function forwardProxy(): Promise<{ url: string; used: string[] }> {
  const used: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = createServer((incoming, outgoing) => {
    used.push(`${incoming.method} ${incoming.url}`);
    const target = new URL(incoming.url ?? '');
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: incoming.method, headers: incoming.headers },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  proxy.on('connect', (incoming, client: net.Socket, head: Buffer) => {
    used.push(`CONNECT ${incoming.url}`);
    const [host, port] = (incoming.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
  });
  proxy.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  proxies.push(proxy);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, used };
}

const answer = { choices: [{ message: { content: 'through' }, finish_reason: 'stop' }] };
const request = { model: 'sim-agent', messages: userMessage('Hi'), max_tokens: 8 };

async function callThrough(env: NodeJS.ProcessEnv, options: { injectFetch?: boolean; host?: string } = {}) {
  const server = await replayServer((_request, outgoing) => sendJson(outgoing, 200, answer));
  const baseURL = options.host ? server.baseURL.replace('127.0.0.1', options.host) : server.baseURL;
  const transport = createTransport({
    endpoint: endpointsOn(baseURL).roles.judge,
    apiKey: undefined,
    env,
    ...(options.injectFetch ? { fetch: globalThis.fetch } : {}),
  });
  const reply = await transport.complete(request);
  return { reply, port: new URL(server.baseURL).port, server };
}

describe('HTTP(S)_PROXY for real endpoints', () => {
  it('goes through HTTP_PROXY', async () => {
    const proxy = await forwardProxy();
    const { reply, port, server } = await callThrough({ HTTP_PROXY: proxy.url });
    expect(reply.content).toBe('through');
    expect(proxy.used).toEqual([`CONNECT 127.0.0.1:${port}`]);
    expect(server.requests).toHaveLength(1);
  });

  it('reads the lower-case spelling too, before the upper-case one', async () => {
    const proxy = await forwardProxy();
    const { port } = await callThrough({ http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:1' });
    expect(proxy.used).toEqual([`CONNECT 127.0.0.1:${port}`]);
  });

  it('NO_PROXY sends a listed host around the proxy', async () => {
    const proxy = await forwardProxy();
    const { reply } = await callThrough({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    expect(reply.content).toBe('through');
    expect(proxy.used).toEqual([]);
  });

  it('no_proxy in lower case and with a domain suffix', async () => {
    const proxy = await forwardProxy();
    await callThrough({ https_proxy: proxy.url, http_proxy: proxy.url, no_proxy: '.example.org, localhost' }, { host: 'localhost' });
    expect(proxy.used).toEqual([]);
  });

  it('an injected fetch (the in-process sim, tests) is never proxied', async () => {
    const proxy = await forwardProxy();
    await callThrough({ HTTP_PROXY: proxy.url }, { injectFetch: true });
    expect(proxy.used).toEqual([]);
  });

  it('no proxy variable: no dispatcher at all', () => {
    expect(proxySettings({})).toBeUndefined();
    expect(proxySettings({ NO_PROXY: 'localhost', HTTP_PROXY: '  ' })).toBeUndefined();
    expect(proxyDispatcher({})).toBeUndefined();
    expect(proxySettings({ HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'a' })).toEqual({
      httpProxy: undefined,
      httpsProxy: 'http://proxy:3128',
      noProxy: 'a',
    });
    expect(proxyDispatcher({ HTTPS_PROXY: 'http://proxy:3128' })).toBe(proxyDispatcher({ https_proxy: 'http://proxy:3128' }));
  });
});

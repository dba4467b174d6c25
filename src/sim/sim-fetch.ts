// The sim as a `fetch`: hand it to the openai client to talk to the sim without a socket.
import { createSimHandler } from './handler.ts';
import { abortError } from './latency.ts';
import type { SimOptions } from './types.ts';

export function createSimFetch(options: SimOptions): typeof fetch {
  const handler = createSimHandler(options);
  const simFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const method = init?.method ?? request?.method ?? 'GET';
    const signal = init?.signal ?? request?.signal ?? undefined;
    if (signal?.aborted) throw abortError(signal);
    const body = await bodyText(init?.body ?? null, request);
    const result = await handler(method, routePath(url), body, signal);
    const responseBody = result.interrupt ? interruptedBody(result.body, result.interrupt, signal) : result.body;
    return new Response(responseBody, { status: result.status, headers: result.headers });
  };
  return simFetch as typeof fetch;
}

/**
 * The first half of the body, then what undici does: for a cut connection the stream errors with
 * `TypeError: terminated`; for a stall it waits until the request's signal aborts (forever without one).
 */
function interruptedBody(body: string, interrupt: 'stall' | 'reset', signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(body);
  let sentFirstHalf = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sentFirstHalf) {
        sentFirstHalf = true;
        controller.enqueue(bytes.subarray(0, Math.floor(bytes.length / 2)));
        return undefined;
      }
      if (interrupt === 'reset') {
        controller.error(new TypeError('terminated'));
        return undefined;
      }
      return new Promise<void>((resolve) => {
        const fail = () => {
          controller.error(abortError(signal));
          resolve();
        };
        if (signal?.aborted) fail();
        else signal?.addEventListener('abort', fail, { once: true });
      });
    },
  });
}

/** `sim://local` base URLs may omit /v1; HTTP URLs are taken as they are. */
function routePath(url: URL): string {
  if (url.protocol === 'sim:' && !url.pathname.startsWith('/v1/')) return `/v1${url.pathname}`;
  return url.pathname;
}

async function bodyText(body: BodyInit | null, request: Request | undefined): Promise<string> {
  if (typeof body === 'string') return body;
  if (body !== null) return new Response(body).text();
  return request ? request.text() : '';
}

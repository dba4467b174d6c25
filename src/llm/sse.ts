// Server-sent events as chat-completion streams use them: `data:` lines (joined by newlines when
// an event has several), an optional `event:` name, `:` comment lines (keep-alives) skipped.

export interface SseMessage {
  event: string | undefined;
  data: string;
}

export interface SseOptions {
  /** Characters one event may hold before the stream is given up; bounds memory against a server that never ends a line. */
  maxEventChars: number;
  /** The error thrown when an event grows past maxEventChars. */
  tooLarge: () => Error;
}

/** The events of `body` in order; an event still open when the body ends is delivered too. */
export async function* sseMessages(body: ReadableStream<Uint8Array>, options: SseOptions): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let dataChars = 0;
  let event: string | undefined;
  let finished = false;

  function* takeLines(final: boolean): Generator<SseMessage> {
    for (;;) {
      const newline = buffer.indexOf('\n');
      if (newline === -1) break;
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      yield* takeLine(line);
    }
    if (final && buffer !== '') {
      const line = buffer.replace(/\r$/, '');
      buffer = '';
      yield* takeLine(line);
    }
    if (buffer.length + dataChars > options.maxEventChars) throw options.tooLarge();
  }

  function* takeLine(line: string): Generator<SseMessage> {
    if (line === '') {
      if (data.length > 0) yield { event, data: data.join('\n') };
      data = [];
      dataChars = 0;
      event = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') {
      data.push(value);
      dataChars += value.length + 1;
    } else if (field === 'event') {
      event = value;
    }
  }

  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      yield* takeLines(false);
    }
    buffer += decoder.decode();
    yield* takeLines(true);
    if (data.length > 0) yield { event, data: data.join('\n') };
    finished = true;
  } finally {
    // Stopped early (the caller broke off, or an error): release the connection.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

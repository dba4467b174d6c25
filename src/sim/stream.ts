// `stream: true`: the finished completion re-sent as OpenAI's server-sent chunks. Role first,
// then reasoning, content and tool-call deltas in a few pieces, the finish reason, an optional
// usage chunk, and `data: [DONE]`.
import type { SimHttpResponse } from './types.ts';

interface CompletionMessage {
  role: 'assistant';
  content: string | null;
  reasoning?: string;
  reasoning_content?: string;
  refusal: null;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

/** The chat.completion object (protocol.ts builds it). */
export interface CompletionBody {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: { index: number; message: CompletionMessage; logprobs: null; finish_reason: string }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details?: { cached_tokens: number };
    completion_tokens_details?: { reasoning_tokens: number };
  };
}

const MAX_PIECES = 4;
const MIN_PIECE = 16;

/** Up to four pieces of similar length, never splitting a surrogate pair. */
export function pieces(text: string): string[] {
  if (text === '') return [];
  const size = Math.max(MIN_PIECE, Math.ceil(text.length / MAX_PIECES));
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end += 1;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

export function streamResponse(body: CompletionBody, includeUsage: boolean): SimHttpResponse {
  const choice = body.choices[0]!;
  const message = choice.message;
  const head = { id: body.id, object: 'chat.completion.chunk', created: body.created, model: body.model, system_fingerprint: body.system_fingerprint };
  const events: unknown[] = [];
  const delta = (fields: Record<string, unknown>, finishReason: string | null = null) =>
    events.push({ ...head, choices: [{ index: 0, delta: fields, logprobs: null, finish_reason: finishReason }] });

  delta({ role: 'assistant', content: '' });
  if (message.reasoning !== undefined) for (const piece of pieces(message.reasoning)) delta({ reasoning: piece });
  if (message.reasoning_content !== undefined) for (const piece of pieces(message.reasoning_content)) delta({ reasoning_content: piece });
  for (const piece of pieces(message.content ?? '')) delta({ content: piece });
  (message.tool_calls ?? []).forEach((call, index) => {
    delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
    for (const piece of pieces(call.function.arguments)) delta({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  delta({}, choice.finish_reason);
  if (includeUsage) events.push({ ...head, choices: [], usage: body.usage });

  const text = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + 'data: [DONE]\n\n';
  return { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, body: text };
}

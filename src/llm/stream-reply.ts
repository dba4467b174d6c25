// A streamed chat completion (`stream: true`) folded into the same shape as a whole one: content
// and reasoning deltas joined, tool-call pieces gathered by their index, the finish reason and the
// usage chunk (`stream_options.include_usage`) kept.
import { LlmCallError } from '../errors.ts';
import { describeEndpoint, inBodyError, isRecord, protocolError, type CallContext } from './call-errors.ts';
import {
  argumentsText,
  noChoicesError,
  readCompletion,
  readContent,
  readFinishReason,
  readUsage,
  toolCall,
  type ReadCompletion,
  type ReplyUsage,
} from './reply-envelope.ts';
import { sseMessages } from './sse.ts';

/** Text a stream may add up to (content, reasoning and tool arguments together) before it is refused. */
export const MAX_STREAMED_CHARS = 32 * 1024 * 1024;
/** Tool calls are gathered by the index the server gives; more than this many is not a real reply. */
export const MAX_STREAMED_TOOL_CALLS = 128;

export interface StreamReadOptions {
  context: CallContext;
  /** Called for every event received: the transport's idle deadline starts again. */
  onActivity: () => void;
}

/**
 * Reads the whole stream of `response`. A server that ignored `stream: true` and sent one JSON
 * body is read as a whole reply. Throws LlmCallError: the server's own error event, no choices,
 * a stream that ended before a finish reason (retryable LLM_NETWORK), or a protocol fault.
 */
export async function readStreamedCompletion(response: Response, options: StreamReadOptions): Promise<ReadCompletion> {
  const { context } = options;
  const type = response.headers.get('content-type') ?? '';
  if (/\bapplication\/json\b/i.test(type)) {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw protocolError(context, 'the body is not JSON');
    }
    return readCompletion(body, context);
  }
  if (!response.body) throw protocolError(context, 'the stream has no body');

  const accumulator = createStreamAccumulator(context);
  const events = sseMessages(response.body, {
    maxEventChars: MAX_STREAMED_CHARS,
    tooLarge: () => tooLargeError(context),
  });
  for await (const message of events) {
    options.onActivity();
    if (message.data.trim() === '[DONE]') break;
    let chunk: unknown;
    try {
      chunk = JSON.parse(message.data);
    } catch {
      throw protocolError(context, 'a stream event is not JSON');
    }
    if (message.event === 'error') throw inBodyError(isRecord(chunk) && chunk['error'] !== undefined ? chunk['error'] : chunk, context);
    accumulator.add(chunk);
  }
  return accumulator.finish();
}

interface ToolCallParts {
  id: string | undefined;
  name: string;
  args: string[];
}

export interface StreamAccumulator {
  /** One parsed event. Throws LlmCallError for an error event or a broken chunk. */
  add(chunk: unknown): void;
  /** The completion the events made up. */
  finish(): ReadCompletion;
}

export function createStreamAccumulator(context: CallContext): StreamAccumulator {
  const content: string[] = [];
  const reasoning: string[] = [];
  const legacyReasoning: string[] = [];
  // Keyed by the server's numeric index, never by a server-written string.
  const toolCalls = new Map<number, ToolCallParts>();
  let finishReason: string | undefined;
  let usage: ReplyUsage | undefined;
  let sawChoice = false;
  let characters = 0;

  const count = (text: string) => {
    characters += text.length;
    if (characters > MAX_STREAMED_CHARS) throw tooLargeError(context);
  };

  function addToolCall(delta: unknown, position: number): void {
    if (!isRecord(delta)) throw protocolError(context, 'a streamed tool call is not an object');
    const index = delta['index'] === undefined ? position : delta['index'];
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_STREAMED_TOOL_CALLS) {
      throw protocolError(context, 'a streamed tool call has no usable index');
    }
    let parts = toolCalls.get(index);
    if (!parts) {
      if (toolCalls.size >= MAX_STREAMED_TOOL_CALLS) throw protocolError(context, 'too many streamed tool calls');
      parts = { id: undefined, name: '', args: [] };
      toolCalls.set(index, parts);
    }
    if (typeof delta['id'] === 'string' && delta['id'] !== '' && parts.id === undefined) parts.id = delta['id'];
    const type = delta['type'];
    if (type !== undefined && type !== null && type !== 'function') throw protocolError(context, 'a streamed tool call is not a function call');
    const fn = delta['function'];
    if (!isRecord(fn)) return;
    // The name comes whole in the first piece; a server that repeats it in later pieces is not doubled.
    const name = fn['name'];
    if (typeof name === 'string' && name !== '' && name !== parts.name) {
      count(name);
      parts.name += name;
    }
    const args = fn['arguments'];
    if (args !== undefined && args !== null) {
      const text = argumentsText(args);
      count(text);
      parts.args.push(text);
    }
  }

  return {
    add(chunk) {
      if (!isRecord(chunk)) throw protocolError(context, 'a stream event is not a JSON object');
      const error = chunk['error'];
      if (error !== undefined && error !== null) throw inBodyError(error, context);
      if (isRecord(chunk['usage'])) usage = readUsage(chunk['usage']);
      const choices = chunk['choices'];
      if (choices === undefined || choices === null) return;
      if (!Array.isArray(choices)) throw protocolError(context, 'a stream event has a choices field that is not a list');
      for (const choice of choices as unknown[]) {
        if (!isRecord(choice)) throw protocolError(context, 'a streamed choice is not an object');
        // We never ask for n > 1: other choices are not ours to join.
        if (choice['index'] !== undefined && choice['index'] !== 0) continue;
        sawChoice = true;
        const delta = choice['delta'];
        if (isRecord(delta)) {
          const text = readContent(delta['content'], context, 'choices[0].delta.content');
          if (text !== null) {
            count(text);
            content.push(text);
          }
          if (typeof delta['reasoning'] === 'string') {
            count(delta['reasoning']);
            reasoning.push(delta['reasoning']);
          }
          if (typeof delta['reasoning_content'] === 'string') {
            count(delta['reasoning_content']);
            legacyReasoning.push(delta['reasoning_content']);
          }
          const calls = delta['tool_calls'];
          if (Array.isArray(calls)) calls.forEach((call: unknown, position) => addToolCall(call, position));
          else if (calls !== undefined && calls !== null) throw protocolError(context, 'choices[0].delta.tool_calls is not a list');
        }
        if (choice['finish_reason'] !== undefined && choice['finish_reason'] !== null) finishReason = readFinishReason(choice['finish_reason']);
      }
    },

    finish() {
      if (!sawChoice) throw noChoicesError(context);
      if (finishReason === undefined) {
        throw new LlmCallError(`the stream from ${describeEndpoint(context.endpoint)} ended before the reply was finished`, {
          retryable: true,
          code: 'LLM_NETWORK',
        });
      }
      const calls = [...toolCalls.entries()].sort(([a], [b]) => a - b);
      return {
        // A stream cannot tell empty content from none (servers open with `content: ''` even
        // before tool calls): nothing written is null, as in a whole tool-call reply.
        content: content.join('') || null,
        reasoningField: joinedReasoning(reasoning.join(''), legacyReasoning.join('')),
        toolCalls: calls.map(([index, parts]) => {
          if (parts.name === '') throw protocolError(context, `streamed tool call ${index} has no name`);
          return toolCall(parts.id, index, parts.name, parts.args.length > 0 ? parts.args.join('') : '{}');
        }),
        finishReason,
        usage: usage ?? { promptTokens: 0, completionTokens: 0 },
      };
    },
  };
}

/** vLLM in its renaming period may send both fields with the same text: it is kept once. */
function joinedReasoning(reasoning: string, legacy: string): string | null {
  if (reasoning && legacy && reasoning !== legacy) return `${reasoning}\n\n${legacy}`;
  return reasoning || legacy || null;
}

function tooLargeError(context: CallContext): LlmCallError {
  return new LlmCallError(`the stream from ${describeEndpoint(context.endpoint)} grew past ${MAX_STREAMED_CHARS} characters`, {
    retryable: false,
    code: 'LLM_PROTOCOL',
  });
}

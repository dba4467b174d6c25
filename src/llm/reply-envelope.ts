// Reads a chat-completion body as servers really send it, before reasoning is separated.
// Lenient where servers differ harmlessly (content as a list of parts, tool calls without an id or
// type, usage extras), strict where the reply cannot be used (no message, a tool call without a
// name). Every number is bounded: the body is written by whoever runs the server.
import { LlmCallError } from '../errors.ts';
import { describeEndpoint, inBodyError, isRecord, NO_CHOICES_CODE, protocolError, type CallContext } from './call-errors.ts';
import type { ToolCall } from './types.ts';

/** Token counts and cost as the server reported them. */
export interface ReplyUsage {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens?: number;
  cachedTokens?: number;
  providerCost?: number;
}

/** One completion, its content still holding any in-content reasoning. */
export interface ReadCompletion {
  content: string | null;
  /** message.reasoning or message.reasoning_content, when the server sent either. */
  reasoningField: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  usage: ReplyUsage;
}

/** More than any real reply uses; a count above it is a broken or hostile server. */
const MAX_TOKEN_COUNT = 100_000_000;
/** USD; a cost above this for one call is not believed. */
const MAX_COST = 100_000;
const MAX_FINISH_REASON_CHARS = 64;

/**
 * The completion in a parsed body. Throws an LlmCallError: the server's own `error` (see
 * inBodyError), LLM_NO_CHOICES (retryable) for an empty `choices`, LLM_PROTOCOL naming what is
 * missing for anything else that is not a chat completion.
 */
export function readCompletion(body: unknown, context: CallContext): ReadCompletion {
  if (!isRecord(body)) return fail(protocolError(context, typeof body === 'string' ? 'the body is not JSON' : 'the body is not a JSON object'));
  const error = body['error'];
  if (error !== undefined && error !== null) return fail(inBodyError(error, context));
  const choices = body['choices'];
  if (!Array.isArray(choices)) return fail(protocolError(context, 'no choices list'));
  if (choices.length === 0) return fail(noChoicesError(context));
  const choice: unknown = choices[0];
  if (!isRecord(choice) || !isRecord(choice['message'])) return fail(protocolError(context, 'choices[0] has no message'));
  const message = choice['message'];
  return {
    content: readContent(message['content'], context, 'choices[0].message.content'),
    reasoningField: readReasoningField(message),
    toolCalls: readToolCalls(message['tool_calls'], context),
    finishReason: readFinishReason(choice['finish_reason']),
    usage: readUsage(body['usage']),
  };
}

export function noChoicesError(context: CallContext): LlmCallError {
  return new LlmCallError(`${describeEndpoint(context.endpoint)} sent no choices (an empty reply); trying again`, {
    retryable: true,
    code: NO_CHOICES_CODE,
  });
}

/** A string, null, or the text parts of a list of content parts joined (other parts are skipped). */
export function readContent(value: unknown, context: CallContext, where: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const texts = value.flatMap((part) => (isRecord(part) && typeof part['text'] === 'string' && isTextPart(part['type']) ? [part['text']] : []));
    return texts.length > 0 ? texts.join('') : null;
  }
  return fail(protocolError(context, `${where} is neither text nor a list of parts`));
}

function isTextPart(type: unknown): boolean {
  return type === undefined || type === 'text' || type === 'output_text';
}

/** `reasoning` (vLLM >= 0.11, Ollama, OpenRouter) or `reasoning_content` (older vLLM, SGLang, DeepSeek); both when they differ. */
export function readReasoningField(message: Record<string, unknown>): string | null {
  const reasoning = typeof message['reasoning'] === 'string' ? message['reasoning'] : undefined;
  const legacy = typeof message['reasoning_content'] === 'string' ? message['reasoning_content'] : undefined;
  if (reasoning && legacy && reasoning !== legacy) return `${reasoning}\n\n${legacy}`;
  return reasoning || legacy || null;
}

/** Tool calls with a deterministic `call_<index>` id where the server gave none, and type 'function'. */
function readToolCalls(value: unknown, context: CallContext): ToolCall[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(protocolError(context, 'choices[0].message.tool_calls is not a list'));
  return value.map((call: unknown, index) => {
    const where = `choices[0].message.tool_calls[${index}]`;
    if (!isRecord(call) || !isRecord(call['function'])) return fail(protocolError(context, `${where} has no function`));
    const type = call['type'];
    if (type !== undefined && type !== null && type !== 'function') return fail(protocolError(context, `${where} is not a function call`));
    const name = call['function']['name'];
    if (typeof name !== 'string' || name === '') return fail(protocolError(context, `${where}.function has no name`));
    return toolCall(call['id'], index, name, argumentsText(call['function']['arguments']));
  });
}

export function toolCall(id: unknown, index: number, name: string, args: string): ToolCall {
  return {
    id: typeof id === 'string' && id !== '' ? id : `call_${index}`,
    type: 'function',
    function: { name, arguments: args },
  };
}

/** Arguments as JSON text: a string as sent, an object (Ollama's native shape) serialized, nothing as `{}`. */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '{}';
  return JSON.stringify(value);
}

export function readFinishReason(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_FINISH_REASON_CHARS) : 'unknown';
}

/**
 * Token counts, with OpenAI's completion_tokens_details.reasoning_tokens and
 * prompt_tokens_details.cached_tokens (DeepSeek's prompt_cache_hit_tokens when those are absent)
 * and OpenRouter's usage.cost. Counts that are not non-negative integers within bounds are dropped.
 */
export function readUsage(value: unknown): ReplyUsage {
  if (!isRecord(value)) return { promptTokens: 0, completionTokens: 0 };
  const completionDetails = isRecord(value['completion_tokens_details']) ? value['completion_tokens_details'] : {};
  const promptDetails = isRecord(value['prompt_tokens_details']) ? value['prompt_tokens_details'] : {};
  const reasoningTokens = tokenCount(completionDetails['reasoning_tokens']);
  const cachedTokens = tokenCount(promptDetails['cached_tokens']) ?? tokenCount(value['prompt_cache_hit_tokens']);
  const providerCost = cost(value['cost']);
  return {
    promptTokens: tokenCount(value['prompt_tokens']) ?? 0,
    completionTokens: tokenCount(value['completion_tokens']) ?? 0,
    ...(reasoningTokens !== undefined ? { reasoningTokens } : {}),
    ...(cachedTokens !== undefined ? { cachedTokens } : {}),
    ...(providerCost !== undefined ? { providerCost } : {}),
  };
}

function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_COUNT ? value : undefined;
}

function cost(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_COST ? value : undefined;
}

function fail(error: LlmCallError): never {
  throw error;
}

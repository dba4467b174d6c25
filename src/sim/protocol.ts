// The OpenAI chat-completions wire format: parsing requests into SimRequest, shaping replies and errors.
import { z } from 'zod';
import type { ChatMessage, ToolSpec } from '../llm/types.ts';
import { sha256Hex } from '../util/hash.ts';
import { canonicalJsonOfParsed } from './canonical-json.ts';
import type { SimReply, SimRequest } from './personas/index.ts';
import type { ReasonedReply } from './reasoning.ts';
import { findSchemaBlock } from './schema-block.ts';
import { contextRefusal, parseServedModel, servingRefusal, SIM_MODELS, type ServingOptions } from './serving-options.ts';
import type { CompletionBody } from './stream.ts';
import type { SimToolChoice } from './tool-choice.ts';
import type { SimHttpResponse } from './types.ts';

/** The models the sim serves (GET /v1/models); a request may add serving options (serving-options.ts). */
export { SIM_MODELS };

/** Replies carry a fixed `created` time so that they are byte-identical across runs and transports. */
const FIXED_CREATED = 1_700_000_000;

const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.null(), z.array(contentPartSchema)]).optional(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string(),
        type: z.literal('function'),
        function: z.looseObject({ name: z.string(), arguments: z.string() }),
      }),
    )
    .optional(),
  tool_call_id: z.string().optional(),
});

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string().min(1), schema: z.unknown().optional(), strict: z.boolean().nullish() }),
  }),
]);

const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  tools: z.array(toolSchema).optional(),
  tool_choice: z.unknown().optional(),
  response_format: responseFormatSchema.optional(),
  temperature: z.number().min(0).max(2).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

/** A chat request as the handler serves it. */
export interface ParsedChat {
  /** What the personas see: the base model, the canonical body without the serving options, a schema block read. */
  request: SimRequest;
  /** The request as sent (a schema block left in place): what the prompt and its prefix cache count. */
  sent: SimRequest;
  /** The model name as sent, options included; replies echo it. */
  servedModel: string;
  options: ServingOptions;
  /** The sim's estimate of the prompt as sent. */
  promptTokens: number;
  /** Present for stream: true. */
  stream?: { includeUsage: boolean };
}

export type ParsedRequest =
  | { ok: true; chat: ParsedChat }
  | { ok: false; status: 400 | 404; message: string; param: string | null; code?: string };

/**
 * Parses a request body; a body that is not a valid chat-completions request, or that the serving
 * options refuse, gives a 400 message; an unknown model a 404.
 */
export function parseChatRequest(body: string): ParsedRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, status: 400, message: 'The request body is not valid JSON.', param: null };
  }
  const parsed = chatRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue && issue.path.length > 0 ? issue.path.join('.') : null;
    return { ok: false, status: 400, message: `Invalid request: ${param ?? 'body'}: ${issue?.message ?? 'invalid'}`, param };
  }
  const data = parsed.data;
  const served = parseServedModel(data.model);
  if (!served.ok) {
    return { ok: false, status: served.status, message: served.message, param: 'model', code: served.status === 404 ? 'model_not_found' : 'invalid_model' };
  }
  const options = served.options;
  if (data.n != null && data.n !== 1) return { ok: false, status: 400, message: 'The sim returns one choice; n must be 1.', param: 'n' };
  const refusal = servingRefusal(options, {
    hasTools: (data.tools ?? []).length > 0,
    toolChoice: data.tool_choice,
    responseFormatType: data.response_format?.type,
    seed: data.seed,
  });
  if (refusal) return { ok: false, status: 400, message: refusal.message, param: refusal.param };
  const tools: ToolSpec[] | undefined =
    data.tools && data.tools.length > 0 && data.tool_choice !== 'none'
      ? data.tools.map((tool) => ({
          type: 'function',
          function: {
            name: tool.function.name,
            description: tool.function.description ?? '',
            parameters: tool.function.parameters ?? {},
          },
        }))
      : undefined;
  const toolChoice = parseToolChoice(data.tool_choice, tools);
  if (!toolChoice.ok) return { ok: false, status: 400, message: toolChoice.message, param: 'tool_choice' };
  const format = data.response_format;
  const responseFormat =
    format?.type === 'json_schema'
      ? { name: format.json_schema.name, schema: format.json_schema.schema ?? {} }
      : format?.type === 'json_object'
        ? { name: 'json_object', schema: { type: 'object' } }
        : undefined;
  const maxTokens = data.max_completion_tokens ?? data.max_tokens ?? undefined;
  const seed = options.seed === 'ignore' ? undefined : (data.seed ?? undefined);
  const request: SimRequest = {
    model: served.base,
    messages: data.messages.map(toChatMessage),
    canonical: canonicalJsonOfParsed(unservedBody(raw as Record<string, unknown>, served.base, options, data.stream === true)),
    ...(tools ? { tools } : {}),
    ...(toolChoice.value !== undefined ? { toolChoice: toolChoice.value } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    ...(data.temperature != null ? { temperature: data.temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
  const promptTokens = Math.ceil(promptLength(request) / 4);
  if (options.context !== undefined) {
    const tooLong = contextRefusal(options.context, promptTokens, maxTokens);
    if (tooLong) return { ok: false, status: 400, message: tooLong, param: 'messages', code: 'context_length_exceeded' };
  }
  const block = format?.type === 'json_schema' ? undefined : findSchemaBlock(request.messages);
  const chat: ParsedChat = {
    request: block ? { ...request, messages: block.messages, responseFormat: { name: block.name, schema: block.schema } } : request,
    sent: request,
    servedModel: data.model,
    options,
    promptTokens,
    ...(data.stream ? { stream: { includeUsage: data.stream_options?.include_usage === true } } : {}),
  };
  return { ok: true, chat };
}

/**
 * The body the plain model would have been sent: the base model name, no ignored seed, no stream
 * fields (a streamed reply carries the same content as the unstreamed one). Untouched, and so
 * canonically the same bytes as before, when there is nothing to take out.
 */
function unservedBody(raw: Record<string, unknown>, base: string, options: ServingOptions, stream: boolean): Record<string, unknown> {
  if (raw.model === base && options.seed !== 'ignore' && !stream) return raw;
  const body: Record<string, unknown> = { ...raw, model: base };
  if (options.seed === 'ignore') delete body.seed;
  if (stream) {
    delete body.stream;
    delete body.stream_options;
  }
  return body;
}

const namedToolChoiceSchema = z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) });

/**
 * "none" / "auto" / "required" / {type: "function", function: {name}}, as OpenAI accepts them:
 * "required" or a name without tools, or a name that is not among the tools, is a 400.
 */
function parseToolChoice(
  raw: unknown,
  tools: ToolSpec[] | undefined,
): { ok: true; value: SimToolChoice | undefined } | { ok: false; message: string } {
  if (raw === undefined || raw === null || raw === 'none') return { ok: true, value: undefined };
  if (raw === 'auto') return { ok: true, value: tools ? 'auto' : undefined };
  const named = namedToolChoiceSchema.safeParse(raw);
  if (raw !== 'required' && !named.success) {
    return { ok: false, message: `Invalid value for 'tool_choice': expected "none", "auto", "required" or {"type": "function", "function": {"name": ...}}.` };
  }
  if (!tools) return { ok: false, message: `Invalid value for 'tool_choice': it is only allowed when 'tools' are specified.` };
  if (!named.success) return { ok: true, value: 'required' };
  const name = named.data.function.name;
  if (!tools.some((tool) => tool.function.name === name)) {
    return { ok: false, message: `Invalid value for 'tool_choice': no function named '${name.slice(0, 64)}' in 'tools'.` };
  }
  return { ok: true, value: { name } };
}

function toChatMessage(message: z.infer<typeof messageSchema>): ChatMessage {
  const content = Array.isArray(message.content)
    ? message.content.map((part) => part.text ?? '').join('')
    : (message.content ?? null);
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: content ?? '' };
    case 'user':
      return { role: 'user', content: content ?? '' };
    case 'tool':
      return { role: 'tool', content: content ?? '', tool_call_id: message.tool_call_id ?? '' };
    case 'assistant':
      return {
        role: 'assistant',
        content,
        ...(message.tool_calls
          ? {
              tool_calls: message.tool_calls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.function.name, arguments: call.function.arguments },
              })),
            }
          : {}),
      };
  }
}

/** About four characters per token, like most BPE vocabularies on English text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The length of `promptText(request)`, without building it (the token estimate needs only that). */
export function promptLength(request: SimRequest): number {
  let length = 0;
  for (const message of request.messages) {
    length += (message.content ?? '').length;
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) length += 1 + call.function.arguments.length;
  }
  let parts = request.messages.length;
  if (request.tools) {
    length += JSON.stringify(request.tools).length;
    parts += 1;
  }
  if (request.responseFormat) {
    length += JSON.stringify(request.responseFormat.schema).length;
    parts += 1;
  }
  return length + Math.max(0, parts - 1);
}

/**
 * The prompt as the server's chat template lays it out, which is what its prefix cache sees: the
 * tool definitions first (vLLM's and SGLang's templates render them into the system turn before
 * the conversation, and OpenAI caches them as part of the prefix), then the messages in order,
 * then the response schema (guided decoding; it never precedes the conversation). So a growing
 * tool-calling conversation re-sends a prefix the server has seen, tools included.
 */
export function promptText(request: SimRequest): string {
  const parts = request.tools ? [JSON.stringify(request.tools)] : [];
  for (const message of request.messages) {
    const calls = message.role === 'assistant' ? (message.tool_calls ?? []).map((call) => call.function.arguments) : [];
    parts.push([message.content ?? '', ...calls].join('\n'));
  }
  if (request.responseFormat) parts.push(JSON.stringify(request.responseFormat.schema));
  return parts.join('\n');
}

export function completionText(reply: SimReply): string {
  return [reply.content ?? '', ...(reply.toolCalls ?? []).map((call) => call.name + call.arguments)].join('');
}

/** Cuts a reply to `maxTokens` (about 4 characters each), as a server does when the limit is hit. */
export function enforceMaxTokens(reply: SimReply, maxTokens: number | undefined): SimReply {
  if (maxTokens === undefined || estimateTokens(completionText(reply)) <= maxTokens) return reply;
  const text = reply.content ?? (reply.toolCalls ?? []).map((call) => call.arguments).join('\n');
  return { content: text.slice(0, maxTokens * 4), finishReason: 'length' };
}

/**
 * The chat.completion object. `sampleTag` tells repeated samples of one request apart in the ids
 * ('' for the first); `reasoned` carries a thinking model's reasoning field and token counts;
 * `cachedTokens`, when the server has a prefix cache, is reported as prompt_tokens_details.
 */
export function chatCompletionBody(
  chat: ParsedChat,
  reply: SimReply,
  simSeed: number,
  sampleTag: string,
  reasoned?: Omit<ReasonedReply, 'reply'>,
  cachedTokens?: number,
): CompletionBody {
  const digest = sha256Hex(`${simSeed}\u0000${chat.request.canonical}${sampleTag === '' ? '' : `\u0000${sampleTag}`}`);
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: `call_${digest.slice(0, 16)}_${index}`,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));
  const finishReason = reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const promptTokens = chat.promptTokens;
  const completionTokens = reasoned ? reasoned.completionTokens : estimateTokens(completionText(reply));
  return {
    id: `chatcmpl-sim-${digest.slice(0, 24)}`,
    object: 'chat.completion',
    created: FIXED_CREATED,
    model: chat.servedModel,
    system_fingerprint: `sim-${simSeed}`,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content,
          ...reasoningField(reasoned?.field),
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      ...(cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: cachedTokens } } : {}),
      ...(reasoned ? { completion_tokens_details: { reasoning_tokens: reasoned.reasoningTokens } } : {}),
    },
  };
}

function reasoningField(field: ReasonedReply['field']): { reasoning?: string; reasoning_content?: string } {
  if (!field) return {};
  return field.name === 'reasoning' ? { reasoning: field.text } : { reasoning_content: field.text };
}

export function errorResponse(
  status: number,
  message: string,
  details: { type: string; code?: string | null; param?: string | null; headers?: Record<string, string> },
): SimHttpResponse {
  const body = { error: { message, type: details.type, param: details.param ?? null, code: details.code ?? null } };
  return jsonResponse(status, body, details.headers);
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): SimHttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

// One role's wire: the official openai client with no retries of its own (ours is the only layer).
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import type { Endpoint } from '../config/endpoints.ts';
import { LlmCallError } from '../errors.ts';
import type { JsonSchemaResponseFormat } from './structured.ts';
import { parseRetryAfter } from './retry.ts';
import type { ChatMessage, ToolCall, ToolSpec } from './types.ts';

/**
 * The chat-completions body we send; every field takes part in the cache key. Built from the role's
 * endpoint settings in one place (wire-request.ts); optional fields are sent only when set.
 */
export interface WireRequest {
  model: string;
  messages: ChatMessage[];
  /** Absent when the endpoint's temperature is null (reasoning models that accept only their default). */
  temperature?: number;
  /** Exactly one of max_tokens / max_completion_tokens, by the endpoint's maxTokensField. */
  max_tokens?: number;
  max_completion_tokens?: number;
  /** Absent when the endpoint's sendSeed is false (the cache key still carries the seed). */
  seed?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: string;
  stop?: string | string[];
  tools?: ToolSpec[];
  tool_choice?: 'auto' | 'required' | 'none';
  response_format?: JsonSchemaResponseFormat | { type: 'json_object' };
  /** The endpoint's extraBody, merged into the body at the top level when sent. */
  extra_body?: Record<string, unknown>;
}

export interface WireReply {
  /** The answer only: reasoning written inside the content is moved to `reasoning` (reasoning.ts). */
  content: string | null;
  /** The model's thinking: the reply's reasoning / reasoning_content field, or tags cut out of the content. */
  reasoning: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
  /** usage.completion_tokens_details.reasoning_tokens, when the server reports it (part of completionTokens). */
  reasoningTokens?: number;
  /** usage.prompt_tokens_details.cached_tokens, when reported (part of promptTokens). */
  cachedTokens?: number;
  /** A cost the provider reports with the reply (OpenRouter's usage.cost), in its currency (USD). */
  providerCost?: number;
}

export interface Transport {
  /** One attempt. Throws only LlmCallError (retryable or not). */
  complete(request: WireRequest): Promise<WireReply>;
  /** Ids from GET {baseURL}/models. Throws only LlmCallError. */
  listModels(): Promise<string[]>;
}

// Loose on purpose: servers add fields; we need only these.
const envelopeSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string(),
                type: z.literal('function').optional(),
                function: z.object({ name: z.string(), arguments: z.string() }),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
});

export function createTransport(options: { endpoint: Endpoint; apiKey: string | undefined; fetch?: typeof fetch }): Transport {
  const { endpoint, apiKey } = options;
  const client = new OpenAI({
    baseURL: endpoint.baseURL,
    apiKey: apiKey ?? 'not-needed',
    maxRetries: 0,
    timeout: endpoint.timeoutMs,
    logLevel: 'off', // its debug logs would print request bodies
    // Not from OPENAI_ORG_ID / OPENAI_PROJECT_ID: those belong to OpenAI, not to whatever server this is.
    organization: null,
    project: null,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const describe = (error: unknown) => toLlmCallError(error, { endpoint, apiKey });

  /**
   * The client's own `timeout` covers only the wait for the response headers. This deadline covers
   * the whole exchange, reading and parsing the body included: a server that sends headers and
   * then stalls is a timeout like any other.
   */
  async function withDeadline<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort();
    }, endpoint.timeoutMs);
    try {
      return await operation(deadline.signal);
    } catch (error) {
      if (timedOut) throw timeoutError(endpoint);
      throw describe(error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async complete(request) {
      const { extra_body: extraBody, ...fields } = request;
      const body = { ...extraBody, ...fields };
      const raw: unknown = await withDeadline((signal) =>
        client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal }),
      );
      const envelope = envelopeSchema.safeParse(raw);
      if (!envelope.success) {
        throw new LlmCallError(`${endpoint.baseURL} (${endpoint.model}) sent a reply that is not a chat completion`, {
          retryable: false,
          code: 'LLM_PROTOCOL',
        });
      }
      const choice = envelope.data.choices[0]!;
      return {
        content: choice.message.content ?? null,
        reasoning: null,
        toolCalls: (choice.message.tool_calls ?? []).map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.function.name, arguments: call.function.arguments },
        })),
        finishReason: choice.finish_reason ?? 'unknown',
        promptTokens: envelope.data.usage?.prompt_tokens ?? 0,
        completionTokens: envelope.data.usage?.completion_tokens ?? 0,
      };
    },
    listModels() {
      return withDeadline(async (signal) => {
        const ids: string[] = [];
        for await (const model of client.models.list({ signal })) ids.push(model.id);
        return ids;
      });
    },
  };
}

function timeoutError(endpoint: Endpoint): LlmCallError {
  return new LlmCallError(`timed out after ${endpoint.timeoutMs} ms waiting for ${endpoint.baseURL} (${endpoint.model})`, {
    retryable: true,
    code: 'LLM_TIMEOUT',
  });
}

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;
const KEY_LIKE = /\b(sk|pk|rk|key)-[A-Za-z0-9_*.-]{6,}/g;

/** Error codes and types servers use for an exhausted quota or credit (OpenAI, OpenRouter, Anthropic-style). */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'insufficient_credits']);
// "billing" only as a word of prose: OpenAI's ordinary rate-limit message links to .../account/billing.
const QUOTA_TEXT =
  /exceeded your current quota|insufficient[_ ]quota|credit balance is too low|insufficient (credits|balance|funds)|out of credits|(?<![/\w])billing\b/i;
/** Error codes and messages of a connection cut in the middle of a reply (undici, node:http). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const RESET_TEXT = /^terminated$|socket hang up|other side closed|ECONNRESET/i;

/**
 * Classifies whatever the client threw. The message names the endpoint and the status, plus a
 * short server message scrubbed of the key (servers sometimes quote part of a bad key back).
 * Codes: LLM_TIMEOUT, LLM_NETWORK, LLM_RATE_LIMITED and 5xx LLM_HTTP are retryable; LLM_QUOTA
 * (quota or credit exhausted) and LLM_AUTH (401, or a 403 that is not about quota) never heal
 * during a run.
 */
export function toLlmCallError(error: unknown, context: { endpoint: Endpoint; apiKey: string | undefined }): LlmCallError {
  const where = `${context.endpoint.baseURL} (${context.endpoint.model})`;
  if (error instanceof LlmCallError) return error;
  if (error instanceof APIConnectionTimeoutError) return timeoutError(context.endpoint);
  if (error instanceof APIUserAbortError) {
    return new LlmCallError(`request to ${where} was aborted`, { retryable: false, code: 'LLM_ABORTED' });
  }
  if (error instanceof APIConnectionError) {
    const detail = innermostCause(error);
    return new LlmCallError(`cannot reach ${where} (${scrub(detail, context.apiKey)})`, {
      retryable: true,
      code: 'LLM_NETWORK',
    });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const serverMessage = (error.error as { message?: unknown } | undefined)?.message;
    const detail = typeof serverMessage === 'string' ? `: ${scrub(serverMessage, context.apiKey)}` : '';
    const message = `HTTP ${status} from ${where}${detail}`;
    if (isQuotaError(error, serverMessage)) return new LlmCallError(message, { status, retryable: false, code: 'LLM_QUOTA' });
    if (status === 401 || status === 403) return new LlmCallError(message, { status, retryable: false, code: 'LLM_AUTH' });
    const retryAfterMs = parseRetryAfter(error.headers);
    return new LlmCallError(message, {
      status,
      retryable: RETRYABLE_STATUS(status),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      code: status === 429 ? 'LLM_RATE_LIMITED' : 'LLM_HTTP',
    });
  }
  const reset = connectionReset(error);
  if (reset !== undefined) {
    return new LlmCallError(`connection to ${where} was cut off in the middle of the reply (${scrub(reset, context.apiKey)})`, {
      retryable: true,
      code: 'LLM_NETWORK',
    });
  }
  // Anything else from inside the client (e.g. a body that is not JSON) is a protocol fault.
  const name = error instanceof Error ? error.name : typeof error;
  return new LlmCallError(`unexpected reply from ${where} (${name})`, { retryable: false, code: 'LLM_PROTOCOL' });
}

/** 402 always; 429 or 403 when the server's code, type or message says the quota or credit is spent. */
function isQuotaError(error: APIError, serverMessage: unknown): boolean {
  const status = error.status;
  if (status === 402) return true;
  if (status !== 429 && status !== 403) return false;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const type = typeof error.type === 'string' ? error.type : undefined;
  if ((code !== undefined && QUOTA_CODES.has(code)) || (type !== undefined && QUOTA_CODES.has(type))) return true;
  const text = typeof serverMessage === 'string' ? serverMessage : error.message;
  return QUOTA_TEXT.test(text);
}

/** The detail of a connection reset anywhere in the cause chain (undici: TypeError "terminated" <- SocketError). */
function connectionReset(error: unknown): string | undefined {
  let found: string | undefined;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) found = code;
    else if (RESET_TEXT.test(current.message)) found ??= current.message;
    current = current.cause;
  }
  return found;
}

/** undici wraps the useful part ("ECONNREFUSED") two causes deep under "fetch failed". */
function innermostCause(error: Error): string {
  let detail = error.message;
  let current: unknown = error.cause;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    detail = typeof code === 'string' ? code : current.message;
    current = current.cause;
  }
  return detail;
}

/** Removes the key (and anything that looks like one) and makes the text one line of at most `maxLength` characters. */
export function scrub(text: string, apiKey: string | undefined, maxLength = 160): string {
  let cleaned = apiKey ? text.split(apiKey).join('[redacted]') : text;
  cleaned = cleaned.replace(KEY_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 3)}...` : cleaned;
}

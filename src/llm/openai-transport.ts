// One role's wire: the official openai client with no retries of its own (ours is the only layer).
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import type { Endpoint } from '../config/endpoints.ts';
import { LlmCallError } from '../errors.ts';
import type { JsonSchemaResponseFormat } from './structured.ts';
import { parseRetryAfter } from './retry.ts';
import type { ChatMessage, ToolCall, ToolSpec } from './types.ts';

/** The chat-completions body we send; every field takes part in the cache key. */
export interface WireRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  max_tokens: number;
  seed: number;
  tools?: ToolSpec[];
  tool_choice?: 'auto' | 'required' | 'none';
  response_format?: JsonSchemaResponseFormat;
}

export interface WireReply {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
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

  return {
    async complete(request) {
      let raw: unknown;
      try {
        raw = await client.chat.completions.create(request as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
      } catch (error) {
        throw describe(error);
      }
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
    async listModels() {
      try {
        const ids: string[] = [];
        for await (const model of client.models.list()) ids.push(model.id);
        return ids;
      } catch (error) {
        throw describe(error);
      }
    },
  };
}

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;
const KEY_LIKE = /\b(sk|pk|rk|key)-[A-Za-z0-9_*.-]{6,}/g;

/**
 * Classifies whatever the client threw. The message names the endpoint and the status, plus a
 * short server message scrubbed of the key (servers sometimes quote part of a bad key back).
 */
export function toLlmCallError(error: unknown, context: { endpoint: Endpoint; apiKey: string | undefined }): LlmCallError {
  const where = `${context.endpoint.baseURL} (${context.endpoint.model})`;
  if (error instanceof LlmCallError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new LlmCallError(`timed out after ${context.endpoint.timeoutMs} ms waiting for ${where}`, {
      retryable: true,
      code: 'LLM_TIMEOUT',
    });
  }
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
    const retryAfterMs = parseRetryAfter(error.headers);
    return new LlmCallError(`HTTP ${status} from ${where}${detail}`, {
      status,
      retryable: RETRYABLE_STATUS(status),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      code: status === 429 ? 'LLM_RATE_LIMITED' : 'LLM_HTTP',
    });
  }
  // Anything else from inside the client (e.g. a body that is not JSON) is a protocol fault.
  const name = error instanceof Error ? error.name : typeof error;
  return new LlmCallError(`unexpected reply from ${where} (${name})`, { retryable: false, code: 'LLM_PROTOCOL' });
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

function scrub(text: string, apiKey: string | undefined): string {
  let cleaned = apiKey ? text.split(apiKey).join('[redacted]') : text;
  cleaned = cleaned.replace(KEY_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  return cleaned.length > 160 ? `${cleaned.slice(0, 157)}...` : cleaned;
}

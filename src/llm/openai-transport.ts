// One role's wire: the official openai client with no retries of its own (ours is the only layer).
// The reply is read leniently (reply-envelope.ts, stream-reply.ts), its reasoning separated from the
// answer (reasoning.ts), and every failure classified (call-errors.ts).
import OpenAI from 'openai';
import type { Endpoint } from '../config/endpoints.ts';
import { timeoutError, toLlmCallError, type CallContext } from './call-errors.ts';
import { readListedModel, type ListedModel } from './model-list.ts';
import { proxyDispatcher } from './proxy.ts';
import { separateReasoning } from './reasoning.ts';
import { readCompletion, type ReadCompletion } from './reply-envelope.ts';
import { readStreamedCompletion } from './stream-reply.ts';
import type { JsonSchemaResponseFormat } from './structured.ts';
import type { ChatMessage, ToolCall, ToolSpec } from './types.ts';

export { scrub } from './scrub.ts';
export { toLlmCallError } from './call-errors.ts';
export type { ListedModel } from './model-list.ts';

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
  /** The models GET {baseURL}/models lists, with their context window where the server gives one. Throws only LlmCallError. */
  listModels(): Promise<ListedModel[]>;
}

export interface TransportOptions {
  endpoint: Endpoint;
  apiKey: string | undefined;
  /** An injected fetch (the in-process sim, tests): proxy variables are then not applied. */
  fetch?: typeof fetch;
  /** Where HTTP(S)_PROXY / NO_PROXY are read; the process environment by default. */
  env?: NodeJS.ProcessEnv;
}

/** A listing longer than this is cut: no server offers that many models, and doctor shows five. */
const MAX_LISTED_MODELS = 10_000;
/** Header and query values shorter than this are not scrubbed from messages: they would blank ordinary words. */
const MIN_SECRET_CHARS = 8;

export function createTransport(options: TransportOptions): Transport {
  const { endpoint, apiKey } = options;
  const dispatcher = options.fetch ? undefined : proxyDispatcher(options.env);
  const client = new OpenAI({
    baseURL: endpoint.baseURL,
    apiKey: apiKey ?? 'not-needed',
    maxRetries: 0,
    timeout: endpoint.timeoutMs,
    logLevel: 'off', // its debug logs would print request bodies and headers
    // Not from OPENAI_ORG_ID / OPENAI_PROJECT_ID: those belong to OpenAI, not to whatever server this is.
    organization: endpoint.organization ?? null,
    project: endpoint.project ?? null,
    ...(endpoint.defaultHeaders ? { defaultHeaders: { ...endpoint.defaultHeaders } } : {}),
    ...(endpoint.defaultQuery ? { defaultQuery: { ...endpoint.defaultQuery } } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(dispatcher ? { fetchOptions: { dispatcher } } : {}),
  });
  const context: CallContext = { endpoint, secrets: secretsOf(endpoint, apiKey) };

  /**
   * A deadline over one exchange. The client's own `timeout` covers only the wait for the response
   * headers; this one is restarted by `touch` (a streamed chunk) and otherwise covers the whole
   * exchange, reading and parsing the body included: a server that sends headers and then stalls
   * is a timeout like any other.
   */
  async function withDeadline<T>(operation: (signal: AbortSignal, touch: () => void) => Promise<T>): Promise<T> {
    const deadline = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        deadline.abort();
      }, endpoint.timeoutMs);
    };
    arm();
    try {
      const result = await operation(deadline.signal, arm);
      if (timedOut) throw timeoutError(endpoint);
      return result;
    } catch (error) {
      if (timedOut) throw timeoutError(endpoint);
      throw toLlmCallError(error, context);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async complete(request) {
      const { extra_body: extraBody, ...fields } = request;
      const body = { ...extraBody, ...fields };
      const completion: ReadCompletion = endpoint.stream
        ? await withDeadline(async (signal, touch) => {
            const streamed = { ...body, stream: true, stream_options: { include_usage: true } };
            const response = await client.chat.completions
              .create(streamed as unknown as OpenAI.ChatCompletionCreateParamsStreaming, { signal })
              .asResponse();
            touch();
            return readStreamedCompletion(response, { context, onActivity: touch });
          })
        : readCompletion(
            await withDeadline((signal) =>
              client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal }),
            ),
            context,
          );
      return toWireReply(completion, endpoint);
    },
    listModels() {
      return withDeadline(async (signal) => {
        const models: ListedModel[] = [];
        for await (const entry of client.models.list({ signal })) {
          const model = readListedModel(entry);
          if (model) models.push(model);
          if (models.length >= MAX_LISTED_MODELS) break;
        }
        return models;
      });
    },
  };
}

/** The reply as the call path sees it: the answer in `content`, the thinking in `reasoning`. */
export function toWireReply(completion: ReadCompletion, endpoint: Pick<Endpoint, 'reasoningTags'>): WireReply {
  const separated = separateReasoning({
    content: completion.content,
    reasoningField: completion.reasoningField,
    tags: endpoint.reasoningTags,
  });
  return {
    content: separated.answer,
    reasoning: separated.reasoning,
    toolCalls: completion.toolCalls,
    finishReason: completion.finishReason,
    promptTokens: completion.usage.promptTokens,
    completionTokens: completion.usage.completionTokens,
    ...(completion.usage.reasoningTokens !== undefined ? { reasoningTokens: completion.usage.reasoningTokens } : {}),
    ...(completion.usage.cachedTokens !== undefined ? { cachedTokens: completion.usage.cachedTokens } : {}),
    ...(completion.usage.providerCost !== undefined ? { providerCost: completion.usage.providerCost } : {}),
  };
}

/** What must never appear in a message: the key, and the role's header and query values long enough to be one. */
function secretsOf(endpoint: Endpoint, apiKey: string | undefined): string[] {
  const values = [...Object.values(endpoint.defaultHeaders ?? {}), ...Object.values(endpoint.defaultQuery ?? {})];
  return [...(apiKey ? [apiKey] : []), ...values.filter((value) => value.length >= MIN_SECRET_CHARS)];
}

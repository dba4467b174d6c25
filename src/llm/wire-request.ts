// The one place a role's endpoint settings become a chat-completions body (sampling, vendor fields,
// the token-limit field, the seed). Fields not set in the endpoints file are not sent at all.
import type { Endpoint } from '../config/endpoints.ts';
import type { WireRequest } from './openai-transport.ts';
import type { ChatMessage } from './types.ts';

export interface WireBasics {
  messages: ChatMessage[];
  seed: number;
  /** A caller's override of the endpoint's temperature (e.g. doctor's probe at 0); ignored when the endpoint's is null. */
  temperature?: number;
  maxTokens?: number;
}

export function baseWire(endpoint: Endpoint, request: WireBasics): WireRequest {
  const maxTokens = request.maxTokens ?? endpoint.maxTokens;
  const temperature = endpoint.temperature === null ? undefined : (request.temperature ?? endpoint.temperature);
  return {
    model: endpoint.model,
    messages: request.messages,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(endpoint.maxTokensField === 'max_completion_tokens' ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }),
    ...(endpoint.sendSeed ? { seed: request.seed } : {}),
    ...(endpoint.topP !== undefined ? { top_p: endpoint.topP } : {}),
    ...(endpoint.topK !== undefined ? { top_k: endpoint.topK } : {}),
    ...(endpoint.minP !== undefined ? { min_p: endpoint.minP } : {}),
    ...(endpoint.presencePenalty !== undefined ? { presence_penalty: endpoint.presencePenalty } : {}),
    ...(endpoint.frequencyPenalty !== undefined ? { frequency_penalty: endpoint.frequencyPenalty } : {}),
    ...(endpoint.reasoningEffort !== undefined ? { reasoning_effort: endpoint.reasoningEffort } : {}),
    ...(endpoint.stop !== undefined ? { stop: endpoint.stop } : {}),
    ...(endpoint.extraBody !== undefined && Object.keys(endpoint.extraBody).length > 0 ? { extra_body: endpoint.extraBody } : {}),
  };
}

/** The token limit the body carries, whichever field holds it. */
export function wireMaxTokens(wire: WireRequest): number | undefined {
  return wire.max_tokens ?? wire.max_completion_tokens;
}

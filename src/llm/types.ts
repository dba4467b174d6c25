// The contract of the one call path. Every role reaches a model only through `Llm`.
import type { z } from 'zod';

export const ROLES = [
  'mainAgent',
  'challenger',
  'qualityVerifier',
  'weakSolver',
  'strongSolver',
  'judge',
  'analyzer',
  'implementer',
  // Dataset analysis (`autodata analyze`): proposes, consolidates and assigns question types.
  'taxonomist',
  // The judge-decided loop (orchestrator `judge-loop`): reads a round's diagnostic packet, answers accept or improve.
  'loopJudge',
  // Batched generation (`generate --batches`): reads a finished batch's trajectories and writes learnings for the next.
  'learner',
] as const;
export type Role = (typeof ROLES)[number];

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string };

export interface ToolSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface CallUsage {
  role: Role;
  endpointId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Of completionTokens, those the model spent reasoning, as the server reports them (0 when it does not). */
  reasoningTokens: number;
  latencyMs: number;
  /** Attempts sent over the wire for this call (0 for a cache hit). */
  attempts: number;
  cacheHit: boolean;
  /** One extra call was made to ask the model to fix a reply that did not validate. */
  reasked: boolean;
}

export type LlmFailureKind =
  | 'transport' // retries exhausted: network, 429, 5xx, timeout
  | 'invalid-output' // did not validate, even after repair and one re-ask
  | 'truncated' // finish_reason = length
  | 'empty' // no content and no tool call (reasoning alone is no answer)
  | 'too-long' // the prompt cannot fit the role's context window (estimated); nothing was sent
  | 'cache-miss'; // replay-only mode and the call is not cached

export interface LlmFailure {
  kind: LlmFailureKind;
  message: string;
  /** Validation issues for 'invalid-output'. */
  issues?: string[];
  /** The raw text of the last reply, when there was one (for trajectories). */
  rawText?: string;
}

export type LlmResult<T> =
  | { ok: true; value: T; usage: CallUsage }
  | { ok: false; failure: LlmFailure; usage: CallUsage };

export interface TextReply {
  /** The answer only: any reasoning the model wrote is in `reasoning`. */
  content: string | null;
  /** The model's thinking (from the reply's reasoning field or its think tags); never shown to a judge. */
  reasoning: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
}

export interface BaseRequest {
  role: Role;
  messages: ChatMessage[];
  /** Per-request seed passed to the endpoint; derive it from (run seed, document, round, attempt). */
  seed: number;
  /** Override the endpoint's configured sampling temperature. */
  temperature?: number;
  maxTokens?: number;
}

export interface TextRequest extends BaseRequest {
  tools?: ToolSpec[];
  toolChoice?: 'auto' | 'required' | 'none';
}

/**
 * How a structured reply is asked for: `json_schema` sends the schema as response_format;
 * `json_object` sends response_format `{type: 'json_object'}` and the schema in the prompt (a
 * `<response_schema>` block appended to the last user message); `prompt` sends the block alone.
 */
export type StructuredMode = 'json_schema' | 'json_object' | 'prompt';

export interface StructuredRequest<T> extends BaseRequest {
  /** Name sent as response_format.json_schema.name, or in the prompt's schema block (models and the sim see it). */
  schemaName: string;
  /** The same schema builds the JSON schema sent and validates the reply. */
  schema: z.ZodType<T>;
}

/** The call path's own tally (`Llm.usageByRole`), for diagnostics; reports count calls as llm/call-count.ts defines them. */
export interface RoleUsageSummary {
  /** Every call the role made, one per request to the call path: cache hits and unsent questions included, a re-ask not apart. */
  calls: number;
  cacheHits: number;
  failures: number;
  /** Wire requests that repeated a failed attempt (timeouts, resets, 429s, 5xx); re-asks are not retries. */
  retries: number;
  promptTokens: number;
  completionTokens: number;
  /** Of completionTokens, spent reasoning (summed as servers report it). */
  reasoningTokens: number;
  latencyMs: number;
}

/**
 * Callers get an LlmResult, never a thrown model error, with ONE exception: `EndpointUnavailable`
 * (a `RunHalted`, src/errors.ts). Each endpoint (baseURL + model, shared by the roles on it) has a
 * circuit breaker; it opens after `maxConsecutiveFailures` failed calls in a row (failures of kind
 * transport, invalid-output, truncated or empty; a success resets the count; cache hits, cache
 * misses, too-long prompts and a structured mode the server refused do not count), or at once when
 * the endpoint is out of quota or refuses the key.
 * The call that opens it is recorded in usage and the call log, then throws; every later call on
 * that endpoint throws without sending anything. Code that turns errors into a document's error
 * must let it through: it stops the run, resumably.
 */
export interface Llm {
  /**
   * Free text (and tool calls). Fails with 'truncated' / 'empty' / 'transport', or 'too-long' when the
   * endpoint's contextWindow is set and the estimated prompt plus maxTokens exceeds it (nothing is sent).
   */
  text(request: TextRequest): Promise<LlmResult<TextReply>>;
  /** JSON validated against `schema`: repair, then one re-ask, then an 'invalid-output' failure. */
  structured<T>(request: StructuredRequest<T>): Promise<LlmResult<T>>;
  /** Usage so far in this process, per role. */
  usageByRole(): Record<Role, RoleUsageSummary>;
  /**
   * The structured-output mode `role`'s endpoint uses now: its `structuredOutput` setting, or for
   * `auto` the mode it has stepped down to after refusals (json_schema until one).
   */
  structuredMode(role: Role): StructuredMode;
}

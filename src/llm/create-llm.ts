// The factory of the one call path: circuit breaker -> cache -> context guard -> coalescing ->
// exchange (limiter + retry + transport) -> completeness checks -> (structured) repair, validation
// and one re-ask. A structured call an `auto` endpoint refuses goes round again in the next mode.
import type Database from 'better-sqlite3';
import seedrandom from 'seedrandom';
import { sha256Hex } from '../util/hash.ts';
import type { Endpoint, Endpoints } from '../config/endpoints.ts';
import { EndpointUnavailable, type LlmCallError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { createAdaptiveLimiter, type AdaptiveLimiter } from './adaptive-limiter.ts';
import { callCacheKey, createCallCache, createCoalescer, layeredCache, type CachedReply, type CacheMode } from './call-cache.ts';
import { exchange, type ExchangeDependencies, type ExchangeOutcome } from './exchange.ts';
import { isRefusal } from './call-errors.ts';
import { createTransport, scrub, type Transport, type WireReply, type WireRequest } from './openai-transport.ts';
import { NEXT_STRUCTURED_MODE, parseStructuredReply, reaskMessages, structuredWire } from './structured.ts';
import { estimatePromptTokens } from './token-estimate.ts';
import { baseWire, wireMaxTokens } from './wire-request.ts';
import { ROLES, type CallUsage, type Llm, type LlmFailure, type LlmResult, type Role, type StructuredMode, type TextReply } from './types.ts';
import { createUsageTracker } from './usage.ts';

export interface CreateLlmOptions {
  endpoints: Endpoints;
  /** The fetch for an endpoint's client (e.g. the in-process sim); undefined = the global fetch. */
  fetchFor?: (endpoint: Endpoint) => typeof fetch | undefined;
  /** Cache and call log go to this run store; without one, an in-memory cache and no log. */
  store?: Pick<Store, 'db'>;
  cacheMode?: CacheMode;
  /** Jitter for retry backoff. */
  rng?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** One line per retry or limit change; never a request body or key. */
  log?: (line: string) => void;
  /** Milliseconds since the epoch (latency and timestamps). */
  clock?: () => number;
  /** Consecutive successes before an endpoint's reduced concurrency grows by one. */
  increaseAfterSuccesses?: number;
  /**
   * Limiters shared with the other Llm instances of this process (the runs of an ablation): one per
   * (server, API key), so concurrent runs together keep to each server's concurrency.
   */
  limiterRegistry?: LimiterRegistry;
  /**
   * A call cache several runs share (an ablation's `--share-cache`): a call one run paid for is a
   * cache hit for the others, so what each run reports as paid depends on which ran first.
   */
  sharedCacheDb?: Database.Database;
}

/** What the runs of one process share (an ablation's cells): concurrency limits, optionally a call cache. */
export interface SharedCallResources {
  limiterRegistry: LimiterRegistry;
  cacheDb?: Database.Database;
}

export interface LimiterRegistry {
  /** The limiter for `key`, created by `create` the first time the key is asked for. */
  get(key: string, create: () => AdaptiveLimiter): AdaptiveLimiter;
}

export function createLimiterRegistry(): LimiterRegistry {
  const limiters = new Map<string, AdaptiveLimiter>();
  return {
    get(key, create) {
      let limiter = limiters.get(key);
      if (!limiter) {
        limiter = create();
        limiters.set(key, limiter);
      }
      return limiter;
    },
  };
}

/** What one logical call produced, before it becomes an LlmResult (and what coalesced callers share). */
interface Performed {
  reply?: CachedReply;
  failure?: LlmFailure;
  attempts: number;
  /** Requests that repeated a failed attempt, over the first exchange and the re-ask. */
  retries: number;
  reasked: boolean;
  promptTokens: number;
  completionTokens: number;
  /** What the replies reported beyond the token counts (summed; a field absent when no reply had it). */
  reported: Reported;
  /** The LlmCallError code of a transport failure (the breaker opens at once on LLM_QUOTA / LLM_AUTH). */
  errorCode?: string;
  /** Set instead of a result when `auto` may step down: the server refused the structured mode. */
  refused?: Refusal;
}

interface Reported {
  reasoningTokens?: number;
  cachedTokens?: number;
  providerCost?: number;
}

/** Nothing sent, nothing spent. */
const NOTHING_SENT = { attempts: 0, retries: 0, reasked: false, promptTokens: 0, completionTokens: 0, reported: {} } as const;

function reportedBy(reply: WireReply): Reported {
  return {
    ...(reply.reasoningTokens !== undefined ? { reasoningTokens: reply.reasoningTokens } : {}),
    ...(reply.cachedTokens !== undefined ? { cachedTokens: reply.cachedTokens } : {}),
    ...(reply.providerCost !== undefined ? { providerCost: reply.providerCost } : {}),
  };
}

function addReported(a: Reported, b: Reported): Reported {
  const sum = (x: number | undefined, y: number | undefined) => (x === undefined ? y : y === undefined ? x : x + y);
  const total: Reported = {};
  for (const field of ['reasoningTokens', 'cachedTokens', 'providerCost'] as const) {
    const value = sum(a[field], b[field]);
    if (value !== undefined) total[field] = value;
  }
  return total;
}

interface CallSpec<V> {
  role: Role;
  /** The request's seed: in the cache key and the call log even when the endpoint does not send it. */
  seed: number;
  schemaName?: string;
  /** The request as it goes out now (a structured one in the endpoint's current mode); asked again after a step-down. */
  prepare: () => Prepared;
  /** Turns a complete reply into the caller's value; undefined if it does not qualify. */
  interpret: (reply: CachedReply) => V | undefined;
}

interface Prepared {
  wire: WireRequest;
  perform: (dependencies: ExchangeDependencies) => Promise<Performed>;
}

/** The structured mode a server refused (HTTP 400 / 422): the call is sent again in the next mode. */
interface Refusal {
  mode: StructuredMode;
  error: LlmCallError;
}

export function createLlm(options: CreateLlmOptions): Llm {
  const { endpoints } = options;
  const mode = options.cacheMode ?? 'use';
  const rng = options.rng ?? seedrandom('autodata-llm-backoff');
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = options.log ?? (() => {});
  const clock = options.clock ?? Date.now;
  const now = () => new Date(clock()).toISOString();
  const ownCache = createCallCache({ db: options.store?.db, now });
  const cache = options.sharedCacheDb ? layeredCache(ownCache, createCallCache({ db: options.sharedCacheDb, now })) : ownCache;
  const usage = createUsageTracker({ db: options.store?.db, now, priceFor: (role) => endpoints.roles[role].price });
  const coalescer = createCoalescer<Performed>();
  const limiters = createLimiters(endpoints, options.increaseAfterSuccesses, log, options.limiterRegistry);
  const breakers = createBreakers(endpoints);
  const transports = new Map<Role, Transport>();
  /** Per endpoint id: the mode `auto` has stepped down to (json_schema until a refusal). */
  const autoModes = new Map<string, StructuredMode>();

  function structuredMode(role: Role): StructuredMode {
    const endpoint = endpoints.roles[role];
    if (endpoint.structuredOutput !== 'auto') return endpoint.structuredOutput;
    return autoModes.get(endpoint.id) ?? 'json_schema';
  }

  /** A refused mode steps the endpoint down once; calls that were refused in the same mode meanwhile just follow. */
  function stepDown(role: Role, refusal: Refusal): void {
    const endpoint = endpoints.roles[role];
    const next = NEXT_STRUCTURED_MODE[refusal.mode];
    if (next === undefined || structuredMode(role) !== refusal.mode) return;
    autoModes.set(endpoint.id, next);
    log(
      `llm ${role}: ${endpoint.baseURL} (${endpoint.model}) refused response_format ${refusal.mode} ` +
        `(${refusalSummary(refusal.error, endpoint)}); using ${next} from now on`,
    );
  }

  /** Thrown instead of a result once the endpoint's breaker is open. */
  function unavailable(role: Role, opened: OpenBreaker): EndpointUnavailable {
    const endpoint = endpoints.roles[role];
    return new EndpointUnavailable({
      role,
      endpoint: `${endpoint.baseURL} (${endpoint.model})`,
      lastError: scrub(opened.lastError, endpoints.apiKey(role), 600),
      why: opened.why,
    });
  }

  function dependenciesFor(role: Role): ExchangeDependencies {
    const endpoint = endpoints.roles[role];
    let transport = transports.get(role);
    if (!transport) {
      transport = createTransport({ endpoint, apiKey: endpoints.apiKey(role), fetch: options.fetchFor?.(endpoint) });
      transports.set(role, transport);
    }
    const breaker = breakers.get(endpoint.id)!;
    return { endpoint, transport, limiter: limiters.get(role)!, rng, sleep, log, halted: () => breaker.open !== undefined };
  }

  async function call<V>(spec: CallSpec<V>): Promise<LlmResult<V>> {
    const started = clock();
    const endpoint = endpoints.roles[spec.role];
    const breaker = breakers.get(endpoint.id)!;
    if (breaker.open) throw unavailable(spec.role, breaker.open);
    /** Requests refused in an earlier structured mode: sent and counted, though their reply was a 400. */
    let refusedSpent: Spent = NOTHING_SPENT;

    for (;;) {
      const prepared = spec.prepare();
      const cacheKey = callCacheKey(endpoint.id, prepared.wire, spec.seed);

      /**
       * Records the call, then lets the breaker judge it. `counts`: the call went to the endpoint
       * itself (not a cache hit, a replay-only miss or a coalesced copy of another caller's call).
       */
      const finish = (
        performedNow: Performed,
        cacheHit: boolean,
        value: V | undefined = performedNow.reply ? spec.interpret(performedNow.reply) : undefined,
        counts = !cacheHit,
      ): LlmResult<V> => {
        const performed = withRefusals(performedNow, refusedSpent);
        const callUsage: CallUsage = {
          role: spec.role,
          endpointId: endpoint.id,
          model: endpoint.model,
          promptTokens: performed.promptTokens,
          completionTokens: performed.completionTokens,
          reasoningTokens: performed.reported.reasoningTokens ?? 0,
          latencyMs: clock() - started,
          attempts: performed.attempts,
          cacheHit: cacheHit && performed.attempts === 0,
          reasked: performed.reasked,
        };
        const failure: LlmFailure | undefined =
          performed.failure ??
          (value === undefined ? { kind: 'invalid-output', message: `${spec.role}: the reply could not be read` } : undefined);
        usage.record({
          usage: callUsage,
          outcome: failure ? failure.kind : 'ok',
          ...(failure ? { error: failure.message } : {}),
          ...(spec.schemaName ? { schemaName: spec.schemaName } : {}),
          seed: spec.seed,
          cacheKey,
          retries: performed.retries,
          reported: performed.reported,
        });
        if (failure?.kind === 'cache-miss') return { ok: false, failure, usage: callUsage };
        if (counts) breaker.judge(failure, performed.errorCode);
        if (failure && breaker.open) throw unavailable(spec.role, breaker.open);
        return failure ? { ok: false, failure, usage: callUsage } : { ok: true, value: value as V, usage: callUsage };
      };

      if (mode !== 'off') {
        const hit = cache.get(cacheKey);
        // Interpreted once: the same value decides whether the hit qualifies and is what the caller gets.
        const hitValue = hit ? spec.interpret(hit) : undefined;
        if (hit && hitValue !== undefined) {
          return finish({ reply: hit, ...NOTHING_SENT }, true, hitValue);
        }
        if (mode === 'replay-only') {
          const message = `${spec.role}: this call is not in the cache and the cache mode is replay-only; rerun with cache mode "use" to call the model`;
          return finish({ failure: { kind: 'cache-miss', message }, ...NOTHING_SENT }, false);
        }
      }
      // The backstop of the context window: a request that cannot fit is never sent. It says nothing
      // about the endpoint, so the breaker does not see it.
      const overflow = contextOverflow(endpoint, prepared.wire);
      if (overflow) {
        const message = `${spec.role}: the prompt (about ${overflow.promptTokens} tokens) plus maxTokens ${overflow.maxTokens} ${overflow.doesNotFit}; not sent`;
        return finish({ failure: { kind: 'too-long', message }, ...NOTHING_SENT }, false, undefined, false);
      }

      let performed: Performed;
      let shared = false;
      if (mode === 'off') {
        performed = await prepared.perform(dependenciesFor(spec.role));
      } else {
        const run = coalescer.run(cacheKey, async () => {
          const result = await prepared.perform(dependenciesFor(spec.role));
          if (result.reply) cache.put(cacheKey, { endpointId: endpoint.id, model: endpoint.model, reply: result.reply });
          return result;
        });
        performed = await run.promise;
        shared = run.shared;
      }
      if (performed.refused) {
        // Not a failure of the endpoint: the breaker does not see it. The call goes out again at once.
        stepDown(spec.role, performed.refused);
        if (!shared) refusedSpent = addSpent(refusedSpent, performed);
        continue;
      }
      if (!shared) return finish(performed, false);
      // A coalesced caller sent nothing and paid nothing: it reused the first caller's reply.
      return finish({ ...performed, ...NOTHING_SENT }, performed.reply !== undefined, undefined, false);
    }
  }

  return {
    text(request) {
      const endpoint = endpoints.roles[request.role];
      const wire: WireRequest = {
        ...baseWire(endpoint, request),
        ...(request.tools ? { tools: request.tools } : {}),
        ...(request.toolChoice ? { tool_choice: request.toolChoice } : {}),
      };
      return call<TextReply>({
        role: request.role,
        seed: request.seed,
        prepare: () => ({
          wire,
          perform: async (dependencies) => {
            const outcome = await exchange(wire, dependencies);
            return outcome.ok ? checkComplete(outcome, request.role, wire) : transportFailure(outcome, request.role);
          },
        }),
        interpret: (reply) => ({ content: reply.content, reasoning: reply.reasoning ?? null, toolCalls: reply.toolCalls, finishReason: reply.finishReason }),
      });
    },

    structured(request) {
      const endpoint = endpoints.roles[request.role];
      const base = baseWire(endpoint, request);
      const interpret = (reply: CachedReply) => {
        // The answer only: the transport has moved any reasoning out of the content.
        const parsed = parseStructuredReply(reply.content ?? '', request.schema);
        return parsed.ok ? { value: parsed.value } : undefined;
      };
      const prepare = (): Prepared => {
        const structured = structuredMode(request.role);
        const wire = structuredWire(base, structured, request.schemaName, request.schema);
        const mayStepDown = endpoint.structuredOutput === 'auto' && NEXT_STRUCTURED_MODE[structured] !== undefined;
        return { wire, perform: (dependencies) => performStructured(wire, structured, mayStepDown, dependencies) };
      };

      const performStructured = async (
        wire: WireRequest,
        structured: StructuredMode,
        mayStepDown: boolean,
        dependencies: ExchangeDependencies,
      ): Promise<Performed> => {
        const first = await exchange(wire, dependencies);
        if (!first.ok) {
          const failed = transportFailure(first, request.role);
          return mayStepDown && isRefusal(first.error) ? { ...failed, refused: { mode: structured, error: first.error } } : failed;
        }
        const firstChecked = checkComplete(first, request.role, wire);
        if (firstChecked.failure) return firstChecked;
        const firstText = first.reply.content ?? '';
        const parsed = parseStructuredReply(firstText, request.schema);
        if (parsed.ok) return firstChecked;

        log(`llm ${request.role}: ${request.schemaName} reply did not validate (${parsed.error.issues.length} issue(s)); asking once more`);
        // The answer alone goes back, never the reasoning. In json_object and prompt modes the fixing
        // message, now the last user message, carries the schema block too.
        const reaskWire = structuredWire(
          { ...base, messages: reaskMessages(wire.messages, firstText, parsed.error) },
          structured,
          request.schemaName,
          request.schema,
        );
        const overflow = contextOverflow(endpoint, reaskWire);
        if (overflow) {
          const { reply: _unusable, ...spentOnFirst } = firstChecked;
          const failure: LlmFailure = {
            kind: 'invalid-output',
            message:
              `${request.role}: ${request.schemaName} reply does not match the schema (${parsed.error.issues[0] ?? 'invalid'}), and the re-ask was not sent: ` +
              `its prompt (about ${overflow.promptTokens} tokens) plus maxTokens ${overflow.maxTokens} ${overflow.doesNotFit}`,
            issues: parsed.error.issues,
            rawText: firstText,
          };
          return { ...spentOnFirst, failure };
        }
        const second = await exchange(reaskWire, dependencies);
        const combined = (performed: Performed): Performed => ({
          ...performed,
          attempts: first.attempts + second.attempts,
          retries: Math.max(0, first.attempts - 1) + Math.max(0, second.attempts - 1),
          reasked: true,
          promptTokens: first.reply.promptTokens + performed.promptTokens,
          completionTokens: first.reply.completionTokens + performed.completionTokens,
          reported: addReported(reportedBy(first.reply), performed.reported),
        });
        if (!second.ok) return combined(transportFailure(second, request.role));
        const secondChecked = checkComplete(second, request.role, reaskWire);
        if (secondChecked.failure) return combined(secondChecked);
        const reparsed = parseStructuredReply(second.reply.content ?? '', request.schema);
        if (reparsed.ok) return combined(secondChecked);
        const failure: LlmFailure = {
          kind: 'invalid-output',
          message: `${request.role}: ${request.schemaName} reply does not match the schema after one re-ask (${reparsed.error.issues[0] ?? 'invalid'})`,
          issues: reparsed.error.issues,
          rawText: second.reply.content ?? '',
        };
        // The second reply was paid for: its tokens count although it is not used.
        const { reply: _unused, ...spentOnSecond } = secondChecked;
        return combined({ ...spentOnSecond, failure });
      };

      return call({ role: request.role, seed: request.seed, schemaName: request.schemaName, prepare, interpret }).then((result) =>
        result.ok ? { ...result, value: result.value.value } : result,
      );
    },

    usageByRole: () => usage.byRole(),
    structuredMode,
  };
}

/** What a step-down resend adds to the call: the refused requests were sent, and each was repeated. */
type Spent = Pick<Performed, 'attempts' | 'retries' | 'promptTokens' | 'completionTokens' | 'reported'>;

const NOTHING_SPENT: Spent = { attempts: 0, retries: 0, promptTokens: 0, completionTokens: 0, reported: {} };

function addSpent(spent: Spent, refused: Performed): Spent {
  return {
    attempts: spent.attempts + refused.attempts,
    // Every refused request is repeated in the next mode: a retry, as paidUsage counts them.
    retries: spent.retries + refused.retries + refused.attempts,
    promptTokens: spent.promptTokens + refused.promptTokens,
    completionTokens: spent.completionTokens + refused.completionTokens,
    reported: addReported(spent.reported, refused.reported),
  };
}

function withRefusals(performed: Performed, refused: Spent): Performed {
  if (refused.attempts === 0) return performed;
  return {
    ...performed,
    attempts: performed.attempts + refused.attempts,
    retries: performed.retries + refused.retries,
    promptTokens: performed.promptTokens + refused.promptTokens,
    completionTokens: performed.completionTokens + refused.completionTokens,
    reported: addReported(performed.reported, refused.reported),
  };
}

/**
 * Whether `wire` fits the endpoint's context window: the prompt as estimated (token-estimate.ts:
 * messages, tool calls, tools, response_format) plus the maxTokens asked for. Undefined when it fits
 * or the endpoint sets no window.
 */
function contextOverflow(endpoint: Endpoint, wire: WireRequest): { promptTokens: number; maxTokens: number; doesNotFit: string } | undefined {
  if (endpoint.contextWindow === undefined) return undefined;
  const promptTokens = estimatePromptTokens({
    messages: wire.messages,
    extra: [wire.tools, wire.response_format, ...wire.messages.map((message) => (message.role === 'assistant' ? message.tool_calls : undefined))],
  });
  const maxTokens = wireMaxTokens(wire) ?? 0;
  if (promptTokens + maxTokens <= endpoint.contextWindow) return undefined;
  return { promptTokens, maxTokens, doesNotFit: `does not fit the context window ${endpoint.contextWindow} of ${endpoint.model}` };
}

/** "HTTP 400: the server's short message", from the error's text (already scrubbed and one line). */
function refusalSummary(error: LlmCallError, endpoint: Endpoint): string {
  const where = `${endpoint.baseURL} (${endpoint.model})`;
  const after = error.message.includes(where) ? error.message.slice(error.message.indexOf(where) + where.length) : error.message;
  const colon = after.indexOf(': ');
  const detail = colon === -1 ? '' : after.slice(colon + 2).trim();
  const short = detail.length > 120 ? `${detail.slice(0, 117)}...` : detail;
  return `HTTP ${error.status}${short ? `: ${short}` : ''}`;
}

/**
 * A reply cut at the token limit or with nothing in it is a failure, never a value (and never
 * cached). Only the answer counts: a reply with reasoning and no answer is no answer.
 */
function checkComplete(outcome: Extract<ExchangeOutcome, { ok: true }>, role: Role, wire: WireRequest): Performed {
  const { reply, attempts } = outcome;
  const spent = {
    attempts,
    retries: Math.max(0, attempts - 1),
    reasked: false,
    promptTokens: reply.promptTokens,
    completionTokens: reply.completionTokens,
    reported: reportedBy(reply),
  };
  const rawText = reply.content ?? '';
  const noAnswer = rawText.trim() === '' && reply.toolCalls.length === 0;
  const reasoned = (reply.reasoning ?? '').trim() !== '';
  if (reply.finishReason === 'length') {
    const message =
      noAnswer && reasoned
        ? `${role}: the model ran out of tokens while still reasoning, before any answer (maxTokens ${wireMaxTokens(wire)}); raise maxTokens for this role or lower its reasoningEffort`
        : `${role}: reply cut off at the token limit (maxTokens ${wireMaxTokens(wire)}); raise maxTokens for this role or ask for less`;
    return { ...spent, failure: { kind: 'truncated', message, rawText } };
  }
  if (noAnswer) {
    const message = reasoned
      ? `${role}: the model returned only reasoning, with no answer and no tool call after it`
      : `${role}: the model returned no content and no tool call`;
    return { ...spent, failure: { kind: 'empty', message, rawText } };
  }
  return { ...spent, reply };
}

function transportFailure(outcome: Extract<ExchangeOutcome, { ok: false }>, role: Role): Performed {
  const message = `${role}: ${outcome.error.message} (gave up after ${outcome.attempts} attempt(s))`;
  return {
    ...NOTHING_SENT,
    failure: { kind: 'transport', message },
    attempts: outcome.attempts,
    retries: Math.max(0, outcome.attempts - 1),
    errorCode: outcome.error.code,
  };
}

interface OpenBreaker {
  /** Completes "the ROLE endpoint URL (MODEL) ...". */
  why: string;
  lastError: string;
}

interface Breaker {
  /** Set once; it never closes again in this process (the run stops and is resumed later). */
  open: OpenBreaker | undefined;
  /** Counts a finished call: a success resets the count, a failure adds one. */
  judge(failure: LlmFailure | undefined, errorCode: string | undefined): void;
}

/**
 * One circuit breaker per endpoint id, shared by the roles on it: N failed calls in a row (N the
 * smallest maxConsecutiveFailures among them), or one exhausted quota or refused key, opens it.
 */
function createBreakers(endpoints: Endpoints): Map<string, Breaker> {
  const thresholds = new Map<string, number>();
  for (const role of ROLES) {
    const endpoint = endpoints.roles[role];
    thresholds.set(endpoint.id, Math.min(thresholds.get(endpoint.id) ?? Infinity, endpoint.maxConsecutiveFailures));
  }
  const breakers = new Map<string, Breaker>();
  for (const [id, threshold] of thresholds) {
    let failedInARow = 0;
    const breaker: Breaker = {
      open: undefined,
      judge(failure, errorCode) {
        if (breaker.open) return;
        if (!failure) {
          failedInARow = 0;
          return;
        }
        failedInARow++;
        const why =
          errorCode === 'LLM_QUOTA' ? 'is out of quota'
          : errorCode === 'LLM_AUTH' ? 'refuses the API key'
          : failedInARow >= threshold ? `failed ${failedInARow} calls in a row`
          : undefined;
        if (why) breaker.open = { why, lastError: failure.message };
      },
    };
    breakers.set(id, breaker);
  }
  return breakers;
}

/**
 * One limiter per server and API key: the roles on one baseURL (whatever their models) with the same
 * key share one concurrency, the smallest any of them sets; a server limits a key, not a model.
 */
function createLimiters(
  endpoints: Endpoints,
  increaseAfterSuccesses: number | undefined,
  log: (line: string) => void,
  registry: LimiterRegistry = createLimiterRegistry(),
): Map<Role, AdaptiveLimiter> {
  const byServer = new Map<string, Endpoint[]>();
  for (const role of ROLES) {
    const endpoint = endpoints.roles[role];
    const key = limiterKey(endpoint, endpoints.apiKey(role));
    byServer.set(key, [...(byServer.get(key) ?? []), endpoint]);
  }
  const limiters = new Map<Role, AdaptiveLimiter>();
  for (const [key, sharing] of byServer) {
    const server = normalizedBaseURL(sharing[0]!.baseURL);
    const models = [...new Set(sharing.map((endpoint) => endpoint.model))].join(', ');
    const limiter = registry.get(key, () =>
      createAdaptiveLimiter({
        maxConcurrency: Math.min(...sharing.map((endpoint) => endpoint.concurrency)),
        ...(increaseAfterSuccesses !== undefined ? { increaseAfterSuccesses } : {}),
        onLimitChange: (from, to, why) => log(`llm endpoint ${server} (${models}): concurrency ${from} -> ${to} (${why})`),
      }),
    );
    for (const endpoint of sharing) limiters.set(endpoint.role, limiter);
  }
  return limiters;
}

/** The server (baseURL without trailing slashes) and the key's fingerprint, never the key: two keys on one server are two quotas. */
function limiterKey(endpoint: Endpoint, apiKey: string | undefined): string {
  return `${normalizedBaseURL(endpoint.baseURL)}\u0000${sha256Hex(apiKey ?? '').slice(0, 16)}`;
}

function normalizedBaseURL(baseURL: string): string {
  return baseURL.replace(/\/+$/, '');
}

// The call cache: a complete, valid reply is paid for once. Keyed by everything that shapes the
// reply (endpoint, model, messages, tools, response_format, every sampling parameter, the seed).
import type Database from 'better-sqlite3';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import type { WireRequest } from './openai-transport.ts';
import type { ToolCall } from './types.ts';

export const CACHE_MODES = ['use', 'off', 'replay-only'] as const;
/** `use`: read and write · `off`: neither · `replay-only`: read, and a miss is a failure (no wire call). */
export type CacheMode = (typeof CACHE_MODES)[number];

export interface CachedReply {
  content: string | null;
  /** The reasoning the reply carried (stored with it in reply_json; null in rows from before it was kept). */
  reasoning?: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
}

export interface CallCacheEntry {
  endpointId: string;
  model: string;
  reply: CachedReply;
}

export interface CallCache {
  get(key: string): CachedReply | undefined;
  /** The reply with the endpoint and model it was stored under. */
  entry(key: string): CallCacheEntry | undefined;
  /** Only for replies that were complete and valid: a cached failure would poison every rerun. */
  put(key: string, entry: { endpointId: string; model: string; reply: CachedReply }): void;
}

/**
 * Everything the body carries (model, messages, tools, response_format, sampling, extra_body) and the
 * request's seed: an endpoint that does not send the seed still keeps its samples apart.
 */
export function callCacheKey(endpointId: string, request: WireRequest, seed: number): string {
  return sha256Hex(canonicalJson(request.seed === seed ? { endpointId, request } : { endpointId, request, seed }));
}

/** SQLite-backed when a store's database is given (table from migration 002-llm.sql), else in memory. */
export function createCallCache(options: { db?: Database.Database; now?: () => string }): CallCache {
  const now = options.now ?? (() => new Date().toISOString());
  if (!options.db) return createMemoryCache();
  const select = options.db.prepare(
    `SELECT endpoint_id AS endpointId, model, reply_json AS replyJson, prompt_tokens AS promptTokens, completion_tokens AS completionTokens
     FROM llm_call_cache WHERE key = ?`,
  );
  // A row is replaced only when its reply no longer validates (e.g. the schema gained a refinement).
  const insert = options.db.prepare(
    `INSERT OR REPLACE INTO llm_call_cache (key, endpoint_id, model, reply_json, prompt_tokens, completion_tokens, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const entry = (key: string): CallCacheEntry | undefined => {
    const row = select.get(key) as { endpointId: string; model: string; replyJson: string; promptTokens: number; completionTokens: number } | undefined;
    if (!row) return undefined;
    const stored = JSON.parse(row.replyJson) as Pick<CachedReply, 'content' | 'reasoning' | 'toolCalls' | 'finishReason'>;
    const reply: CachedReply = {
      content: stored.content,
      // Rows written before the reasoning was kept have none.
      reasoning: stored.reasoning ?? null,
      toolCalls: stored.toolCalls,
      finishReason: stored.finishReason,
      promptTokens: row.promptTokens,
      completionTokens: row.completionTokens,
    };
    return { endpointId: row.endpointId, model: row.model, reply };
  };
  return {
    get: (key) => entry(key)?.reply,
    entry,
    put(key, { endpointId, model, reply }) {
      const replyJson = JSON.stringify({
        content: reply.content,
        reasoning: reply.reasoning ?? null,
        toolCalls: reply.toolCalls,
        finishReason: reply.finishReason,
      });
      insert.run(key, endpointId, model, replyJson, reply.promptTokens, reply.completionTokens, now());
    },
  };
}

/**
 * A run's own cache in front of one several runs share (an ablation's cells): a reply found only in
 * the shared one is copied into the run's own, so every run stays complete on its own; a new reply
 * goes into both.
 */
export function layeredCache(own: CallCache, shared: CallCache): CallCache {
  const entry = (key: string): CallCacheEntry | undefined => {
    const local = own.entry(key);
    if (local) return local;
    const found = shared.entry(key);
    if (found) own.put(key, found);
    return found;
  };
  return {
    get: (key) => entry(key)?.reply,
    entry,
    put(key, entry) {
      own.put(key, entry);
      shared.put(key, entry);
    },
  };
}

function createMemoryCache(): CallCache {
  const entries = new Map<string, CallCacheEntry>();
  return {
    get: (key) => entries.get(key)?.reply,
    entry: (key) => entries.get(key),
    put: (key, entry) => void entries.set(key, entry),
  };
}

/** Identical calls in flight share one request: the first caller runs it, later ones await it. */
export function createCoalescer<T>(): { run(key: string, task: () => Promise<T>): { promise: Promise<T>; shared: boolean } } {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, task) {
      const existing = inFlight.get(key);
      if (existing) return { promise: existing, shared: true };
      const promise = task().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return { promise, shared: false };
    },
  };
}

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
  toolCalls: ToolCall[];
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
}

export interface CallCache {
  get(key: string): CachedReply | undefined;
  /** Only for replies that were complete and valid: a cached failure would poison every rerun. */
  put(key: string, entry: { endpointId: string; model: string; reply: CachedReply }): void;
}

/** The WireRequest carries model, messages, tools, tool_choice, response_format, temperature, max_tokens, seed. */
export function callCacheKey(endpointId: string, request: WireRequest): string {
  return sha256Hex(canonicalJson({ endpointId, request }));
}

/** SQLite-backed when a store's database is given (table from migration 002-llm.sql), else in memory. */
export function createCallCache(options: { db?: Database.Database; now?: () => string }): CallCache {
  const now = options.now ?? (() => new Date().toISOString());
  if (!options.db) return createMemoryCache();
  const select = options.db.prepare(
    'SELECT reply_json AS replyJson, prompt_tokens AS promptTokens, completion_tokens AS completionTokens FROM llm_call_cache WHERE key = ?',
  );
  // A row is replaced only when its reply no longer validates (e.g. the schema gained a refinement).
  const insert = options.db.prepare(
    `INSERT OR REPLACE INTO llm_call_cache (key, endpoint_id, model, reply_json, prompt_tokens, completion_tokens, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    get(key) {
      const row = select.get(key) as { replyJson: string; promptTokens: number; completionTokens: number } | undefined;
      if (!row) return undefined;
      const reply = JSON.parse(row.replyJson) as Pick<CachedReply, 'content' | 'toolCalls' | 'finishReason'>;
      return { ...reply, promptTokens: row.promptTokens, completionTokens: row.completionTokens };
    },
    put(key, { endpointId, model, reply }) {
      const replyJson = JSON.stringify({ content: reply.content, toolCalls: reply.toolCalls, finishReason: reply.finishReason });
      insert.run(key, endpointId, model, replyJson, reply.promptTokens, reply.completionTokens, now());
    },
  };
}

function createMemoryCache(): CallCache {
  const entries = new Map<string, CachedReply>();
  return {
    get: (key) => entries.get(key),
    put: (key, { reply }) => void entries.set(key, reply),
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

// Token usage and latency, per call (the store's llm_call_log) and per role (in memory).
import type Database from 'better-sqlite3';
import type { Price } from '../config/endpoints.ts';
import { priceCallUsd } from './call-cost.ts';
import { ROLES, type CallUsage, type LlmFailureKind, type Role, type RoleUsageSummary } from './types.ts';

export interface CallRecord {
  usage: CallUsage;
  /** 'ok' or the failure kind. */
  outcome: 'ok' | LlmFailureKind;
  /** The failure's one-line message; never a request body or a key. */
  error?: string;
  schemaName?: string;
  seed: number;
  cacheKey: string;
  /** Wire requests of this call that repeated a failed attempt (a re-ask is a new question, not a retry). */
  retries: number;
  /**
   * What the replies of this call reported, summed over them; absent when none did (a cache hit, a
   * failure before any reply, a server that does not report it). Logged as NULL then.
   */
  reported?: { reasoningTokens?: number; cachedTokens?: number; providerCost?: number };
}

export interface UsageTracker {
  record(call: CallRecord): void;
  byRole(): Record<Role, RoleUsageSummary>;
}

export function emptyRoleUsage(): RoleUsageSummary {
  return { calls: 0, cacheHits: 0, failures: 0, retries: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, latencyMs: 0 };
}

export interface UsageTrackerOptions {
  db?: Database.Database;
  now?: () => string;
  /** The role's price (endpoints file); a call of a role without one is logged with cost_usd NULL. */
  priceFor?: (role: Role) => Price | undefined;
}

/** Sums calls per role; when a database is given, also appends one llm_call_log row per call. */
export function createUsageTracker(options: UsageTrackerOptions = {}): UsageTracker {
  const now = options.now ?? (() => new Date().toISOString());
  const totals = Object.fromEntries(ROLES.map((role) => [role, emptyRoleUsage()])) as Record<Role, RoleUsageSummary>;
  const insert = options.db?.prepare(
    `INSERT INTO llm_call_log (role, endpoint_id, model, schema_name, seed, cache_key, prompt_tokens, completion_tokens,
       reasoning_tokens, cached_tokens, provider_cost, cost_usd, latency_ms, cache_hit, attempts, reasked, outcome, error, created_at)
     VALUES (@role, @endpointId, @model, @schemaName, @seed, @cacheKey, @promptTokens, @completionTokens,
       @reasoningTokens, @cachedTokens, @providerCost, @costUsd, @latencyMs, @cacheHit, @attempts, @reasked, @outcome, @error, @createdAt)`,
  );
  return {
    record(call) {
      const { usage } = call;
      const summary = totals[usage.role];
      summary.calls++;
      if (usage.cacheHit) summary.cacheHits++;
      if (call.outcome !== 'ok') summary.failures++;
      summary.retries += call.retries;
      summary.promptTokens += usage.promptTokens;
      summary.completionTokens += usage.completionTokens;
      summary.reasoningTokens += usage.reasoningTokens;
      summary.latencyMs += usage.latencyMs;
      insert?.run({
        role: usage.role,
        endpointId: usage.endpointId,
        model: usage.model,
        schemaName: call.schemaName ?? null,
        seed: call.seed,
        cacheKey: call.cacheKey,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        reasoningTokens: call.reported?.reasoningTokens ?? null,
        cachedTokens: call.reported?.cachedTokens ?? null,
        providerCost: call.reported?.providerCost ?? null,
        costUsd: priceCallUsd(options.priceFor?.(usage.role), {
          promptTokens: usage.promptTokens,
          completionTokens: usage.completionTokens,
          cachedTokens: call.reported?.cachedTokens ?? 0,
          cacheHit: usage.cacheHit,
        }),
        latencyMs: Math.round(usage.latencyMs),
        cacheHit: usage.cacheHit ? 1 : 0,
        attempts: usage.attempts,
        reasked: usage.reasked ? 1 : 0,
        outcome: call.outcome,
        error: call.error ?? null,
        createdAt: now(),
      });
    },
    byRole() {
      return Object.fromEntries(ROLES.map((role) => [role, { ...totals[role] }])) as Record<Role, RoleUsageSummary>;
    },
  };
}

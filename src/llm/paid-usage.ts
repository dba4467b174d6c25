// What a run has paid for, read from the store's llm_call_log: every call that went over the wire,
// including calls of work that was interrupted and redone (the redo is a cache hit and pays nothing).
import type Database from 'better-sqlite3';

export interface PaidUsage {
  /** Logical calls sent over the wire (cache hits and coalesced calls excluded). */
  calls: number;
  /** Requests sent over the wire, retries and re-asks included. */
  requests: number;
  /** Requests that repeated an earlier one after a transient fault (re-asks are not retries). */
  retried: number;
  tokens: number;
}

/** A logged call that went over the wire: not a cache hit, not a coalesced copy of another call. */
const PAID = 'cache_hit = 0 AND attempts > 0';

export interface RolePaidUsage {
  role: string;
  calls: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Calls answered from the cache: paid nothing, and in none of the other columns. */
  cacheHits: number;
}

/** Paid usage per role (roles with only cache hits included), sorted by role. */
export function paidUsageByRole(db: Database.Database): RolePaidUsage[] {
  return db
    .prepare(
      `SELECT role,
              COALESCE(SUM(CASE WHEN ${PAID} THEN 1 ELSE 0 END), 0) AS calls,
              COALESCE(SUM(CASE WHEN ${PAID} THEN attempts ELSE 0 END), 0) AS requests,
              COALESCE(SUM(CASE WHEN ${PAID} THEN prompt_tokens ELSE 0 END), 0) AS promptTokens,
              COALESCE(SUM(CASE WHEN ${PAID} THEN completion_tokens ELSE 0 END), 0) AS completionTokens,
              COALESCE(SUM(cache_hit), 0) AS cacheHits
       FROM llm_call_log GROUP BY role ORDER BY role`,
    )
    .all() as RolePaidUsage[];
}

// The log is append-only (rows are never updated or deleted), so totals up to a row id never change:
// each connection's running totals are extended with the rows added since, not summed again.
const runningTotals = new WeakMap<Database.Database, { lastId: number; totals: PaidUsage }>();

export function paidUsage(db: Database.Database): PaidUsage {
  const known = runningTotals.get(db) ?? { lastId: 0, totals: { calls: 0, requests: 0, retried: 0, tokens: 0 } };
  // Up to a fixed newest row: another process may append while this reads.
  const newest = (db.prepare('SELECT MAX(id) AS id FROM llm_call_log').get() as { id: number | null }).id ?? 0;
  if (newest <= known.lastId) return { ...known.totals };
  const added = db
    .prepare(
      `SELECT COUNT(*) AS calls, COALESCE(SUM(attempts), 0) AS requests,
              COALESCE(SUM(MAX(attempts - 1 - reasked, 0)), 0) AS retried,
              COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS tokens
       FROM llm_call_log WHERE id > ? AND id <= ? AND ${PAID}`,
    )
    .get(known.lastId, newest) as PaidUsage;
  const totals: PaidUsage = {
    calls: known.totals.calls + added.calls,
    requests: known.totals.requests + added.requests,
    retried: known.totals.retried + added.retried,
    tokens: known.totals.tokens + added.tokens,
  };
  runningTotals.set(db, { lastId: newest, totals });
  return { ...totals };
}

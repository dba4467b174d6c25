// What a run has paid for, read from the store's llm_call_log: every call that went over the wire,
// including calls of work that was interrupted and redone (the redo is a cache hit and pays nothing).
// Cost per call is the provider's own figure where it reported one, else the priced cost_usd
// (call-cost.ts); a paid call with neither is unpriced, and a cost summed over such calls is a lower bound.
import type Database from 'better-sqlite3';
import { PAID_CALLS_SQL, PAID_ROW_SQL as PAID } from './call-count.ts';

export interface PaidUsage {
  /** Paid calls (call-count.ts): answered by a server, re-asks counted; cache hits and coalesced calls excluded. */
  calls: number;
  /** Requests sent over the wire, retries and re-asks included. */
  requests: number;
  /** Requests that repeated an earlier one after a transient fault (re-asks are not retries). */
  retried: number;
  tokens: number;
  /** USD over the paid calls that have a figure (provider cost, else priced); cache hits cost 0. */
  costUsd: number;
  /** Paid calls with a figure (pricedCalls + unpricedCalls = calls). */
  pricedCalls: number;
  /** Paid calls with no figure (their role has no price and the provider reported none). */
  unpricedCalls: number;
  /** Calls answered from the cache: free, and in none of the counts above. */
  cacheHits: number;
}

/** The cost figure of one row: the provider's own when it reported one. */
const FIGURE = 'COALESCE(provider_cost, cost_usd)';

export interface RolePaidUsage {
  role: string;
  calls: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Calls answered from the cache: paid nothing, and in none of the other columns. */
  cacheHits: number;
  costUsd: number;
  pricedCalls: number;
  unpricedCalls: number;
}

/** Paid usage per role (roles with only cache hits included), sorted by role. */
export function paidUsageByRole(db: Database.Database): RolePaidUsage[] {
  return db
    .prepare(
      `SELECT role,
              COALESCE(SUM(${PAID_CALLS_SQL}), 0) AS calls,
              COALESCE(SUM(CASE WHEN ${PAID} THEN attempts ELSE 0 END), 0) AS requests,
              COALESCE(SUM(CASE WHEN ${PAID} THEN prompt_tokens ELSE 0 END), 0) AS promptTokens,
              COALESCE(SUM(CASE WHEN ${PAID} THEN completion_tokens ELSE 0 END), 0) AS completionTokens,
              COALESCE(SUM(cache_hit), 0) AS cacheHits,
              COALESCE(SUM(CASE WHEN ${PAID} THEN ${FIGURE} ELSE 0 END), 0) AS costUsd,
              COALESCE(SUM(CASE WHEN ${PAID} AND ${FIGURE} IS NOT NULL THEN 1 + reasked ELSE 0 END), 0) AS pricedCalls,
              COALESCE(SUM(CASE WHEN ${PAID} AND ${FIGURE} IS NULL THEN 1 + reasked ELSE 0 END), 0) AS unpricedCalls
       FROM llm_call_log GROUP BY role ORDER BY role`,
    )
    .all() as RolePaidUsage[];
}

const NOTHING: PaidUsage = { calls: 0, requests: 0, retried: 0, tokens: 0, costUsd: 0, pricedCalls: 0, unpricedCalls: 0, cacheHits: 0 };

// The log is append-only (rows are never updated or deleted), so totals up to a row id never change:
// each connection's running totals are extended with the rows added since, not summed again.
const runningTotals = new WeakMap<Database.Database, { lastId: number; totals: PaidUsage }>();

export function paidUsage(db: Database.Database): PaidUsage {
  const known = runningTotals.get(db) ?? { lastId: 0, totals: NOTHING };
  // Up to a fixed newest row: another process may append while this reads.
  const newest = (db.prepare('SELECT MAX(id) AS id FROM llm_call_log').get() as { id: number | null }).id ?? 0;
  if (newest <= known.lastId) return { ...known.totals };
  const added = db
    .prepare(
      `SELECT COALESCE(SUM(${PAID_CALLS_SQL}), 0) AS calls,
              COALESCE(SUM(CASE WHEN ${PAID} THEN attempts ELSE 0 END), 0) AS requests,
              COALESCE(SUM(CASE WHEN ${PAID} THEN MAX(attempts - 1 - reasked, 0) ELSE 0 END), 0) AS retried,
              COALESCE(SUM(CASE WHEN ${PAID} THEN prompt_tokens + completion_tokens ELSE 0 END), 0) AS tokens,
              COALESCE(SUM(CASE WHEN ${PAID} THEN ${FIGURE} ELSE 0 END), 0) AS costUsd,
              COALESCE(SUM(CASE WHEN ${PAID} AND ${FIGURE} IS NOT NULL THEN 1 + reasked ELSE 0 END), 0) AS pricedCalls,
              COALESCE(SUM(CASE WHEN ${PAID} AND ${FIGURE} IS NULL THEN 1 + reasked ELSE 0 END), 0) AS unpricedCalls,
              COALESCE(SUM(cache_hit), 0) AS cacheHits
       FROM llm_call_log WHERE id > ? AND id <= ?`,
    )
    .get(known.lastId, newest) as PaidUsage;
  const totals = Object.fromEntries(
    (Object.keys(NOTHING) as Array<keyof PaidUsage>).map((field) => [field, known.totals[field] + added[field]]),
  ) as unknown as PaidUsage;
  runningTotals.set(db, { lastId: newest, totals });
  return { ...totals };
}

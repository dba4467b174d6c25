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

export function paidUsage(db: Database.Database): PaidUsage {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS calls, COALESCE(SUM(attempts), 0) AS requests,
              COALESCE(SUM(MAX(attempts - 1 - reasked, 0)), 0) AS retried,
              COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS tokens
       FROM llm_call_log WHERE cache_hit = 0 AND attempts > 0`,
    )
    .get() as PaidUsage;
  return { calls: row.calls, requests: row.requests, retried: row.retried, tokens: row.tokens };
}

// What a "call" is, in every figure autodata reports (one definition, used by the inner loop's
// per-document usage, the analyzer and implementer records, the call log's totals, status, the
// budgets and the curves):
//
//   call       one question put to a model and answered, by a server or by the call cache. A re-ask
//              (the model is asked to fix a reply that did not validate) is a second question: 2 calls.
//              A retry after a transient fault repeats the same question: no new call (it is a
//              `retried` request). A question never sent (a prompt too long for the window, a miss in
//              replay-only mode) is no call.
//   paid call  a call a server answered: cache hits and coalesced copies of an identical call in
//              flight (which reuse its reply) are excluded. Tokens follow the same rule: a hit has 0.
//
// Stored per-unit counts (result.json usage, evaluation / analysis / edit_attempt / iteration rows)
// and every reported total (status, evolve's lines, budgets.calls, curve and compare axes) are PAID
// calls, like the tokens beside them. `callsOf` (cache hits included) is for figures about the work
// a method needs whatever the cache holds, e.g. solver calls per round with and without early stop.
import type { CallUsage } from './types.ts';

type CallCounts = Pick<CallUsage, 'attempts' | 'cacheHit' | 'reasked'>;

/** Calls answered by a server or the cache (re-asks count; retries and unsent questions do not). */
export function callsOf(usage: CallCounts): number {
  if (!usage.cacheHit && usage.attempts === 0) return 0;
  return usage.reasked ? 2 : 1;
}

/** Calls a server answered: `callsOf` without cache hits and coalesced copies. */
export function paidCallsOf(usage: CallCounts): number {
  return usage.cacheHit ? 0 : callsOf(usage);
}

/** A row of `llm_call_log` that went over the wire (not a hit, not a coalesced copy). */
export const PAID_ROW_SQL = 'cache_hit = 0 AND attempts > 0';
/** `paidCallsOf` of one `llm_call_log` row, as SQL. */
export const PAID_CALLS_SQL = `CASE WHEN ${PAID_ROW_SQL} THEN 1 + reasked ELSE 0 END`;

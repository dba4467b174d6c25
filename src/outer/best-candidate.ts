// The one definition of a candidate's validation score and of the best candidate. Parent selection
// (the population as a wave begins), the curve (the best after each iteration), status and evolve's
// progress (the best now), the final test, the plateau rule and `RUN:best` all read it from here.
//
//   score of c as of iteration i = accepted / verdicts, pooled over c's validation evaluations
//     recorded by iterations <= i (verdicts: documents that reached a verdict; errored ones are left
//     out, as in a pass rate). Document-weighted, so an evaluation that covered fewer documents (one
//     stopped early) weighs what it measured, and the score stays an unbiased pass-rate estimate.
//   best as of iteration i = the accepted candidate made by an iteration <= i with the highest score
//     as of i; on a tie, the earliest (lowest iteration, then id).
//
// Only validation rows are read: the training minibatches and the held-out test never move a score.
import type { Store } from '../store/index.ts';
import type { ScoredCandidate } from './select-parent.ts';

export interface CandidateStanding {
  id: string;
  /** The iteration that made the candidate (0 for the baseline). */
  iteration: number;
  score: number;
  /** Accepted documents and verdicts pooled over the evaluations counted. */
  accepted: number;
  documents: number;
  evaluations: number;
}

const THROUGH_EVERY_ITERATION = Number.MAX_SAFE_INTEGER;

/**
 * Verdicts of one evaluation row: pass_rate = accepted / verdicts, so accepted / pass_rate gives them
 * back exactly; a row with nothing accepted counts its documents less the errored ones (read from the
 * outcomes only then, so the usual row costs no JSON parsing).
 */
const VERDICTS_SQL = `CASE WHEN accepted > 0 THEN ROUND(accepted / pass_rate)
  ELSE documents - (SELECT COUNT(*) FROM json_each(outcomes_json) WHERE json_type(value, '$.error') IS NOT NULL) END`;

interface PooledRow {
  id: string;
  accepted: number;
  documents: number;
  evaluations: number;
}

/** Every validated candidate's pooled figures as of `throughIteration` (all evaluations when omitted). */
export function candidateScores(store: Store, throughIteration = THROUGH_EVERY_ITERATION): Map<string, CandidateStanding> {
  const madeAt = new Map(
    (store.db.prepare('SELECT id, iteration FROM candidate').all() as Array<{ id: string; iteration: number }>).map((row) => [row.id, row.iteration]),
  );
  const rows = store.db
    .prepare(
      `SELECT candidate_id AS id, SUM(accepted) AS accepted, SUM(${VERDICTS_SQL}) AS documents, COUNT(*) AS evaluations
       FROM evaluation WHERE split_part = 'validation' AND iteration <= ? GROUP BY candidate_id`,
    )
    .all(throughIteration) as PooledRow[];
  return new Map(rows.filter((row) => row.documents > 0 && madeAt.has(row.id)).map((row) => [row.id, standing(row, madeAt.get(row.id)!)]));
}

/** The best candidate as of `throughIteration` (now, when omitted); undefined before the baseline is scored. */
export function bestCandidate(store: Store, throughIteration = THROUGH_EVERY_ITERATION): CandidateStanding | undefined {
  const scores = candidateScores(store, throughIteration);
  let best: CandidateStanding | undefined;
  for (const { id } of acceptedCandidates(store, throughIteration)) {
    const entry = scores.get(id);
    if (entry && (!best || isBetter(entry, best))) best = entry;
  }
  return best;
}

/** The population a wave beginning after `iteration` selects from: accepted candidates with their scores as of it. */
export function populationAsOf(store: Store, iteration: number): ScoredCandidate[] {
  const scores = candidateScores(store, iteration);
  return acceptedCandidates(store, iteration).flatMap(({ id }) => {
    const entry = scores.get(id);
    return entry ? [{ id, score: entry.score }] : [];
  });
}

/**
 * The best as of each finished iteration, in iteration order: `bestCandidate(store, i)` for every i,
 * computed in one pass over the evaluation rows (a rescan of the population only when the leader's
 * own score falls).
 */
export function bestAfterEachIteration(store: Store): Array<{ iteration: number; best: CandidateStanding }> {
  const finished = store.db.prepare('SELECT iteration FROM iteration ORDER BY iteration').all() as Array<{ iteration: number }>;
  const accepted = acceptedCandidates(store, THROUGH_EVERY_ITERATION);
  const made = new Map(accepted.map((candidate) => [candidate.id, candidate.iteration]));
  // One validation row per candidate and iteration (the table's key), so no grouping is needed.
  const rows = store.db
    .prepare(`SELECT iteration, candidate_id AS id, accepted, ${VERDICTS_SQL} AS documents, 1 AS evaluations FROM evaluation WHERE split_part = 'validation' ORDER BY iteration`)
    .all() as Array<PooledRow & { iteration: number }>;
  const pooled = new Map<string, PooledRow>();
  const eligible = new Set<string>();
  const points: Array<{ iteration: number; best: CandidateStanding }> = [];
  let best: CandidateStanding | undefined;
  let next = 0;
  let nextAccepted = 0;
  for (const { iteration } of finished) {
    const touched = new Set<string>();
    for (; next < rows.length && rows[next]!.iteration <= iteration; next += 1) {
      const row = rows[next]!;
      const sum = pooled.get(row.id) ?? { id: row.id, accepted: 0, documents: 0, evaluations: 0 };
      pooled.set(row.id, { id: row.id, accepted: sum.accepted + row.accepted, documents: sum.documents + row.documents, evaluations: sum.evaluations + row.evaluations });
      touched.add(row.id);
    }
    for (; nextAccepted < accepted.length && accepted[nextAccepted]!.iteration <= iteration; nextAccepted += 1) {
      eligible.add(accepted[nextAccepted]!.id);
      touched.add(accepted[nextAccepted]!.id);
    }
    const standingOf = (id: string): CandidateStanding | undefined => {
      const sum = pooled.get(id);
      return sum && sum.documents > 0 && eligible.has(id) ? standing(sum, made.get(id)!) : undefined;
    };
    const leaderFell = best !== undefined && touched.has(best.id) && standingOf(best.id)!.score < best.score;
    const contenders = leaderFell ? eligible : touched;
    if (leaderFell) best = undefined;
    else if (best && touched.has(best.id)) best = standingOf(best.id);
    for (const id of contenders) {
      const entry = standingOf(id);
      if (entry && (!best || isBetter(entry, best))) best = entry;
    }
    if (best) points.push({ iteration, best });
  }
  return points;
}

/** Accepted candidates made by `throughIteration`, earliest first. */
export function acceptedCandidates(store: Store, throughIteration: number): Array<{ id: string; iteration: number }> {
  return store.db
    .prepare(`SELECT id, iteration FROM candidate WHERE status = 'accepted' AND iteration <= ? ORDER BY iteration, id`)
    .all(throughIteration) as Array<{ id: string; iteration: number }>;
}

/** Higher score wins; on a tie, the earlier candidate. */
export function isBetter(candidate: CandidateStanding, other: CandidateStanding): boolean {
  if (candidate.score !== other.score) return candidate.score > other.score;
  return candidate.iteration !== other.iteration ? candidate.iteration < other.iteration : candidate.id < other.id;
}

function standing(row: PooledRow, iteration: number): CandidateStanding {
  return { id: row.id, iteration, score: row.accepted / row.documents, accepted: row.accepted, documents: row.documents, evaluations: row.evaluations };
}

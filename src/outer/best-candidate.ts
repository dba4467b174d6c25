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
 * Verdicts of one evaluation row, from its other columns (the definition): pass_rate = accepted /
 * verdicts, so accepted / pass_rate gives them back exactly; a row with nothing accepted counts its
 * documents less the errored ones (read from the outcomes only then). insertEvaluation stores the
 * result in the row's `verdicts` column (migration 008 filled it for older rows with this same
 * expression), so reads take the column; `columns` names what the expression reads (columns or
 * statement parameters).
 */
export function verdictsSql(columns = { accepted: 'accepted', passRate: 'pass_rate', documents: 'documents', outcomesJson: 'outcomes_json' }): string {
  return `CASE WHEN ${columns.accepted} > 0 THEN ROUND(${columns.accepted} / ${columns.passRate})
  ELSE ${columns.documents} - (SELECT COUNT(*) FROM json_each(${columns.outcomesJson}) WHERE json_type(value, '$.error') IS NOT NULL) END`;
}

const hasVerdictsColumn = new WeakMap<Store['db'], boolean>();

/**
 * What a read takes a row's verdicts from: the stored column, or, in a store opened read-only
 * without migration 008 (an old run folder), the expression it was filled with.
 */
function verdictsOf(store: Store): string {
  let stored = hasVerdictsColumn.get(store.db);
  if (stored === undefined) {
    const columns = store.db.prepare('SELECT name FROM pragma_table_info(\'evaluation\')').all() as Array<{ name: string }>;
    stored = columns.some((column) => column.name === 'verdicts');
    // Only a found column is remembered: a reader of an old store sees it once a writer migrates it.
    if (stored) hasVerdictsColumn.set(store.db, true);
  }
  return stored ? 'verdicts' : verdictsSql();
}

interface PooledRow {
  id: string;
  accepted: number;
  documents: number;
  evaluations: number;
}

/** Every validated candidate's pooled figures as of `throughIteration` (all evaluations when omitted). */
export function candidateScores(store: Store, throughIteration = THROUGH_EVERY_ITERATION): Map<string, CandidateStanding> {
  return new Map(pooledScores(store, throughIteration, 'every candidate').map((entry) => [entry.id, entry]));
}

/** The standings as of `throughIteration` of the accepted candidates made by then that have one, earliest first. */
export function acceptedStandings(store: Store, throughIteration: number): CandidateStanding[] {
  return pooledScores(store, throughIteration, 'accepted by then');
}

/** The best candidate as of `throughIteration` (now, when omitted); undefined before the baseline is scored. */
export function bestCandidate(store: Store, throughIteration = THROUGH_EVERY_ITERATION): CandidateStanding | undefined {
  let best: CandidateStanding | undefined;
  for (const entry of acceptedStandings(store, throughIteration)) if (!best || isBetter(entry, best)) best = entry;
  return best;
}

/** The population a wave beginning after `iteration` selects from: accepted candidates with their scores as of it. */
export function populationAsOf(store: Store, iteration: number): ScoredCandidate[] {
  return acceptedStandings(store, iteration).map(({ id, score }) => ({ id, score }));
}

/**
 * The pooled standings as of `throughIteration`, earliest candidate first: of every validated
 * candidate, or only of the accepted ones made by then (the best and the population read no
 * other, so the rows of rejected children are not read for them).
 */
// CROSS JOIN keeps candidate the outer loop: one range of the evaluation index per candidate, so
// the rows of candidates left out are never read (SQLite's own choice scanned them all).
function pooledScores(store: Store, throughIteration: number, which: 'every candidate' | 'accepted by then'): CandidateStanding[] {
  const rows = store.db
    .prepare(
      `SELECT c.id AS id, c.iteration AS iteration, SUM(e.accepted) AS accepted, SUM(${verdictsOf(store)}) AS documents, COUNT(*) AS evaluations
       FROM candidate c CROSS JOIN evaluation e ON e.candidate_id = c.id AND e.split_part = 'validation' AND e.iteration <= @through
       ${which === 'accepted by then' ? `WHERE c.status = 'accepted' AND c.iteration <= @through` : ''}
       GROUP BY c.id ORDER BY c.iteration, c.id`,
    )
    .all({ through: throughIteration }) as Array<PooledRow & { iteration: number }>;
  return rows.filter((row) => row.documents > 0).map((row) => standing(row, row.iteration));
}

/**
 * The best as of each finished iteration, in iteration order: `bestCandidate(store, i)` for every i,
 * in one sweep over the accepted candidates' validation rows in iteration order. The leader is the
 * top of a heap of standings; a candidate's outdated entries are dropped when they reach the top.
 */
export function bestAfterEachIteration(store: Store): Array<{ iteration: number; best: CandidateStanding }> {
  const finished = store.db.prepare('SELECT iteration FROM iteration ORDER BY iteration').pluck().all() as number[];
  const candidates = acceptedCandidates(store, THROUGH_EVERY_ITERATION);
  const rows = acceptedValidationRows(store, candidates);
  const pooled = candidates.map((candidate) => ({ id: candidate.id, accepted: 0, documents: 0, evaluations: 0 }));
  const version = new Uint32Array(candidates.length);
  const eligible = new Uint8Array(candidates.length);
  const heap = new StandingHeap();
  const points: Array<{ iteration: number; best: CandidateStanding }> = [];
  let next = 0;
  let nextEligible = 0;
  const offer = (index: number) => {
    version[index] = version[index]! + 1;
    const sum = pooled[index]!;
    if (eligible[index] && sum.documents > 0) heap.push({ index, version: version[index]!, standing: standing(sum, candidates[index]!.iteration) });
  };
  for (const iteration of finished) {
    for (; next < rows.length && rows[next]!.iteration <= iteration; next += 1) {
      const row = rows[next]!;
      const sum = pooled[row.index]!;
      sum.accepted += row.accepted;
      sum.documents += row.verdicts;
      sum.evaluations += 1;
      offer(row.index);
    }
    for (; nextEligible < candidates.length && candidates[nextEligible]!.iteration <= iteration; nextEligible += 1) {
      eligible[nextEligible] = 1;
      offer(nextEligible);
    }
    const best = heap.top((entry) => entry.version === version[entry.index]);
    if (best) points.push({ iteration, best: best.standing });
  }
  return points;
}

interface ValidationRow {
  /** The candidate's place in the accepted list. */
  index: number;
  iteration: number;
  accepted: number;
  verdicts: number;
}

/**
 * The validation rows of the accepted candidates, in iteration order. One string of numbers per
 * candidate, parsed here: SQLite hands over thousands of rows far faster than hundreds of thousands.
 */
function acceptedValidationRows(store: Store, candidates: Array<{ id: string }>): ValidationRow[] {
  const place = new Map(candidates.map((candidate, index) => [candidate.id, index]));
  const groups = store.db
    .prepare(
      `SELECT c.id, group_concat(e.iteration || ',' || e.accepted || ',' || ${verdictsOf(store)})
       FROM candidate c CROSS JOIN evaluation e ON e.candidate_id = c.id AND e.split_part = 'validation'
       WHERE c.status = 'accepted' GROUP BY c.id`,
    )
    .raw()
    .all() as Array<[string, string]>;
  const rows: ValidationRow[] = [];
  for (const [id, numbers] of groups) {
    const index = place.get(id)!;
    const values = JSON.parse(`[${numbers}]`) as number[];
    for (let at = 0; at < values.length; at += 3) rows.push({ index, iteration: values[at]!, accepted: values[at + 1]!, verdicts: values[at + 2]! });
  }
  // Each candidate's rows come in iteration order (the index's), so the sort merges runs.
  return rows.sort((a, b) => a.iteration - b.iteration);
}

interface HeapEntry {
  index: number;
  version: number;
  standing: CandidateStanding;
}

/** A binary heap of standings, the best (isBetter) on top; `top` drops outdated entries on the way. */
class StandingHeap {
  private readonly entries: HeapEntry[] = [];

  push(entry: HeapEntry): void {
    const { entries } = this;
    entries.push(entry);
    for (let at = entries.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1;
      if (!isBetter(entries[at]!.standing, entries[parent]!.standing)) break;
      [entries[at], entries[parent]] = [entries[parent]!, entries[at]!];
      at = parent;
    }
  }

  top(isCurrent: (entry: HeapEntry) => boolean): HeapEntry | undefined {
    const { entries } = this;
    while (entries.length > 0 && !isCurrent(entries[0]!)) {
      const last = entries.pop()!;
      if (entries.length === 0) break;
      entries[0] = last;
      for (let at = 0; ; ) {
        const left = 2 * at + 1;
        let largest = at;
        if (left < entries.length && isBetter(entries[left]!.standing, entries[largest]!.standing)) largest = left;
        if (left + 1 < entries.length && isBetter(entries[left + 1]!.standing, entries[largest]!.standing)) largest = left + 1;
        if (largest === at) break;
        [entries[at], entries[largest]] = [entries[largest]!, entries[at]!];
        at = largest;
      }
    }
    return entries[0];
  }
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

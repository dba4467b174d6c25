// Typed reads and writes of the outer loop's tables (store/migrations/004-outer.sql).
// Each function is one statement; callers group them with withTransaction when they belong together.
import type { Store } from '../store/index.ts';
import { verdictsSql } from './best-candidate.ts';

export const CANDIDATE_STATUSES = ['evaluating', 'accepted', 'rejected', 'refused'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];
export type IterationDecision = 'baseline' | 'accepted' | 'rejected' | 'refused' | 'failed';
export type SplitPart = 'train' | 'validation' | 'test';

export interface CandidateRecord {
  id: string;
  parentId: string | null;
  iteration: number;
  diff: string;
  contentHash: string | null;
  status: CandidateStatus;
  reason: string;
  editSummary: string;
  createdAt: string;
}

/** What is kept per document of an evaluation (the full trajectory stays in the inner loop's table). */
export interface OutcomeSummary {
  documentId: string;
  accepted: boolean;
  acceptedRound: number | null;
  totalRounds: number;
  weakMean: number | null;
  strongMean: number | null;
  gap: number | null;
  calls: number;
  tokens: number;
  error?: string;
}

export interface EvaluationRecord {
  candidateId: string;
  iteration: number;
  splitPart: SplitPart;
  repeat: number;
  seed: number;
  /** accepted / documents that reached a verdict (errored documents are left out). */
  passRate: number;
  documents: number;
  /** Documents that ended on an infrastructure error (derived from the outcomes, not a column). */
  errored: number;
  accepted: number;
  calls: number;
  tokens: number;
  outcomes: OutcomeSummary[];
  createdAt: string;
}

export interface AnalysisRecord {
  iteration: number;
  parentId: string;
  headline: string;
  analysis: unknown;
  error: string | null;
  trajectories: number;
  calls: number;
  tokens: number;
  createdAt: string;
}

export interface EditAttemptRecord {
  iteration: number;
  attempt: number;
  summary: string;
  edits: unknown;
  outcome: 'applied' | 'refused';
  refusalReason: string | null;
  message: string;
  calls: number;
  tokens: number;
  createdAt: string;
}

export interface IterationRecord {
  iteration: number;
  parentId: string;
  childId: string | null;
  analysisHeadline: string;
  editSummary: string;
  parentScore: number | null;
  childScore: number | null;
  decision: IterationDecision;
  reason: string;
  calls: number;
  tokens: number;
  finishedAt: string;
}

export function candidateId(iteration: number): string {
  return `c${String(iteration).padStart(4, '0')}`;
}

export function insertCandidate(store: Store, candidate: CandidateRecord): void {
  store.db
    .prepare(
      `INSERT INTO candidate (id, parent_id, iteration, diff, content_hash, status, reason, edit_summary, created_at)
       VALUES (@id, @parentId, @iteration, @diff, @contentHash, @status, @reason, @editSummary, @createdAt)`,
    )
    .run(candidate);
}

export function setCandidateStatus(store: Store, id: string, status: CandidateStatus, reason: string): void {
  store.db.prepare('UPDATE candidate SET status = ?, reason = ? WHERE id = ?').run(status, reason, id);
}

export function getCandidate(store: Store, id: string): CandidateRecord | undefined {
  const row = store.db.prepare('SELECT * FROM candidate WHERE id = ?').get(id) as CandidateRow | undefined;
  return row ? candidateFromRow(row) : undefined;
}

export function listCandidates(store: Store): CandidateRecord[] {
  return (store.db.prepare('SELECT * FROM candidate ORDER BY iteration, id').all() as CandidateRow[]).map(candidateFromRow);
}

/** How many candidates are in each status (statuses with none are absent). */
export function countCandidatesByStatus(store: Store): Map<CandidateStatus, number> {
  const rows = store.db.prepare('SELECT status, COUNT(*) AS count FROM candidate GROUP BY status').all() as Array<{ status: CandidateStatus; count: number }>;
  return new Map(rows.map((row) => [row.status, row.count]));
}

// The row's verdicts, stored for the score readers: the definition's expression over the values inserted.
const VERDICTS_OF_INSERTED = verdictsSql({ accepted: '@accepted', passRate: '@passRate', documents: '@documents', outcomesJson: '@outcomesJson' });

export function insertEvaluation(store: Store, evaluation: EvaluationRecord): void {
  store.db
    .prepare(
      `INSERT INTO evaluation (candidate_id, iteration, split_part, repeat, seed, pass_rate, documents, accepted, calls, tokens, outcomes_json, created_at, verdicts)
       VALUES (@candidateId, @iteration, @splitPart, @repeat, @seed, @passRate, @documents, @accepted, @calls, @tokens, @outcomesJson, @createdAt, ${VERDICTS_OF_INSERTED})`,
    )
    .run({ ...evaluation, outcomesJson: JSON.stringify(evaluation.outcomes), outcomes: undefined, errored: undefined });
}

/** Removes the evaluations of one split part at one iteration (a final test redone on other documents). */
export function deleteEvaluations(store: Store, filter: { iteration: number; splitPart: SplitPart }): void {
  store.db.prepare('DELETE FROM evaluation WHERE iteration = ? AND split_part = ?').run(filter.iteration, filter.splitPart);
}

export function listEvaluations(store: Store, filter: { candidateId?: string; splitPart?: SplitPart } = {}): EvaluationRecord[] {
  // Only the filters given are in the WHERE: an `@x IS NULL OR ...` term would keep SQLite off the indexes.
  const terms = [filter.candidateId === undefined ? '' : 'candidate_id = @candidateId', filter.splitPart === undefined ? '' : 'split_part = @splitPart'].filter(Boolean);
  const rows = store.db
    .prepare(`SELECT * FROM evaluation ${terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : ''} ORDER BY iteration, candidate_id, split_part`)
    .all({ candidateId: filter.candidateId ?? null, splitPart: filter.splitPart ?? null }) as EvaluationRow[];
  return rows.map((row) => ({
    candidateId: row.candidate_id,
    iteration: row.iteration,
    splitPart: row.split_part,
    repeat: row.repeat,
    seed: row.seed,
    passRate: row.pass_rate,
    documents: row.documents,
    accepted: row.accepted,
    calls: row.calls,
    tokens: row.tokens,
    ...withErrored(JSON.parse(row.outcomes_json) as OutcomeSummary[]),
    createdAt: row.created_at,
  }));
}

export function insertAnalysis(store: Store, analysis: AnalysisRecord): void {
  store.db
    .prepare(
      `INSERT INTO analysis (iteration, parent_id, headline, analysis_json, error, trajectories, calls, tokens, created_at)
       VALUES (@iteration, @parentId, @headline, @analysisJson, @error, @trajectories, @calls, @tokens, @createdAt)`,
    )
    .run({ ...analysis, analysis: undefined, analysisJson: analysis.analysis === null ? null : JSON.stringify(analysis.analysis) });
}

export function getAnalysis(store: Store, iteration: number): AnalysisRecord | undefined {
  const row = store.db.prepare('SELECT * FROM analysis WHERE iteration = ?').get(iteration) as AnalysisRow | undefined;
  if (!row) return undefined;
  return {
    iteration: row.iteration,
    parentId: row.parent_id,
    headline: row.headline,
    analysis: row.analysis_json === null ? null : (JSON.parse(row.analysis_json) as unknown),
    error: row.error,
    trajectories: row.trajectories,
    calls: row.calls,
    tokens: row.tokens,
    createdAt: row.created_at,
  };
}

export function insertEditAttempt(store: Store, attempt: EditAttemptRecord): void {
  store.db
    .prepare(
      `INSERT INTO edit_attempt (iteration, attempt, summary, edits_json, outcome, refusal_reason, message, calls, tokens, created_at)
       VALUES (@iteration, @attempt, @summary, @editsJson, @outcome, @refusalReason, @message, @calls, @tokens, @createdAt)`,
    )
    .run({ ...attempt, edits: undefined, editsJson: attempt.edits === null ? null : JSON.stringify(attempt.edits) });
}

export function listEditAttempts(store: Store, iteration?: number): EditAttemptRecord[] {
  const rows = store.db
    .prepare('SELECT * FROM edit_attempt WHERE (@iteration IS NULL OR iteration = @iteration) ORDER BY iteration, attempt')
    .all({ iteration: iteration ?? null }) as EditAttemptRow[];
  return rows.map((row) => ({
    iteration: row.iteration,
    attempt: row.attempt,
    summary: row.summary,
    edits: row.edits_json === null ? null : (JSON.parse(row.edits_json) as unknown),
    outcome: row.outcome,
    refusalReason: row.refusal_reason,
    message: row.message,
    calls: row.calls,
    tokens: row.tokens,
    createdAt: row.created_at,
  }));
}

export function insertIteration(store: Store, record: IterationRecord): void {
  store.db
    .prepare(
      `INSERT INTO iteration (iteration, parent_id, child_id, analysis_headline, edit_summary, parent_score, child_score, decision, reason, calls, tokens, finished_at)
       VALUES (@iteration, @parentId, @childId, @analysisHeadline, @editSummary, @parentScore, @childScore, @decision, @reason, @calls, @tokens, @finishedAt)`,
    )
    .run(record);
}

export function listIterations(store: Store): IterationRecord[] {
  const rows = store.db.prepare('SELECT * FROM iteration ORDER BY iteration').all() as IterationRow[];
  return rows.map((row) => ({
    iteration: row.iteration,
    parentId: row.parent_id,
    childId: row.child_id,
    analysisHeadline: row.analysis_headline,
    editSummary: row.edit_summary,
    parentScore: row.parent_score,
    childScore: row.child_score,
    decision: row.decision,
    reason: row.reason,
    calls: row.calls,
    tokens: row.tokens,
    finishedAt: row.finished_at,
  }));
}

/** Each finished iteration's decision and child score: what the curve prints, without the rest of the history row. */
export function iterationDecisions(store: Store): Map<number, Pick<IterationRecord, 'decision' | 'childScore'>> {
  const rows = store.db.prepare('SELECT iteration, decision, child_score AS childScore FROM iteration').all() as Array<Pick<IterationRecord, 'iteration' | 'decision' | 'childScore'>>;
  return new Map(rows.map(({ iteration, decision, childScore }) => [iteration, { decision, childScore }]));
}

/**
 * Deletes the partial records of iterations that never finished (no `iteration` row), so a resumed
 * run redoes them from a clean slate. Returns the iterations that were cleaned.
 */
export function discardUnfinishedIterations(store: Store): number[] {
  const unfinished = store.db
    .prepare(
      `SELECT DISTINCT iteration FROM (
         SELECT iteration FROM candidate UNION SELECT iteration FROM evaluation
         UNION SELECT iteration FROM analysis UNION SELECT iteration FROM edit_attempt)
       WHERE iteration NOT IN (SELECT iteration FROM iteration) ORDER BY iteration`,
    )
    .all() as Array<{ iteration: number }>;
  const iterations = unfinished.map((row) => row.iteration);
  const clean = store.db.transaction(() => {
    for (const iteration of iterations) {
      store.db.prepare('DELETE FROM evaluation WHERE iteration = ?').run(iteration);
      store.db.prepare('DELETE FROM analysis WHERE iteration = ?').run(iteration);
      store.db.prepare('DELETE FROM edit_attempt WHERE iteration = ?').run(iteration);
      store.db.prepare('DELETE FROM candidate WHERE iteration = ?').run(iteration);
    }
  });
  clean.immediate();
  return iterations;
}

// A candidate's validation score and the population as of an iteration: best-candidate.ts.
export { candidateScores } from './best-candidate.ts';

interface CandidateRow {
  id: string;
  parent_id: string | null;
  iteration: number;
  diff: string;
  content_hash: string | null;
  status: CandidateStatus;
  reason: string;
  edit_summary: string;
  created_at: string;
}

interface EvaluationRow {
  candidate_id: string;
  iteration: number;
  split_part: SplitPart;
  repeat: number;
  seed: number;
  pass_rate: number;
  documents: number;
  accepted: number;
  calls: number;
  tokens: number;
  outcomes_json: string;
  created_at: string;
}

interface AnalysisRow {
  iteration: number;
  parent_id: string;
  headline: string;
  analysis_json: string | null;
  error: string | null;
  trajectories: number;
  calls: number;
  tokens: number;
  created_at: string;
}

interface EditAttemptRow {
  iteration: number;
  attempt: number;
  summary: string;
  edits_json: string | null;
  outcome: 'applied' | 'refused';
  refusal_reason: string | null;
  message: string;
  calls: number;
  tokens: number;
  created_at: string;
}

interface IterationRow {
  iteration: number;
  parent_id: string;
  child_id: string | null;
  analysis_headline: string;
  edit_summary: string;
  parent_score: number | null;
  child_score: number | null;
  decision: IterationDecision;
  reason: string;
  calls: number;
  tokens: number;
  finished_at: string;
}

function candidateFromRow(row: CandidateRow): CandidateRecord {
  return {
    id: row.id,
    parentId: row.parent_id,
    iteration: row.iteration,
    diff: row.diff,
    contentHash: row.content_hash,
    status: row.status,
    reason: row.reason,
    editSummary: row.edit_summary,
    createdAt: row.created_at,
  };
}

function withErrored(outcomes: OutcomeSummary[]): { outcomes: OutcomeSummary[]; errored: number } {
  return { outcomes, errored: outcomes.filter((outcome) => outcome.error !== undefined).length };
}

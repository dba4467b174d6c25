// One exported example per accepted episode, and the re-check that lets it in: the acceptance rule
// of its harness recomputed from the scores the episode stored (inner/acceptance.ts). A row whose
// stored scores do not pass is not exported; the export reports it. A judge-decided round (judge-loop)
// passes on the loop judge's accept with the harness's code overrides holding on its stored attempts.
import type { HarnessSettings } from '../harness/index.ts';
import { acceptanceVerdict } from '../inner/acceptance.ts';
import { loopOverrides, overrideViolations } from '../inner/loop-overrides.ts';
import { buildDiagnosticPacket } from '../inner/loop-packet.ts';
import type { DocumentResult, ResultProvenance, RoundRecord } from '../inner/result-schema.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';

export const SPLITS = ['train', 'test'] as const;
export type DatasetSplit = (typeof SPLITS)[number];

/** Field names are snake_case like result.json: this is the dataset-facing record. */
export interface DatasetRow {
  id: string;
  split: DatasetSplit;
  document_id: string;
  document_title: string;
  question_type: string | null;
  reasoning_skills: string[];
  context: string | null;
  question: string;
  reference_answer: string | null;
  /** As the challenger wrote it (an accepted round has no rubric format error). */
  rubric: unknown;
  /** The quality verifier's verdict per check (answer_leakage, reasoning_not_recall, ...). */
  quality_checks: Record<string, string>;
  weak_scores: number[];
  strong_scores: number[];
  weak_mean: number;
  strong_mean: number;
  gap: number | null;
  accepted_round: number;
  total_rounds: number;
  harness_hash: string;
  orchestrator: string;
  mode: string;
  acceptance: string;
  seed: number;
  repeat: number;
  /** Evolve runs: the candidates with this harness; empty for generate. */
  candidates: string[];
  /**
   * The evaluation that made the example: the store's run, the candidate evaluated (or the one a
   * generate harness came from), the split part its document was drawn from and the evolve
   * iteration (0: the baseline; null for generate). null for results written before it was recorded.
   */
  origin: ResultProvenance | null;
  /** role -> models the folder's calls used. */
  models: Record<string, string[]>;
  simulated: boolean;
}

/** The stable id: the same harness, document, seed and repeat always give the same id. */
export function exampleId(harnessHash: string, documentId: string, seed: number, repeat: number): string {
  return sha256Hex(canonicalJson([harnessHash, documentId, seed, repeat])).slice(0, 16);
}

export type RowCheck = { ok: true; round: RoundRecord } | { ok: false; reasons: string[] };

/** The episode's accepted round if its stored record passes the rule again; else why not. */
export function recheckAccepted(result: DocumentResult, settings: Pick<HarnessSettings, 'acceptance' | 'weakZeroRule' | 'loopJudge'>): RowCheck {
  const round = result.rounds.find((entry) => entry.accepted);
  if (!round) return { ok: false, reasons: ['no accepted round'] };
  const reasons: string[] = [];
  if (result.harness.acceptance !== settings.acceptance) reasons.push(`recorded acceptance ${result.harness.acceptance} is not the harness's ${settings.acceptance}`);
  if (round.quality_check?.passed !== true) reasons.push('the quality check did not pass');
  if (round.rubric_format_errors.length > 0) reasons.push(`rubric format errors: ${round.rubric_format_errors.join('; ')}`);
  if (round.question === null || round.question.trim() === '') reasons.push('no question');
  if (!round.weak || !round.strong) {
    reasons.push('a solver stage has no scores');
  } else if (round.loop_judge) {
    // A judge-decided round: the loop judge's accept, and the harness's code overrides on the stored attempts.
    if (round.loop_judge.verdict !== 'accept') reasons.push('the loop judge did not accept it');
    const packet = buildDiagnosticPacket(round.question ?? '', [], round.evaluation_report.weak, round.evaluation_report.strong);
    reasons.push(...overrideViolations(loopOverrides(settings), packet));
  } else {
    const attempts = {
      weak: round.weak.early_stop?.attempts_planned ?? round.weak.scores.length,
      strong: round.strong.early_stop?.attempts_planned ?? round.strong.scores.length,
    };
    const verdict = acceptanceVerdict(settings.acceptance, round.weak.scores, round.strong.scores, settings.weakZeroRule, attempts);
    if (!verdict.accepted) reasons.push(...verdict.reasons);
  }
  return reasons.length === 0 ? { ok: true, round } : { ok: false, reasons };
}

/** A row before the split assigns its side. */
export type UnsplitRow = Omit<DatasetRow, 'split'>;

export function datasetRow(result: DocumentResult, round: RoundRecord, context: { candidates: string[]; models: Record<string, string[]> }): UnsplitRow {
  const { weak, strong } = round;
  return {
    id: exampleId(result.harness.content_hash, result.document_id, result.seed, result.repeat),
    document_id: result.document_id,
    document_title: result.title,
    question_type: round.question_type,
    reasoning_skills: round.reasoning_skills,
    context: round.context,
    question: round.question ?? '',
    reference_answer: round.reference_answer,
    rubric: round.rubric,
    quality_checks: Object.fromEntries(Object.entries(round.quality_check?.checks ?? {}).map(([name, check]) => [name, check.verdict])),
    weak_scores: weak?.scores ?? [],
    strong_scores: strong?.scores ?? [],
    weak_mean: weak?.mean ?? 0,
    strong_mean: strong?.mean ?? 0,
    gap: round.gap,
    accepted_round: round.round,
    total_rounds: result.total_rounds,
    harness_hash: result.harness.content_hash,
    orchestrator: result.harness.orchestrator,
    mode: result.harness.mode,
    acceptance: result.harness.acceptance,
    seed: result.seed,
    repeat: result.repeat,
    candidates: context.candidates,
    origin: result.provenance ?? null,
    models: context.models,
    simulated: result.simulated === true,
  };
}

/** One line of rejections.jsonl: a round that did not produce the example, or an episode that ended without one. */
export interface RejectionRow {
  document_id: string;
  harness_hash: string;
  seed: number;
  repeat: number;
  /** null: the episode's ending (gave up, budget exhausted) rather than one round. */
  round: number | null;
  reason: string;
  detail: string | null;
  question_type: string | null;
  question: string | null;
  weak_mean: number | null;
  strong_mean: number | null;
  gap: number | null;
  /** Whether the episode went on to an accepted example. */
  document_accepted: boolean;
}

export function rejectionRows(result: DocumentResult): RejectionRow[] {
  const accepted = result.rounds.some((round) => round.accepted);
  const base = { document_id: result.document_id, harness_hash: result.harness.content_hash, seed: result.seed, repeat: result.repeat, document_accepted: accepted };
  const rows: RejectionRow[] = result.rounds
    .filter((round) => !round.accepted)
    .map((round) => ({
      ...base,
      round: round.round,
      reason: round.failure_reason ?? 'unknown',
      detail: round.failure_detail,
      question_type: round.question_type,
      question: round.question,
      weak_mean: round.weak?.mean ?? null,
      strong_mean: round.strong?.mean ?? null,
      gap: round.gap,
    }));
  if (!accepted && result.end_reason !== null) {
    rows.push({ ...base, round: null, reason: result.end_reason, detail: null, question_type: null, question: null, weak_mean: null, strong_mean: null, gap: null });
  }
  return rows;
}

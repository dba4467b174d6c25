// Parallel challengers in the agentic orchestrator (harness setting challengersPerRound > 1): the
// main agent asks for several drafts in one call, one per angle; the quality verifier and the
// solvers run on every draft still in the running, stage by stage, and the round keeps the
// best-separating draft. Every draft is recorded in the round (`drafts`), the kept one marked.
import type { DraftRecord, RoundRecord } from './result-schema.ts';
import { applyExample, applyFormatFailure, applyQuality, applyStrong, applyWeak, markInfrastructure, newRound } from './round-record.ts';
import type { ParsedRubric } from './rubric.ts';
import type { ChallengerExample } from './schemas.ts';
import { challenge, evaluate, verify, type EpisodeContext, type SolverStage } from './stages.ts';

export type DraftPhase = 'drafted' | 'verified' | 'weak-passed';

export interface Draft {
  /** 1-based, in the order the agent gave the angles. */
  number: number;
  angle: string;
  record: RoundRecord;
  example?: ChallengerExample;
  rubric?: ParsedRubric;
  /** Passed every stage so far: the next stage runs on it. */
  open: boolean;
}

/** The drafts of the open parallel round, all at the same phase. */
export interface DraftRound {
  round: number;
  drafts: Draft[];
  phase: DraftPhase;
}

type Summary = Record<string, unknown>;

const rounded = (value: number | null | undefined) => (value === null || value === undefined ? undefined : Math.round(value * 1000) / 1000);

/** What the challenger of one draft reads: the round's feedback, then the draft's angle. */
export function draftFeedback(feedback: string, angle: string): string {
  return `${feedback}\n\nThe angle of this draft: ${angle}`;
}

/**
 * The longest angle read, in characters. An angle names an aspect or a kind of reasoning in a
 * sentence; each one is appended to a challenger prompt, so a model that pastes the document (or
 * worse) into it would multiply what every draft costs. Not in the tool's schema: that would change
 * every request of a parallel harness; the error says it instead.
 */
export const MAX_ANGLE_CHARS = 300;

/**
 * The agent's `angles` argument: strings only, trimmed, empty ones dropped, at most `limit`, each
 * at most MAX_ANGLE_CHARS long. A bad argument is a tool error the agent reads (and can correct), never a cut text.
 */
export function readAngles(value: unknown, limit: number): { ok: true; angles: string[]; ignored: number } | { ok: false; error: string } {
  if (value === undefined) return { ok: true, angles: [], ignored: 0 };
  if (!Array.isArray(value) || value.some((angle) => typeof angle !== 'string')) return { ok: false, error: 'angles must be a list of strings' };
  // Positions as the agent wrote them (1-based), so the error points at the angle it sent.
  const read = (value as string[]).map((angle, index) => ({ angle: angle.trim(), position: index + 1 })).filter(({ angle }) => angle !== '');
  const tooLong = read.slice(0, limit).find(({ angle }) => angle.length > MAX_ANGLE_CHARS);
  if (tooLong) {
    return {
      ok: false,
      error: `angle ${tooLong.position} is ${tooLong.angle.length} characters long; an angle may have at most ${MAX_ANGLE_CHARS}: name the aspect or the kind of reasoning in a sentence`,
    };
  }
  const angles = read.map(({ angle }) => angle);
  return { ok: true, angles: angles.slice(0, limit), ignored: Math.max(angles.length - limit, 0) };
}

/** One challenger call per angle (candidate seeds 0..N-1, as the scripted orchestrator's drafts). */
export async function draftAll(context: EpisodeContext, round: number, feedback: string, angles: readonly string[]): Promise<Draft[]> {
  const outcomes = await Promise.all(angles.map((angle, index) => challenge(context, round, draftFeedback(feedback, angle), index)));
  return outcomes.map((outcome, index) => {
    const angle = angles[index]!;
    const draft: Draft = { number: index + 1, angle, record: newRound(round, draftFeedback(feedback, angle)), open: false };
    if (outcome.kind === 'infrastructure') markInfrastructure(draft.record, outcome.detail);
    else if (outcome.kind === 'format') applyFormatFailure(draft.record, outcome.detail, outcome.issues);
    else {
      applyExample(draft.record, outcome.example, outcome.rubric);
      Object.assign(draft, { example: outcome.example, rubric: outcome.rubric, open: outcome.rubric.errors.length === 0 });
    }
    return draft;
  });
}

/** What the agent reads of each draft after the challenger: its kind and size, or why it is out. */
export function draftedSummaries(drafts: readonly Draft[]): Summary[] {
  return drafts.map((draft) => {
    if (draft.open) return { draft: draft.number, status: 'drafted', question_type: draft.example?.question_type, rubric_items: draft.rubric?.items.length };
    if (draft.record.failure_reason === 'infrastructure') return { draft: draft.number, status: 'infrastructure_error', detail: draft.record.failure_detail };
    return { draft: draft.number, status: 'failed', rubric_format_errors: draft.record.rubric_format_errors };
  });
}

/** The quality check of every open draft; returns what the agent reads of each. */
export async function verifyDrafts(context: EpisodeContext, round: number, drafts: readonly Draft[]): Promise<Summary[]> {
  const open = drafts.filter((draft) => draft.open);
  const verdicts = await Promise.all(open.map((draft) => verify(context, round, draft.example!, draft.number - 1)));
  return open.map((draft, index) => {
    const verdict = verdicts[index]!;
    if (verdict.kind === 'infrastructure') {
      markInfrastructure(draft.record, verdict.detail);
      draft.open = false;
      return { draft: draft.number, status: 'infrastructure_error', detail: verdict.detail };
    }
    applyQuality(draft.record, verdict);
    draft.open = verdict.passed;
    return { draft: draft.number, passed: verdict.passed, feedback: verdict.feedback };
  });
}

/** One solver stage on every open draft; returns what the agent reads of each. */
export async function evaluateDrafts(context: EpisodeContext, round: number, drafts: readonly Draft[], stage: SolverStage): Promise<Summary[]> {
  const open = drafts.filter((draft) => draft.open);
  const outcomes = await Promise.all(
    open.map((draft) =>
      evaluate(context, round, stage, draft.example!, draft.rubric!.items, stage === 'strong' ? { weakMean: draft.record.weak?.mean ?? 0 } : {}),
    ),
  );
  return open.map((draft, index) => {
    const outcome = outcomes[index]!;
    if (outcome.kind === 'infrastructure') {
      markInfrastructure(draft.record, outcome.detail, outcome.reports, stage);
      draft.open = false;
      return { draft: draft.number, status: 'infrastructure_error', detail: outcome.detail };
    }
    if (stage === 'weak') {
      draft.open = applyWeak(context, draft.record, outcome.scores, outcome.reports, outcome.earlyStop);
      const weak = draft.record.weak;
      return { draft: draft.number, passed: draft.open, weak_scores: outcome.scores.map(rounded), weak_mean: rounded(weak?.mean), ...(draft.open ? {} : { reasons: weak?.reasons }) };
    }
    const accepted = applyStrong(context, draft.record, outcome.scores, outcome.reports, outcome.earlyStop);
    draft.open = false;
    const strong = draft.record.strong;
    return { draft: draft.number, accepted, strong_scores: outcome.scores.map(rounded), strong_mean: rounded(strong?.mean), gap: rounded(draft.record.gap), ...(accepted ? {} : { reasons: strong?.reasons }) };
  });
}

/** How far a draft got: both evaluations 3, the weak one 2, the quality check 1, a written draft 0, a fault -1. */
function reached(record: RoundRecord): number {
  if (record.failure_reason === 'infrastructure') return -1;
  if (record.strong) return 3;
  if (record.weak) return 2;
  return record.quality_check?.passed ? 1 : 0;
}

/**
 * Best-separating first, read from the acceptance preset's own verdicts: an accepted draft first;
 * then the one that got furthest through the stages; among drafts both solvers answered, the
 * largest gap; among drafts only the weak solver answered, the lowest weak mean (the most room for
 * a gap); then the agent's order.
 */
export function rankDrafts(drafts: readonly Draft[]): Draft[] {
  const separation = (record: RoundRecord) => (record.strong ? (record.gap ?? 0) : record.weak ? -record.weak.mean : 0);
  return [...drafts].sort(
    (a, b) =>
      Number(b.record.accepted) - Number(a.record.accepted) ||
      reached(b.record) - reached(a.record) ||
      separation(b.record) - separation(a.record) ||
      a.number - b.number,
  );
}

/** The draft a parallel round keeps: the first by `rankDrafts` (a round has a draft per angle, so at least one). */
export function keptDraft(set: DraftRound): Draft {
  return rankDrafts(set.drafts)[0]!;
}

/** The round's record: the kept draft's fields, and every draft (kept marked). */
export function roundWithDrafts(kept: Draft, drafts: readonly Draft[]): RoundRecord {
  const all: DraftRecord[] = drafts.map((draft) => ({ draft: draft.number, angle: draft.angle, kept: draft === kept, ...draft.record }));
  return { ...kept.record, drafts: all };
}

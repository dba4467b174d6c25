// Building one round's record as its stages complete (shared by every orchestrator).
import { acceptanceVerdict, allScoredZero, mean, strongStageVerdict, weakStageVerdict } from './acceptance.ts';
import type { AttemptReport, EarlyStopRecord, RoundRecord, StageSummary } from './result-schema.ts';
import type { ParsedRubric } from './rubric.ts';
import type { ChallengerExample } from './schemas.ts';
import type { EpisodeContext, VerifyOutcome } from './stages.ts';

export function newRound(round: number, feedback: string): RoundRecord {
  return {
    round,
    feedback_given: feedback,
    question_type: null,
    reasoning_skills: [],
    context: null,
    question: null,
    reference_answer: null,
    rubric: null,
    rubric_format_errors: [],
    quality_check: null,
    weak: null,
    strong: null,
    gap: null,
    accepted: false,
    failure_reason: null,
    failure_detail: null,
    evaluation_report: { weak: [], strong: [] },
  };
}

/** Records the example; a rubric with format errors fails the round as a quality failure. */
export function applyExample(record: RoundRecord, example: ChallengerExample, rubric: ParsedRubric): void {
  record.question_type = example.question_type;
  record.reasoning_skills = example.reasoning_skills;
  record.context = example.context;
  record.question = example.question;
  record.reference_answer = example.reference_answer;
  record.rubric = example.rubric;
  record.rubric_format_errors = rubric.errors;
  if (rubric.errors.length > 0) fail(record, 'rubric-format', rubric.errors.join('; '));
}

/** The challenger's reply did not fit the example format at all (even after the call path's re-ask). */
export function applyFormatFailure(record: RoundRecord, detail: string, issues: string[]): void {
  record.rubric_format_errors = issues;
  fail(record, 'rubric-format', detail);
}

export function applyQuality(record: RoundRecord, verdict: Extract<VerifyOutcome, { kind: 'verdict' }>): void {
  record.quality_check = { passed: verdict.passed, feedback: verdict.feedback, checks: verdict.checks };
  if (!verdict.passed) fail(record, 'failed-qv', verdict.feedback);
}

/** The attempts a recorded stage was set to make (more than its scores when it stopped early). */
export function plannedAttempts(stage: StageSummary | null): number {
  return stage?.early_stop?.attempts_planned ?? stage?.scores.length ?? 0;
}

/** Records weak scores (with `earlyStop`, the attempts skipped and why; the verdict reads the planned count). */
export function applyWeak(context: EpisodeContext, record: RoundRecord, scores: number[], reports: AttemptReport[], earlyStop?: EarlyStopRecord): boolean {
  const { acceptance, weakZeroRule } = context.harness.settings;
  const verdict = weakStageVerdict(acceptance, scores, weakZeroRule, earlyStop?.attempts_planned ?? scores.length);
  record.weak = {
    scores,
    mean: mean(scores),
    best: Math.max(...scores),
    passed: verdict.passed,
    reasons: verdict.reasons,
    ...(earlyStop ? { early_stop: earlyStop } : {}),
  };
  record.evaluation_report.weak = reports;
  if (!verdict.passed) fail(record, allScoredZero(scores) ? 'weak-all-zero' : 'too-easy', verdict.reasons.join('; '));
  return verdict.passed;
}

/** Records strong scores and recomputes the whole acceptance decision from the recorded scores. */
export function applyStrong(context: EpisodeContext, record: RoundRecord, scores: number[], reports: AttemptReport[], earlyStop?: EarlyStopRecord): boolean {
  const { acceptance, weakZeroRule } = context.harness.settings;
  const weakScores = record.weak?.scores ?? [];
  const attempts = { weak: plannedAttempts(record.weak), strong: earlyStop?.attempts_planned ?? scores.length };
  const stage = strongStageVerdict(acceptance, weakScores, scores, attempts.strong);
  record.strong = {
    scores,
    mean: mean(scores),
    best: Math.max(...scores),
    passed: stage.passed,
    reasons: stage.reasons,
    ...(earlyStop ? { early_stop: earlyStop } : {}),
  };
  record.gap = record.strong.mean - mean(weakScores);
  record.evaluation_report.strong = reports;
  const decision = acceptanceVerdict(acceptance, weakScores, scores, weakZeroRule, attempts);
  record.accepted = decision.accepted;
  if (decision.accepted) {
    record.failure_reason = null;
    record.failure_detail = null;
  } else if (record.failure_reason === null) {
    fail(record, 'failed-on-strong', stage.reasons.join('; '));
  }
  return decision.accepted;
}

export function markInfrastructure(record: RoundRecord, detail: string, reports?: AttemptReport[], stage?: 'weak' | 'strong'): void {
  if (reports && stage) record.evaluation_report[stage] = reports;
  record.accepted = false;
  record.failure_reason = 'infrastructure';
  record.failure_detail = detail;
}

function fail(record: RoundRecord, reason: NonNullable<RoundRecord['failure_reason']>, detail: string): void {
  record.accepted = false;
  if (record.failure_reason === null) {
    record.failure_reason = reason;
    record.failure_detail = detail;
  }
}

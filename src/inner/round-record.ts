// Building one round's record as its stages complete (shared by every orchestrator).
import { acceptanceVerdict, allScoredZero, mean, strongStageVerdict, weakStageVerdict } from './acceptance.ts';
import type { AttemptReport, RoundRecord } from './result-schema.ts';
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

export function applyWeak(context: EpisodeContext, record: RoundRecord, scores: number[], reports: AttemptReport[]): boolean {
  const { acceptance, weakZeroRule } = context.harness.settings;
  const verdict = weakStageVerdict(acceptance, scores, weakZeroRule);
  record.weak = { scores, mean: mean(scores), best: Math.max(...scores), passed: verdict.passed, reasons: verdict.reasons };
  record.evaluation_report.weak = reports;
  if (!verdict.passed) fail(record, allScoredZero(scores) ? 'weak-all-zero' : 'too-easy', verdict.reasons.join('; '));
  return verdict.passed;
}

/** Records strong scores and recomputes the whole acceptance decision from the recorded scores. */
export function applyStrong(context: EpisodeContext, record: RoundRecord, scores: number[], reports: AttemptReport[]): boolean {
  const { acceptance, weakZeroRule } = context.harness.settings;
  const weakScores = record.weak?.scores ?? [];
  const stage = strongStageVerdict(acceptance, weakScores, scores);
  record.strong = { scores, mean: mean(scores), best: Math.max(...scores), passed: stage.passed, reasons: stage.reasons };
  record.gap = record.strong.mean - mean(weakScores);
  record.evaluation_report.strong = reports;
  const decision = acceptanceVerdict(acceptance, weakScores, scores, weakZeroRule);
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

// A document's episode as plain text, for the analyzer of the outer loop: every round with its
// verdict line, the example, the rubric as written, the QV's checks, every answer (with the start of
// the solver's reasoning, when it had some) and its scores.
import type { AttemptReport, DocumentResult, RoundRecord } from './result-schema.ts';

const fixed = (value: number | null | undefined) => (value === null || value === undefined ? 'n/a' : value.toFixed(2));

export function verdictLine(round: RoundRecord): string {
  const head = `Round ${round.round}:`;
  if (round.accepted) return `${head} ACCEPTED (weak mean ${fixed(round.weak?.mean)}, strong mean ${fixed(round.strong?.mean)}, gap ${fixed(round.gap)})`;
  switch (round.failure_reason) {
    case 'too-easy':
      return `${head} TOO EASY (weak mean ${fixed(round.weak?.mean)})`;
    case 'weak-all-zero':
      return `${head} WEAK SOLVER SCORED 0 (every weak attempt scored 0: too hard for the weak solver, or ill-posed)`;
    case 'failed-on-strong':
      return `${head} FAILED ON STRONG (weak mean ${fixed(round.weak?.mean)}, strong mean ${fixed(round.strong?.mean)}, gap ${fixed(round.gap)})`;
    case 'failed-qv':
      return `${head} FAILED QUALITY CHECK (${round.failure_detail ?? 'no reason given'})`;
    case 'rubric-format':
      return `${head} RUBRIC FORMAT ERROR (${round.rubric_format_errors.join('; ') || round.failure_detail})`;
    case 'loop-improve':
      return `${head} SENT BACK BY THE LOOP JUDGE (weak mean ${fixed(round.weak?.mean)}, strong mean ${fixed(round.strong?.mean)}, gap ${fixed(round.gap)})`;
    case 'infrastructure':
      return `${head} INFRASTRUCTURE ERROR, not a verdict (${round.failure_detail})`;
    case 'gave-up':
    case 'budget-exhausted':
      return `${head} UNFINISHED (${round.failure_detail})`;
    default:
      return `${head} NO VERDICT`;
  }
}

export function formatTrajectory(result: DocumentResult): string {
  const lines: string[] = [
    `Document ${result.document_id}: ${result.title}`,
    `Outcome: ${result.final_accepted_round === null ? `not accepted (${result.end_reason ?? result.error ?? 'unknown'})` : `accepted in round ${result.final_accepted_round}`}, ${result.total_rounds} round(s)` +
      (result.false_acceptance_claims > 0 ? `, ${result.false_acceptance_claims} false acceptance claim(s) overruled` : ''),
  ];
  if (result.error) lines.push(`Error: ${result.error}`);
  for (const round of result.rounds) {
    lines.push('', verdictLine(round));
    if (round.question !== null) {
      lines.push(`Question type: ${round.question_type ?? ''} | skills: ${round.reasoning_skills.join(', ')}`);
      lines.push(`Context: ${round.context ?? ''}`, `Question: ${round.question}`, `Reference answer: ${round.reference_answer ?? ''}`);
      lines.push(`Rubric (as written): ${JSON.stringify(round.rubric)}`);
    }
    if (round.quality_check) {
      lines.push(`Quality check: ${round.quality_check.passed ? 'PASS' : 'FAIL'} ${round.quality_check.feedback}`);
      for (const [name, check] of Object.entries(round.quality_check.checks)) lines.push(`  ${name}: ${check.verdict} ${check.reason}`);
    }
    for (const stage of ['weak', 'strong'] as const) {
      const reports = round.evaluation_report[stage];
      if (reports.length === 0) continue;
      const summary = round[stage];
      const stopped = summary?.early_stop
        ? ` over the ${summary.scores.length} attempts made; attempt(s) ${summary.early_stop.skipped_attempts.join(', ')} skipped (${summary.early_stop.reason})`
        : '';
      lines.push(`${stage} solver: ${summary ? `scores ${summary.scores.map(fixed).join(', ')}, mean ${fixed(summary.mean)}${stopped}` : 'not scored'}`);
      for (const report of reports) lines.push(...formatAttempt(report));
    }
    if (round.loop_judge) lines.push(...formatLoopJudge(round.loop_judge));
  }
  return lines.join('\n');
}

/** The judge-loop's decision: the judge's words quoted as JSON strings (model-written), the overrides in plain lines. */
function formatLoopJudge(judged: NonNullable<RoundRecord['loop_judge']>): string[] {
  const lines = [
    `Loop judge: ${judged.verdict ?? 'no verdict (the call failed)'}${judged.overruled ? ' (overruled by the code overrides)' : ''}; ` +
      `suggestion ${JSON.stringify(judged.suggestion)}; reasons ${JSON.stringify(judged.reasons)}`,
  ];
  for (const violation of judged.overrides_violated) lines.push(`  override broken: ${violation}`);
  return lines;
}

function formatAttempt(report: AttemptReport): string[] {
  const lines = [`  Attempt ${report.attempt} (score ${fixed(report.score)}): ${report.answer ?? '(no answer)'}`];
  if (report.reasoning) lines.push(`    ${formatReasoning(report.reasoning)}`);
  for (const criterion of report.criteria ?? []) {
    lines.push(`    [${criterion.met}] (${criterion.weight > 0 ? '+' : ''}${criterion.weight}) ${criterion.criterion}: ${criterion.reason}`);
  }
  if (report.correct !== undefined) lines.push(`    judge: ${report.correct ? 'correct' : 'incorrect'} ${report.judge_reason ?? ''}`);
  for (const error of report.errors) lines.push(`    error: ${error}`);
  return lines;
}

/**
 * The solver's reasoning, marked as such and quoted as a JSON string (one line, as the rubric is):
 * model-written text never reads as a line of the trajectory itself.
 */
function formatReasoning(reasoning: NonNullable<AttemptReport['reasoning']>): string {
  const excerpt = Array.from(reasoning.excerpt);
  const more = reasoning.chars - excerpt.length;
  return `Solver reasoning (model-written, not shown to the judge): ${JSON.stringify(reasoning.excerpt)}${more > 0 ? ` [... ${more} more characters of reasoning]` : ''}`;
}

/** One document's trajectory as text (from formatTrajectory). */
export interface TrajectoryText {
  documentId: string;
  accepted: boolean;
  text: string;
}

// Real trajectories can be long; a reader of many needs the pattern, not every byte of every round.
const MAX_TRAJECTORY_CHARS = 12_000;

/**
 * The `trajectories` value of the outer loop's analyzer and of the batch learner: one block per
 * document under a `=== Document` banner, in the order given, each cut at MAX_TRAJECTORY_CHARS.
 */
export function joinTrajectories(trajectories: readonly TrajectoryText[]): string {
  if (trajectories.length === 0) return 'No trajectories.';
  return trajectories
    .map((trajectory) => {
      const verdict = trajectory.accepted ? 'accepted in the end' : 'not accepted';
      const text =
        trajectory.text.length > MAX_TRAJECTORY_CHARS
          ? `${trajectory.text.slice(0, MAX_TRAJECTORY_CHARS)}\n[... ${trajectory.text.length - MAX_TRAJECTORY_CHARS} more characters cut]`
          : trajectory.text;
      return `=== Document ${trajectory.documentId} (${verdict}) ===\n${text.trimEnd()}`;
    })
    .join('\n\n');
}

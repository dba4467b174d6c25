// The accumulated refinement message sent to the challenger (and offered to the main agent).
// Groups: too easy, failed on strong, weak solver scored 0, failed quality check; numbering runs on across groups.
import type { RoundRecord, StageSummary } from './result-schema.ts';

export const FIRST_ROUND_FEEDBACK = 'No earlier attempts.';

const QUESTION_PREVIEW_CHARS = 300;

/** The heading of rounds whose weak attempts all scored 0: not too easy, but too hard or unanswerable as posed. */
export const WEAK_ALL_ZERO_HEADING =
  'WEAK SOLVER SCORED 0: every weak attempt scored 0 on these, so they are too hard for the weak solver or cannot be answered as posed ' +
  '(ill-posed, missing facts the context must give, or a rubric no reasonable answer meets). Make the next question answerable from the context.';

/** Builds the message from every earlier round; infrastructure rounds and accepted rounds are not verdicts and are left out. */
export function buildRefinementMessage(rounds: readonly RoundRecord[]): string {
  const tooEasy = rounds.filter((round) => round.failure_reason === 'too-easy');
  const failedOnStrong = rounds.filter((round) => round.failure_reason === 'failed-on-strong');
  const weakAllZero = rounds.filter((round) => round.failure_reason === 'weak-all-zero');
  const failedQuality = rounds.filter((round) => round.failure_reason === 'failed-qv' || round.failure_reason === 'rubric-format');
  if (tooEasy.length + failedOnStrong.length + weakAllZero.length + failedQuality.length === 0) return FIRST_ROUND_FEEDBACK;

  const lines: string[] = ['None of your earlier questions for this document was accepted. What happened to each:'];
  let number = 0;
  const group = (heading: string, members: RoundRecord[], detail: (round: RoundRecord) => string) => {
    if (members.length === 0) return;
    lines.push('', heading);
    for (const round of members) {
      number += 1;
      lines.push(`${number}. (round ${round.round}) ${preview(round.question)}`, `   ${detail(round)}`);
    }
  };
  group('TOO EASY: the weak solver answered these well, so they do not separate the solvers.', tooEasy, (round) =>
    `weak mean ${score(round.weak?.mean)}${measured(round.weak)}`,
  );
  group('FAILED ON STRONG: the strong solver could not answer these well enough, or the gap was too small.', failedOnStrong, (round) =>
    `weak mean ${score(round.weak?.mean)}${measured(round.weak)}, strong mean ${score(round.strong?.mean)}${measured(round.strong)}, gap ${score(round.gap)}`,
  );
  group(WEAK_ALL_ZERO_HEADING, weakAllZero, (round) => `weak mean ${score(round.weak?.mean)} (${round.weak?.scores.length ?? 0} attempts, every one scored 0)`);
  group('FAILED QUALITY CHECK: these were rejected before any solver saw them.', failedQuality, (round) =>
    round.failure_reason === 'rubric-format'
      ? `rubric format error: ${round.rubric_format_errors.join('; ')}`
      : `reason: ${round.failure_detail ?? round.quality_check?.feedback ?? 'not given'}`,
  );
  lines.push(
    '',
    'Write an entirely new question that approaches the document from a different angle than all of the above; ' +
      'do not rephrase an earlier one.',
  );
  return lines.join('\n');
}

export function preview(question: string | null): string {
  if (!question) return '(no question was produced)';
  const flat = question.replace(/\s+/g, ' ').trim();
  return flat.length > QUESTION_PREVIEW_CHARS ? `${flat.slice(0, QUESTION_PREVIEW_CHARS)}...` : flat;
}

/** Only what was measured: a stage that stopped early says over how many attempts its mean is. */
function measured(stage: StageSummary | null | undefined): string {
  if (!stage?.early_stop) return '';
  return ` over ${stage.scores.length} of ${stage.early_stop.attempts_planned} attempts (${stage.early_stop.reason}; the rest were not made)`;
}

function score(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : value.toFixed(2);
}

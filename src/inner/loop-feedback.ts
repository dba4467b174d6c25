// The feedback of the judge-decided loop: what the challenger reads through {{feedback}} in the
// next round. The loop judge's suggestion for each draft it sent back (with the packet's headline
// figures and any override the draft broke), and the drafts the quality checks rejected.
import { FIRST_ROUND_FEEDBACK, preview } from './refinement.ts';
import type { RoundRecord } from './result-schema.ts';

export function buildLoopFeedback(rounds: readonly RoundRecord[]): string {
  const sentBack = rounds.filter((round) => round.failure_reason === 'loop-improve');
  const rejected = rounds.filter((round) => round.failure_reason === 'failed-qv' || round.failure_reason === 'rubric-format');
  if (sentBack.length + rejected.length === 0) return FIRST_ROUND_FEEDBACK;

  const lines = ['None of your earlier drafts for this document was accepted. What happened to each:'];
  let number = 0;
  if (sentBack.length > 0) lines.push('', 'SENT BACK BY THE LOOP JUDGE (latest last; follow the latest suggestion first):');
  for (const round of sentBack) {
    number += 1;
    const packet = round.loop_judge?.packet;
    lines.push(`${number}. (round ${round.round}) ${preview(round.question)}`);
    if (packet) {
      lines.push(
        `   weak mean ${packet.weak.mean.toFixed(2)} (spread ${packet.weak.sd.toFixed(2)} over ${packet.weak.rollouts.length} rollouts), ` +
          `strong mean ${packet.strong.mean.toFixed(2)}, gap ${packet.gap.toFixed(2)}`,
      );
    }
    const suggestion = round.loop_judge?.suggestion.trim() ?? '';
    if (suggestion !== '') lines.push(`   suggestion: ${suggestion.replace(/\s+/g, ' ')}`);
    for (const violation of round.loop_judge?.overrides_violated ?? []) lines.push(`   must fix: ${violation}`);
  }
  if (rejected.length > 0) lines.push('', 'FAILED QUALITY CHECK: these were rejected before any solver saw them.');
  for (const round of rejected) {
    number += 1;
    const reason = round.failure_reason === 'rubric-format' ? `rubric format error: ${round.rubric_format_errors.join('; ')}` : `reason: ${round.failure_detail ?? 'not given'}`;
    lines.push(`${number}. (round ${round.round}) ${preview(round.question)}`, `   ${reason}`);
  }
  lines.push('', 'Write a new draft for this document that acts on the feedback above.');
  return lines.join('\n');
}

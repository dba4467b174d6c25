// The diagnostic packet of the judge-decided loop: what the loop judge reads before it answers
// accept or improve. Every rollout's per-criterion scores, grouped by capability (weak, strong),
// with each group's mean, spread and per-criterion hit rates (pure).
import { mean } from './acceptance.ts';
import type { AttemptReport, DiagnosticPacket, RubricItem } from './result-schema.ts';

type PacketGroup = DiagnosticPacket['weak'];

/** Scores rounded for the packet: the judge needs no more than three decimals, and the text stays short. */
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Population variance of a list of scores (0 for none). */
export function scoreVariance(scores: readonly number[]): number {
  const average = mean(scores);
  return mean(scores.map((score) => (score - average) ** 2));
}

function group(reports: readonly AttemptReport[], rubric: readonly RubricItem[]): PacketGroup {
  const rollouts = reports.map((report) => {
    // A criterion the judge's reply left out counts as not met, as rubricScore reads it.
    const metByIndex = new Map((report.criteria ?? []).map((criterion) => [criterion.index, criterion.met]));
    return { attempt: report.attempt, score: round3(report.score ?? 0), met: rubric.map((item) => (metByIndex.get(item.index) === 1 ? 1 : 0)) };
  });
  const scores = reports.map((report) => report.score ?? 0);
  const average = mean(scores);
  const variance = scoreVariance(scores);
  return {
    rollouts,
    mean: round3(average),
    variance: round3(variance),
    sd: round3(Math.sqrt(variance)),
    min: round3(scores.length === 0 ? 0 : Math.min(...scores)),
    max: round3(scores.length === 0 ? 0 : Math.max(...scores)),
    criterion_rates: rubric.map((_, position) => round3(mean(rollouts.map((rollout) => rollout.met[position] ?? 0)))),
  };
}

/** The packet of one evaluated round: both solver stages scored in full (no early stop). */
export function buildDiagnosticPacket(
  question: string,
  rubric: readonly RubricItem[],
  weak: readonly AttemptReport[],
  strong: readonly AttemptReport[],
): DiagnosticPacket {
  const weakGroup = group(weak, rubric);
  const strongGroup = group(strong, rubric);
  return {
    question_chars: Array.from(question).length,
    rubric: rubric.map((item) => ({ index: item.index, criterion: item.criterion, weight: item.weight })),
    weak: weakGroup,
    strong: strongGroup,
    gap: round3(strongGroup.mean - weakGroup.mean),
  };
}

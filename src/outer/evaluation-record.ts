// Turns the inner loop's evaluation into the row the outer loop keeps (per-document summaries;
// the full trajectories stay in the inner loop's document_result table).
import type { HarnessEvaluation } from '../inner/index.ts';
import type { EvaluationRecord, OutcomeSummary, SplitPart } from './population-store.ts';

export function evaluationRecord(
  evaluation: HarnessEvaluation,
  fields: { candidateId: string; iteration: number; splitPart: SplitPart; repeat: number; seed: number; createdAt: string },
): EvaluationRecord {
  const outcomes: OutcomeSummary[] = evaluation.outcomes.map((outcome) => ({
    documentId: outcome.documentId,
    accepted: outcome.accepted,
    acceptedRound: outcome.acceptedRound,
    totalRounds: outcome.totalRounds,
    weakMean: outcome.weakMean,
    strongMean: outcome.strongMean,
    gap: outcome.gap,
    calls: outcome.calls,
    tokens: outcome.promptTokens + outcome.completionTokens,
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  }));
  return {
    ...fields,
    passRate: evaluation.passRate,
    documents: outcomes.length,
    accepted: outcomes.filter((outcome) => outcome.accepted).length,
    calls: outcomes.reduce((sum, outcome) => sum + outcome.calls, 0),
    tokens: outcomes.reduce((sum, outcome) => sum + outcome.tokens, 0),
    outcomes,
  };
}

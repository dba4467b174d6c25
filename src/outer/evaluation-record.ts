// Turns the inner loop's evaluation into the row the outer loop keeps (per-document summaries;
// the full trajectories stay in the inner loop's document_result table).
import { RunHalted } from '../errors.ts';
import type { HarnessEvaluation } from '../inner/index.ts';
import type { EvaluationRecord, OutcomeSummary, SplitPart } from './population-store.ts';

/**
 * Documents that ended on an infrastructure error are no verdicts: the pass rate is over the rest.
 * When more than `maxErroredFraction` of the documents errored (or none reached a verdict), the
 * evaluation is void: RunHalted, nothing is recorded, and a resumed run evaluates it again.
 */
export function evaluationRecord(
  evaluation: HarnessEvaluation,
  fields: { candidateId: string; iteration: number; splitPart: SplitPart; repeat: number; seed: number; createdAt: string },
  rule: { maxErroredFraction: number },
): EvaluationRecord {
  const { documents, errored, errors } = evaluation.summary;
  if (evaluation.passRate === null || isVoidEvaluation(evaluation, rule)) {
    const share = `${errored} of ${documents} document(s)`;
    throw new RunHalted(
      `the ${fields.splitPart} evaluation of ${fields.candidateId} (iteration ${fields.iteration}) is void: ${share} ended on an infrastructure error ` +
        `(allowed: ${Math.round(rule.maxErroredFraction * 100)}%; first: ${errors[0]?.error ?? 'none'}); ` +
        'nothing was recorded; check the endpoints with `autodata doctor`, then resume',
    );
  }
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
    errored,
    accepted: outcomes.filter((outcome) => outcome.accepted).length,
    calls: outcomes.reduce((sum, outcome) => sum + outcome.calls, 0),
    tokens: outcomes.reduce((sum, outcome) => sum + outcome.tokens, 0),
    outcomes,
  };
}

/** No document reached a verdict, or more than `maxErroredFraction` of them ended on an infrastructure error. */
export function isVoidEvaluation(evaluation: HarnessEvaluation, rule: { maxErroredFraction: number }): boolean {
  return evaluation.passRate === null || isVoidTally(evaluation.summary.documents, evaluation.summary.errored, rule);
}

/** The same rule on counts (a replayed prefix): every document errored, or more than the allowed share. */
export function isVoidTally(documents: number, errored: number, rule: { maxErroredFraction: number }): boolean {
  return errored === documents || errored > rule.maxErroredFraction * documents;
}

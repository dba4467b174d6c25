// The numbers a run reports: pass rate, Table 1 statistics, failure reasons, calls and tokens.
import type { Role } from '../llm/types.ts';
import { mean } from './acceptance.ts';
import { describeDocumentFit } from './fit-document.ts';
import { emptyFailureCounts } from './outcome.ts';
import type { DocumentFitRecord, RoundRecord } from './result-schema.ts';
import type { DocumentOutcome, EvaluationSummary, ExampleStatistics, RoleCounts } from './types.ts';

/**
 * A document that ended with an error (an infrastructure fault, a prompt that cannot be rendered)
 * reached no verdict: it is counted as errored and left out of the pass rate, never read as a 0.
 * A document skipped because it cannot fit a context window was never run: it is not an outcome,
 * only counted (`skipped`), the same for every harness.
 */
export function summarizeEvaluation(
  outcomes: readonly DocumentOutcome[],
  skipped: ReadonlyArray<{ documentId: string; fit: DocumentFitRecord }> = [],
): EvaluationSummary {
  const accepted = outcomes.filter((outcome) => outcome.accepted);
  const errored = outcomes.filter((outcome) => outcome.error !== undefined).length;
  const completed = outcomes.length - errored;
  const acceptedRounds = accepted.flatMap((outcome) => outcome.result.rounds.filter((round) => round.accepted));
  const evaluatedRounds = outcomes.flatMap((outcome) => outcome.result.rounds.filter((round) => round.weak !== null));

  const failureReasons = emptyFailureCounts();
  const usageByRole: Partial<Record<Role, RoleCounts>> = {};
  for (const outcome of outcomes) {
    for (const [reason, count] of Object.entries(outcome.failureReasons)) failureReasons[reason as keyof typeof failureReasons] += count;
    for (const [role, usage] of Object.entries(outcome.usageByRole)) {
      const total = (usageByRole[role as Role] ??= { calls: 0, promptTokens: 0, completionTokens: 0 });
      total.calls += usage.calls;
      total.promptTokens += usage.promptTokens;
      total.completionTokens += usage.completionTokens;
    }
  }
  const roundsToAccept = accepted.map((outcome) =>
    // Infrastructure rounds are not attempts at a question, so they do not count as rounds used.
    outcome.result.rounds.filter((round) => round.round <= (outcome.acceptedRound ?? 0) && round.failure_reason !== 'infrastructure').length,
  );
  const truncated = outcomes.flatMap((outcome) => (outcome.result.document_fit?.action === 'truncated' ? [{ fit: outcome.result.document_fit }] : []));
  return {
    documents: outcomes.length,
    completed,
    errored,
    accepted: accepted.length,
    passRate: completed === 0 ? null : accepted.length / completed,
    errors: outcomes.filter((outcome) => outcome.error).map((outcome) => ({ documentId: outcome.documentId, error: outcome.error as string })),
    truncated: truncated.length,
    skipped: skipped.length,
    skippedDocuments: skipped.map(({ documentId, fit }) => ({ documentId, reason: fit.reason, detail: fit.detail })),
    documentFit: describeDocumentFit({ truncated, skipped: skipped.length }) ?? null,
    ...earlyStopCounts(evaluatedRounds),
    acceptedExamples: statistics(acceptedRounds),
    evaluatedRounds: statistics(evaluatedRounds),
    roundsPerAccepted: roundsToAccept.length === 0 ? null : mean(roundsToAccept),
    failureReasons,
    falseAcceptanceClaims: outcomes.reduce((sum, outcome) => sum + outcome.falseAcceptanceClaims, 0),
    usageByRole,
    calls: outcomes.reduce((sum, outcome) => sum + outcome.calls, 0),
    promptTokens: outcomes.reduce((sum, outcome) => sum + outcome.promptTokens, 0),
    completionTokens: outcomes.reduce((sum, outcome) => sum + outcome.completionTokens, 0),
  };
}

/** Attempts made and skipped over the recorded solver stages; nothing when no stage stopped early. */
function earlyStopCounts(rounds: readonly RoundRecord[]): Pick<EvaluationSummary, 'earlyStop'> {
  const stages = rounds.flatMap((round) => [round.weak, round.strong]).filter((stage) => stage !== null);
  const attemptsSkipped = stages.reduce((sum, stage) => sum + (stage.early_stop?.skipped ?? 0), 0);
  if (attemptsSkipped === 0) return {};
  return { earlyStop: { attemptsMade: stages.reduce((sum, stage) => sum + stage.scores.length, 0), attemptsSkipped } };
}

function statistics(rounds: readonly RoundRecord[]): ExampleStatistics {
  const meanOrNull = (values: number[]) => (values.length === 0 ? null : mean(values));
  const present = (values: Array<number | null | undefined>) => values.filter((value): value is number => typeof value === 'number');
  return {
    examples: rounds.length,
    weakMean: meanOrNull(present(rounds.map((round) => round.weak?.mean))),
    strongMean: meanOrNull(present(rounds.map((round) => round.strong?.mean))),
    gap: meanOrNull(present(rounds.map((round) => round.gap))),
    questionLength: meanOrNull(present(rounds.map((round) => round.question?.length))),
    rubricItems: meanOrNull(present(rounds.map((round) => (Array.isArray(round.rubric) ? round.rubric.length : null)))),
  };
}

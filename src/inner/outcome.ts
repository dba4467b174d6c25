// A DocumentOutcome is derived from the result.json content alone, so a row reused from the
// store gives exactly the outcome the original run gave.
import type { Role } from '../llm/types.ts';
import { FAILURE_REASONS, type DocumentResult, type FailureReason } from './result-schema.ts';
import type { DocumentOutcome, RoleCounts } from './types.ts';

const END_REASONS: ReadonlySet<FailureReason> = new Set(['gave-up', 'budget-exhausted']);

export function emptyFailureCounts(): Record<FailureReason, number> {
  return Object.fromEntries(FAILURE_REASONS.map((reason) => [reason, 0])) as Record<FailureReason, number>;
}

export function outcomeFromResult(result: DocumentResult, reused: boolean): DocumentOutcome {
  const failureReasons = emptyFailureCounts();
  for (const round of result.rounds) {
    // An abandoned round carries the episode's end reason; that is counted once, below.
    if (round.failure_reason && !END_REASONS.has(round.failure_reason)) failureReasons[round.failure_reason] += 1;
  }
  if (result.final_accepted_round === null && result.end_reason && END_REASONS.has(result.end_reason)) {
    failureReasons[result.end_reason] += 1;
  }
  const acceptedRound = result.rounds.find((round) => round.accepted);
  const lastEvaluated = [...result.rounds].reverse().find((round) => round.weak !== null);
  const shown = acceptedRound ?? lastEvaluated;

  const usageByRole: Partial<Record<Role, RoleCounts>> = {};
  let calls = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  for (const [role, usage] of Object.entries(result.usage)) {
    usageByRole[role as Role] = { calls: usage.calls, promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
    calls += usage.calls;
    promptTokens += usage.prompt_tokens;
    completionTokens += usage.completion_tokens;
  }
  return {
    documentId: result.document_id,
    accepted: acceptedRound !== undefined,
    acceptedRound: result.final_accepted_round,
    totalRounds: result.total_rounds,
    failureReasons,
    weakMean: shown?.weak?.mean ?? null,
    strongMean: shown?.strong?.mean ?? null,
    gap: shown?.gap ?? null,
    calls,
    promptTokens,
    completionTokens,
    falseAcceptanceClaims: result.false_acceptance_claims,
    usageByRole,
    result,
    reused,
    ...(result.error ? { error: result.error } : {}),
  };
}

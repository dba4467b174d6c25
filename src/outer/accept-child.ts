// Acceptance: does the child join the population? Parent and child were evaluated on the same
// validation documents with the same seeds, so their outcomes pair up document by document.
import { z } from 'zod';

export const acceptanceRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('strict') }).describe("The paper's rule: the child's pass rate strictly exceeds the parent's."),
  z
    .strictObject({
      kind: z.literal('paired-test'),
      alpha: z.number().gt(0).lt(1).default(0.05).describe('Significance level of the one-sided exact sign test.'),
    })
    .describe('One-sided exact sign test (McNemar) over the documents where parent and child disagree.'),
]);
export type AcceptanceRule = z.infer<typeof acceptanceRuleSchema>;

/** What acceptance needs from an evaluation: its pass rate and per-document verdicts. */
export interface PairedEvaluation {
  passRate: number;
  outcomes: ReadonlyArray<{ documentId: string; accepted: boolean }>;
}

export interface AcceptanceDecision {
  accepted: boolean;
  reason: string;
}

export function acceptChild(parent: PairedEvaluation, child: PairedEvaluation, rule: AcceptanceRule): AcceptanceDecision {
  const parentRate = parent.passRate.toFixed(3);
  const childRate = child.passRate.toFixed(3);
  if (rule.kind === 'strict') {
    return child.passRate > parent.passRate
      ? { accepted: true, reason: `child ${childRate} > parent ${parentRate}` }
      : { accepted: false, reason: `child ${childRate} does not exceed parent ${parentRate}` };
  }
  const { childBetter, parentBetter, paired } = discordantPairs(parent, child);
  const pValue = signTestPValue(childBetter, childBetter + parentBetter);
  const counts = `child alone accepted ${childBetter}, parent alone ${parentBetter} of ${paired} paired documents`;
  return pValue <= rule.alpha
    ? { accepted: true, reason: `${counts}; one-sided sign test p = ${pValue.toFixed(4)} <= ${rule.alpha}` }
    : { accepted: false, reason: `${counts}; one-sided sign test p = ${pValue.toFixed(4)} > ${rule.alpha}` };
}

/** Documents only one side accepted; documents missing from either evaluation are left out. */
export function discordantPairs(
  parent: PairedEvaluation,
  child: PairedEvaluation,
): { childBetter: number; parentBetter: number; paired: number } {
  const parentVerdicts = new Map(parent.outcomes.map((outcome) => [outcome.documentId, outcome.accepted]));
  let childBetter = 0;
  let parentBetter = 0;
  let paired = 0;
  for (const outcome of child.outcomes) {
    const parentAccepted = parentVerdicts.get(outcome.documentId);
    if (parentAccepted === undefined) continue;
    paired += 1;
    if (outcome.accepted && !parentAccepted) childBetter += 1;
    if (!outcome.accepted && parentAccepted) parentBetter += 1;
  }
  return { childBetter, parentBetter, paired };
}

/** P(X >= successes) for X ~ Binomial(trials, 1/2); 1 when there are no trials. */
export function signTestPValue(successes: number, trials: number): number {
  if (trials === 0) return 1;
  let tail = 0;
  let coefficient = 1; // C(trials, 0), updated incrementally to C(trials, k)
  for (let k = 0; k <= trials; k += 1) {
    if (k >= successes) tail += coefficient;
    coefficient = (coefficient * (trials - k)) / (k + 1);
  }
  return tail / 2 ** trials;
}

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

/** What acceptance needs from an evaluation: per-document verdicts (an errored document has none). */
export interface PairedEvaluation {
  outcomes: ReadonlyArray<{ documentId: string; accepted: boolean; error?: string }>;
}

export interface AcceptanceDecision {
  accepted: boolean;
  reason: string;
  /** Pass rates over the documents both sides completed (what was compared). */
  parentRate: number;
  childRate: number;
  /** Documents both sides completed. */
  paired: number;
}

/**
 * Only documents that both parent and child completed are compared: a document either side lost to
 * an infrastructure fault has no verdict to compare, and is never counted as a failure.
 */
export function acceptChild(parent: PairedEvaluation, child: PairedEvaluation, rule: AcceptanceRule): AcceptanceDecision {
  const pairs = completedPairs(parent, child);
  const paired = pairs.length;
  const rate = (side: 'parent' | 'child') => (paired === 0 ? 0 : pairs.filter((pair) => pair[side]).length / paired);
  const parentRate = rate('parent');
  const childRate = rate('child');
  const left = Math.max(parent.outcomes.length, child.outcomes.length) - paired;
  const over = left > 0 ? ` over the ${paired} documents both completed (${left} left out: infrastructure errors)` : '';
  const base = { parentRate, childRate, paired };
  const { childBetter, parentBetter } = countDiscordant(pairs);
  const accepted = acceptsDiscordant(childBetter, parentBetter, rule);
  if (rule.kind === 'strict') {
    const shown = `child ${childRate.toFixed(3)}`;
    return accepted
      ? { ...base, accepted: true, reason: `${shown} > parent ${parentRate.toFixed(3)}${over}` }
      : { ...base, accepted: false, reason: `${shown} does not exceed parent ${parentRate.toFixed(3)}${over}` };
  }
  const pValue = signTestPValue(childBetter, childBetter + parentBetter);
  const counts = `child alone accepted ${childBetter}, parent alone ${parentBetter} of ${paired} paired documents`;
  return accepted
    ? { ...base, accepted: true, reason: `${counts}; one-sided sign test p = ${pValue.toFixed(4)} <= ${rule.alpha}` }
    : { ...base, accepted: false, reason: `${counts}; one-sided sign test p = ${pValue.toFixed(4)} > ${rule.alpha}` };
}

/**
 * The rule's verdict from the discordant pairs alone (concordant ones change neither rule): the
 * strict rule's child rate exceeds the parent's over the same documents exactly when the child
 * alone accepted more of them. Racing (race-rule.ts) asks this of every way the rest could go.
 */
export function acceptsDiscordant(childBetter: number, parentBetter: number, rule: AcceptanceRule): boolean {
  if (rule.kind === 'strict') return childBetter > parentBetter;
  return signTestPValue(childBetter, childBetter + parentBetter) <= rule.alpha;
}

/** Verdict pairs of the documents both sides completed (missing or errored on either side: left out). */
export function completedPairs(parent: PairedEvaluation, child: PairedEvaluation): Array<{ documentId: string; parent: boolean; child: boolean }> {
  const parentVerdicts = new Map(
    parent.outcomes.filter((outcome) => outcome.error === undefined).map((outcome) => [outcome.documentId, outcome.accepted]),
  );
  const pairs: Array<{ documentId: string; parent: boolean; child: boolean }> = [];
  for (const outcome of child.outcomes) {
    const parentAccepted = parentVerdicts.get(outcome.documentId);
    if (parentAccepted === undefined || outcome.error !== undefined) continue;
    pairs.push({ documentId: outcome.documentId, parent: parentAccepted, child: outcome.accepted });
  }
  return pairs;
}

/** Documents only one side accepted, among those both completed. */
export function discordantPairs(
  parent: PairedEvaluation,
  child: PairedEvaluation,
): { childBetter: number; parentBetter: number; paired: number } {
  return countDiscordant(completedPairs(parent, child));
}

function countDiscordant(pairs: ReadonlyArray<{ parent: boolean; child: boolean }>): { childBetter: number; parentBetter: number; paired: number } {
  return {
    childBetter: pairs.filter((pair) => pair.child && !pair.parent).length,
    parentBetter: pairs.filter((pair) => pair.parent && !pair.child).length,
    paired: pairs.length,
  };
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

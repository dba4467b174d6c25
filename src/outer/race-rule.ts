// Racing the paired validation (outer.racing): parent and child are compared document by document
// in the validation list's order, and the comparison stops once the rest cannot change the decision
// ("exact"), or, with "futility", once a rejection is all but certain. Pure: counts in, verdict out.
//
// What the rest of the list can do: every document still to come either errors on a side (no pair),
// pairs concordantly (changes neither rule), or adds a discordant pair for the child or the parent.
// So a final tally is the current one plus `more` discordant pairs (0 <= more <= remaining), of
// which any number went to the child. Both acceptance rules only read the discordant counts.
import { z } from 'zod';
import { acceptsDiscordant, signTestPValue, type AcceptanceRule } from './accept-child.ts';

export const racingSchema = z
  .union([
    z.enum(['off', 'exact']),
    z.strictObject({
      kind: z.literal('futility'),
      errorRate: z
        .number()
        .gt(0)
        .lt(1)
        .default(0.05)
        .describe('Reject early only when the full evaluation would accept with at most this chance, the remaining discordant documents splitting evenly.'),
    }),
  ])
  .describe(
    '"off": both on every validation document (the paper). "exact": stop once no remaining document can change the decision (same decisions, fewer calls). ' +
      '{ kind: "futility", errorRate }: "exact", plus an early rejection with a stated error rate.',
  );
export type Racing = z.infer<typeof racingSchema>;

/** Discordant pairs among the documents of the prefix both sides completed. */
export interface DiscordantTally {
  childBetter: number;
  parentBetter: number;
}

export interface SettledDecision {
  accepted: boolean;
  /**
   * Futility only: the largest chance, over how many of the remaining documents turn out
   * discordant, that the full evaluation accepts when each discordant one is a fair coin between
   * child and parent. Null when the decision is certain.
   */
  acceptChance: number | null;
}

/** Returns, for a tally and the documents still to come, the decision when it is settled, else null. */
export type RaceRule = (tally: DiscordantTally, remaining: number) => SettledDecision | null;

/**
 * "exact": settled when every final tally decides the same way, so the decision equals the full
 * evaluation's. "futility" adds: reject when the chance above is at most `errorRate`. Given the
 * prefix, the full evaluation then accepts with probability <= errorRate under that even split (for
 * ANY distribution of concordant and errored documents), so over a run the share of children
 * rejected early that the full evaluation would have accepted is at most errorRate. The bound
 * assumes the child is no better than even on the documents left: a truly better child that
 * started badly can be rejected more often; "exact" assumes nothing.
 */
export function raceRule(acceptance: AcceptanceRule, racing: Exclude<Racing, 'off'>): RaceRule {
  const fewest = new Map<number, number>();
  // The fewest child-better pairs among `discordant` that the rule accepts (discordant + 1: none).
  // Accepting is monotone in them for a fixed total (a binary search): strict needs a majority, and
  // the sign test's p-value falls as the child's share grows.
  const fewestToAccept = (discordant: number): number => {
    const known = fewest.get(discordant);
    if (known !== undefined) return known;
    let low = 0;
    let high = discordant + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (middle <= discordant && acceptsDiscordant(middle, discordant - middle, acceptance)) high = middle;
      else low = middle + 1;
    }
    fewest.set(discordant, low);
    return low;
  };
  return (tally, remaining) => {
    let always = true;
    let never = true;
    let chance = 0;
    for (let more = 0; more <= remaining; more += 1) {
      // Of `more` new discordant pairs, the child needs this many to be accepted.
      const needed = fewestToAccept(tally.childBetter + tally.parentBetter + more) - tally.childBetter;
      if (needed > 0) always = false;
      if (needed <= more) never = false;
      chance = Math.max(chance, fairCoinAtLeast(needed, more));
    }
    if (always) return { accepted: true, acceptChance: null };
    if (never) return { accepted: false, acceptChance: null };
    if (typeof racing === 'object' && chance <= racing.errorRate) return { accepted: false, acceptChance: chance };
    return null;
  };
}

/** P(X >= successes) for X ~ Binomial(trials, 1/2), 0 trials included. */
function fairCoinAtLeast(successes: number, trials: number): number {
  if (successes <= 0) return 1;
  if (successes > trials) return 0;
  return signTestPValue(successes, trials);
}

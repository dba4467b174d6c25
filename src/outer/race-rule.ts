// Racing the paired validation (outer.racing): parent and child are compared document by document
// in the validation list's order, and the comparison stops once the rest cannot change the decision
// ("exact"), or, with "futility", once an acceptance has become unlikely. Pure: counts in, verdict out.
//
// What the rest of the list can do: every document still to come either errors on a side (no pair),
// pairs concordantly (changes neither rule), or adds a discordant pair for the child or the parent.
// So a final tally is the current one plus `more` discordant pairs (0 <= more <= remaining), of
// which any number went to the child. Both acceptance rules only read the discordant counts.
import { z } from 'zod';
import { acceptsDiscordant, type AcceptanceRule } from './accept-child.ts';

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
        .describe('Reject early once the full evaluation would accept with at most this predicted chance (race-rule.ts says under which model).'),
    }),
  ])
  .describe(
    '"off": parent and child on every validation document (the paper). "exact": stop once no remaining document can change the decision (the same decisions for fewer calls). ' +
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
  /** Futility only: the predicted chance that the full evaluation accepts (see raceRule). Null when the decision is certain. */
  acceptChance: number | null;
}

/** Returns, for a tally and the documents still to come, the decision when it is settled, else null. */
export type RaceRule = (tally: DiscordantTally, remaining: number) => SettledDecision | null;

/**
 * "exact": settled when every final tally decides the same way, so the decision equals the full
 * evaluation's whatever the remaining documents do.
 *
 * "futility" adds an early rejection. The model: the child wins each discordant document with a
 * chance that is unknown, uniform on [0, 1] before the race, so given the pairs seen it is
 * Beta(1 + childBetter, 1 + parentBetter) and the child's wins among `more` new discordant pairs are
 * beta-binomial. The predicted chance of acceptance is the largest over how many of the remaining
 * documents turn out discordant (0 to all), so the concordant and errored ones may fall any way. A
 * child is rejected once that chance is <= errorRate. Under the model, then, at most errorRate of
 * the children rejected early would have been accepted by the full evaluation. A fixed "even split"
 * null (chance 1/2) would not do: under it the sign test accepts with chance <= alpha from the start,
 * so every child would be rejected after one document.
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
      chance = Math.max(chance, predictedAtLeast(needed, more, tally));
    }
    if (always) return { accepted: true, acceptChance: null };
    if (never) return { accepted: false, acceptChance: null };
    if (typeof racing === 'object' && chance <= racing.errorRate) return { accepted: false, acceptChance: chance };
    return null;
  };
}

/**
 * P(X >= successes) for X ~ BetaBinomial(trials, 1 + childBetter, 1 + parentBetter): the number of
 * `trials` new discordant pairs the child wins when its chance of winning one is uncertain, uniform
 * before the race and updated by the pairs seen.
 */
function predictedAtLeast(successes: number, trials: number, tally: DiscordantTally): number {
  if (successes <= 0) return 1;
  if (successes > trials) return 0;
  const a = 1 + tally.childBetter;
  const b = 1 + tally.parentBetter;
  // P(X = 0) = prod (b + i) / (a + b + i); then P(x + 1) / P(x) = (trials - x)(x + a) / ((x + 1)(trials - x - 1 + b)).
  let probability = 1;
  for (let index = 0; index < trials; index += 1) probability *= (b + index) / (a + b + index);
  let tail = 0;
  for (let wins = 0; wins <= trials; wins += 1) {
    if (wins >= successes) tail += probability;
    probability *= ((trials - wins) * (wins + a)) / ((wins + 1) * (trials - wins - 1 + b));
  }
  return Math.min(1, tail);
}

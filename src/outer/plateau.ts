// The plateau rule (budgets.plateau): stop once the last K iterations bought no real improvement.
//
// After iteration L (checked between waves, L = the last iteration before the next wave), with every
// score as of L (best-candidate.ts):
//   reference = the best of the candidates accepted by iteration L - K;
//   newcomers = the candidates accepted in iterations L - K + 1 .. L;
//   the run has reached its plateau when no newcomer's score exceeds the reference's by more than
//   the margin.
// Scores as of L, not as they were when each candidate was accepted: a child accepted on one lucky
// evaluation and re-evaluated since (as a parent) counts with everything measured about it.
//
// The margin (minImprovement) defaults to the noise of the comparison: one standard error of the
// difference of two pass rates, sqrt(p (1 - p) (1/n_newcomer + 1/n_reference)), p the two candidates'
// pooled pass rate and n their pooled validation documents. With 25 validation documents and p near
// 0.8 that is about 0.11 against a reference evaluated once and 0.08 against one evaluated often.
// A number instead is a fixed margin in pass-rate points.
//
// Only validation evaluations are read (the test split stays untouched), and only rows recorded by
// iterations <= L, so a resumed run, whatever it recorded after L, reaches the same verdict.
import { z } from 'zod';
import type { Store } from '../store/index.ts';
import { acceptedStandings, isBetter, type CandidateStanding } from './best-candidate.ts';

export const plateauRuleSchema = z.strictObject({
  iterations: z.number().int().min(1).describe('K: stop when no candidate accepted in the last K iterations beat the earlier best by more than minImprovement.'),
  minImprovement: z
    .union([z.number().min(0).max(1), z.literal('standard-error')])
    .default('standard-error')
    .describe('Margin in pass-rate points, or "standard-error": one standard error of the difference of the two pass rates (the evaluation noise).'),
});
export type PlateauRule = z.infer<typeof plateauRuleSchema>;

export interface PlateauCheck {
  reached: boolean;
  /** L: the last iteration the check read. */
  throughIteration: number;
  rule: PlateauRule;
  /** The best of the candidates accepted by iteration L - K. */
  reference: CandidateStanding;
  /** The first newcomer that beat the reference by more than the margin, else the best newcomer; null when none was accepted. */
  newcomer: { standing: CandidateStanding; improvement: number; margin: number } | null;
}

/** The rule's verdict after `lastIteration`; undefined until K iterations have run after the baseline. */
export function checkPlateau(store: Store, rule: PlateauRule, lastIteration: number): PlateauCheck | undefined {
  const firstNew = lastIteration - rule.iterations + 1;
  if (firstNew < 1) return undefined;
  let reference: CandidateStanding | undefined;
  const newcomers: CandidateStanding[] = [];
  for (const standing of acceptedStandings(store, lastIteration)) {
    if (standing.iteration >= firstNew) newcomers.push(standing);
    else if (!reference || isBetter(standing, reference)) reference = standing;
  }
  if (!reference) return undefined;
  const compared = newcomers.map((standing) => {
    const margin = rule.minImprovement === 'standard-error' ? standardErrorOfDifference(standing, reference) : rule.minImprovement;
    return { standing, improvement: standing.score - reference.score, margin };
  });
  const improved = compared.find((entry) => entry.improvement > entry.margin);
  const bestNewcomer = compared.reduce<(typeof compared)[number] | null>((best, entry) => (!best || isBetter(entry.standing, best.standing) ? entry : best), null);
  return { reached: improved === undefined, throughIteration: lastIteration, rule, reference, newcomer: improved ?? bestNewcomer };
}

/** One standard error of the difference of two pooled pass rates (binomial, pooled p). */
export function standardErrorOfDifference(a: Pick<CandidateStanding, 'accepted' | 'documents'>, b: Pick<CandidateStanding, 'accepted' | 'documents'>): number {
  const p = (a.accepted + b.accepted) / (a.documents + b.documents);
  return Math.sqrt(p * (1 - p) * (1 / a.documents + 1 / b.documents));
}

/** One line for status and the run's end: what the rule saw. */
export function describePlateau(check: PlateauCheck): string {
  const { rule, reference, newcomer } = check;
  const margin = rule.minImprovement === 'standard-error' ? 'one standard error' : rule.minImprovement.toFixed(3);
  const window = `iterations ${check.throughIteration - rule.iterations + 1}-${check.throughIteration}`;
  const against = `the best before them, ${reference.id} ${reference.score.toFixed(3)}`;
  if (!newcomer) return `plateau (K ${rule.iterations}, margin ${margin}): reached after iteration ${check.throughIteration}: no candidate accepted in ${window}`;
  const seen = `${newcomer.standing.id} ${newcomer.standing.score.toFixed(3)} (${signed(newcomer.improvement)} vs ${against}; margin ${newcomer.margin.toFixed(3)})`;
  return check.reached
    ? `plateau (K ${rule.iterations}, margin ${margin}): reached after iteration ${check.throughIteration}: best newcomer of ${window} ${seen}`
    : `plateau (K ${rule.iterations}, margin ${margin}): not reached after iteration ${check.throughIteration}: ${seen}`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
}

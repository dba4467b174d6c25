// Parent selection: which accepted candidate the next iteration improves on.
// Every strategy is a pure function of (scores, rng), so an iteration's choice is reproducible.
import { z } from 'zod';

export const parentSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('boltzmann'),
    temperature: z.number().positive().default(0.1).describe('T in P(c) ~ exp(score_c / T); the paper uses 0.1.'),
  }),
  z.strictObject({ kind: z.literal('greedy') }),
  z.strictObject({ kind: z.literal('uniform') }),
  z.strictObject({
    kind: z.literal('tournament'),
    size: z.number().int().min(1).default(3).describe('Candidates drawn (with replacement); the best of them wins.'),
  }),
]);
export type ParentSelection = z.infer<typeof parentSelectionSchema>;

export interface ScoredCandidate {
  id: string;
  /** The candidate's validation score as the wave began (best-candidate.ts). */
  score: number;
}

/** A uniform draw in [0, 1): a seedrandom instance, never Math.random. */
export type Rng = () => number;

/** The probability of each candidate being picked, in input order (exact, for every strategy). */
export function selectionProbabilities(candidates: readonly ScoredCandidate[], strategy: ParentSelection): number[] {
  const count = candidates.length;
  if (count === 0) return [];
  const scores = candidates.map((candidate) => candidate.score);
  switch (strategy.kind) {
    case 'uniform':
      return scores.map(() => 1 / count);
    case 'greedy': {
      const best = Math.max(...scores);
      const tied = scores.filter((score) => score === best).length;
      return scores.map((score) => (score === best ? 1 / tied : 0));
    }
    case 'boltzmann': {
      // Subtracting the best score keeps exp() finite at small temperatures.
      const best = Math.max(...scores);
      const weights = scores.map((score) => Math.exp((score - best) / strategy.temperature));
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      return weights.map((weight) => weight / total);
    }
    case 'tournament': {
      // The winner's score is the maximum of `size` uniform draws; tied candidates share it equally.
      return scores.map((score) => {
        const atMost = scores.filter((other) => other <= score).length / count;
        const below = scores.filter((other) => other < score).length / count;
        const tied = scores.filter((other) => other === score).length;
        return (atMost ** strategy.size - below ** strategy.size) / tied;
      });
    }
  }
}

/** Picks one parent. Throws only on an empty population, which the loop never passes. */
export function selectParent(candidates: readonly ScoredCandidate[], rng: Rng, strategy: ParentSelection): ScoredCandidate {
  if (candidates.length === 0) throw new Error('selectParent: the population is empty');
  if (strategy.kind === 'tournament') {
    let winner: ScoredCandidate | undefined;
    for (let draw = 0; draw < strategy.size; draw += 1) {
      const contender = candidates[Math.floor(rng() * candidates.length)]!;
      if (!winner || contender.score > winner.score) winner = contender;
    }
    return winner!;
  }
  const probabilities = selectionProbabilities(candidates, strategy);
  const draw = rng();
  let cumulative = 0;
  for (const [index, probability] of probabilities.entries()) {
    cumulative += probability;
    if (draw < cumulative) return candidates[index]!;
  }
  // Rounding can leave the cumulative sum a hair below 1: fall back to the last candidate with weight.
  let lastIndex = probabilities.length - 1;
  while (lastIndex > 0 && probabilities[lastIndex] === 0) lastIndex -= 1;
  return candidates[lastIndex]!;
}

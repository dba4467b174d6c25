import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { selectionProbabilities, selectParent, type ParentSelection, type ScoredCandidate } from '../../src/outer/select-parent.ts';

const population: ScoredCandidate[] = [
  { id: 'c0000', score: 0.6 },
  { id: 'c0003', score: 0.7 },
  { id: 'c0005', score: 0.64 },
  { id: 'c0009', score: 0.7 },
];

function frequencies(strategy: ParentSelection, draws: number, seed: string): number[] {
  const rng = seedrandom(seed);
  const counts = population.map(() => 0);
  for (let draw = 0; draw < draws; draw += 1) {
    const picked = selectParent(population, rng, strategy);
    counts[population.findIndex((candidate) => candidate.id === picked.id)]! += 1;
  }
  return counts.map((count) => count / draws);
}

describe('selectionProbabilities', () => {
  it('gives the Boltzmann weights exp(score / T), normalized', () => {
    const probabilities = selectionProbabilities(
      [
        { id: 'a', score: 0.6 },
        { id: 'b', score: 0.7 },
      ],
      { kind: 'boltzmann', temperature: 0.1 },
    );
    expect(probabilities[0]).toBeCloseTo(1 / (1 + Math.E), 12);
    expect(probabilities[1]).toBeCloseTo(Math.E / (1 + Math.E), 12);
  });

  it('splits greedy ties equally and gives the rest nothing', () => {
    expect(selectionProbabilities(population, { kind: 'greedy' })).toEqual([0, 0.5, 0, 0.5]);
  });

  it('gives a size-2 tournament over three distinct scores 1/9, 3/9, 5/9', () => {
    const probabilities = selectionProbabilities(
      [
        { id: 'low', score: 0.1 },
        { id: 'high', score: 0.9 },
        { id: 'middle', score: 0.5 },
      ],
      { kind: 'tournament', size: 2 },
    );
    expect(probabilities[0]).toBeCloseTo(1 / 9, 12);
    expect(probabilities[1]).toBeCloseTo(5 / 9, 12);
    expect(probabilities[2]).toBeCloseTo(3 / 9, 12);
  });

  it('sums to one for every strategy, ties included', () => {
    const strategies: ParentSelection[] = [
      { kind: 'boltzmann', temperature: 0.05 },
      { kind: 'greedy' },
      { kind: 'uniform' },
      { kind: 'tournament', size: 3 },
    ];
    for (const strategy of strategies) {
      const total = selectionProbabilities(population, strategy).reduce((sum, probability) => sum + probability, 0);
      expect(total).toBeCloseTo(1, 12);
    }
  });
});

describe('selectParent', () => {
  const draws = 20_000;
  const strategies: ParentSelection[] = [
    { kind: 'boltzmann', temperature: 0.1 },
    { kind: 'greedy' },
    { kind: 'uniform' },
    { kind: 'tournament', size: 3 },
  ];

  for (const strategy of strategies) {
    it(`draws ${strategy.kind} parents with the analytic frequencies`, () => {
      const expected = selectionProbabilities(population, strategy);
      const observed = frequencies(strategy, draws, `select-${strategy.kind}`);
      for (const [index, probability] of expected.entries()) {
        // Four standard errors: a seeded draw, so this either always passes or always fails.
        const tolerance = 4 * Math.sqrt((probability * (1 - probability)) / draws) + 1e-9;
        expect(Math.abs(observed[index]! - probability)).toBeLessThanOrEqual(tolerance);
      }
    });
  }

  it('repeats the same choices for the same seed', () => {
    const strategy: ParentSelection = { kind: 'boltzmann', temperature: 0.1 };
    const pick = (seed: string) => {
      const rng = seedrandom(seed);
      return Array.from({ length: 30 }, () => selectParent(population, rng, strategy).id);
    };
    expect(pick('7')).toEqual(pick('7'));
    expect(pick('7')).not.toEqual(pick('8'));
  });

  it('throws on an empty population', () => {
    expect(() => selectParent([], seedrandom('1'), { kind: 'uniform' })).toThrow('selectParent: the population is empty');
  });
});

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
  // Scores 0.5, 0.6, 0.8: every probability below is worked out by hand, never by the code under test.
  const trio: ScoredCandidate[] = [
    { id: 'low', score: 0.5 },
    { id: 'middle', score: 0.6 },
    { id: 'high', score: 0.8 },
  ];
  const cases: Array<{ strategy: ParentSelection; expected: number[]; arithmetic: string }> = [
    {
      strategy: { kind: 'boltzmann', temperature: 0.1 },
      // Weights exp((s - 0.8) / 0.1) = e^-3, e^-2, e^0 = 0.0497871, 0.1353353, 1; total 1.1851224.
      expected: [0.04201006613406604, 0.11419519938459444, 0.8437947344813396],
      arithmetic: '0.0497871 / 1.1851224, 0.1353353 / 1.1851224, 1 / 1.1851224',
    },
    {
      strategy: { kind: 'boltzmann', temperature: 0.2 },
      // Weights exp((s - 0.8) / 0.2) = e^-1.5, e^-1, e^0 = 0.2231302, 0.3678794, 1; total 1.5910096.
      expected: [0.14024438316608848, 0.23122389762214904, 0.6285317192117625],
      arithmetic: '0.2231302 / 1.5910096, 0.3678794 / 1.5910096, 1 / 1.5910096',
    },
    { strategy: { kind: 'greedy' }, expected: [0, 0, 1], arithmetic: 'the best score only' },
    { strategy: { kind: 'uniform' }, expected: [1 / 3, 1 / 3, 1 / 3], arithmetic: 'one in three each' },
    {
      strategy: { kind: 'tournament', size: 3 },
      // Three draws with replacement; the best drawn wins. high wins unless all three miss it:
      // 1 - (2/3)^3 = 19/27; middle wins when all avoid high but not all are low: (2/3)^3 - (1/3)^3 = 7/27; low: (1/3)^3.
      expected: [1 / 27, 7 / 27, 19 / 27],
      arithmetic: '1/27, 7/27, 19/27',
    },
  ];

  for (const { strategy, expected, arithmetic } of cases) {
    const label = strategy.kind === 'boltzmann' ? `boltzmann T=${strategy.temperature}` : strategy.kind;
    it(`gives ${label} the probabilities worked out by hand (${arithmetic})`, () => {
      const probabilities = selectionProbabilities(trio, strategy);
      expect(probabilities).toHaveLength(3);
      for (const [index, probability] of expected.entries()) expect(probabilities[index]).toBeCloseTo(probability, 12);
    });

    it(`draws ${label} parents with those frequencies`, () => {
      const rng = seedrandom(`select-${label}`);
      const counts = trio.map(() => 0);
      for (let draw = 0; draw < draws; draw += 1) {
        const picked = selectParent(trio, rng, strategy);
        counts[trio.findIndex((candidate) => candidate.id === picked.id)]! += 1;
      }
      for (const [index, probability] of expected.entries()) {
        // Four standard errors: a seeded draw, so this either always passes or always fails.
        const tolerance = 4 * Math.sqrt((probability * (1 - probability)) / draws) + 1e-9;
        expect(Math.abs(counts[index]! / draws - probability)).toBeLessThanOrEqual(tolerance);
      }
    });
  }

  it('draws greedy ties half and half (scores 0.6, 0.7, 0.64, 0.7)', () => {
    const observed = frequencies({ kind: 'greedy' }, draws, 'select-greedy-ties');
    expect(observed[0]).toBe(0);
    expect(observed[2]).toBe(0);
    // p = 1/2: four standard errors are 4 * sqrt(0.25 / 20000) = 0.01414.
    expect(Math.abs(observed[1]! - 0.5)).toBeLessThanOrEqual(0.01415);
    expect(observed[1]! + observed[3]!).toBe(1);
  });

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

// Early stopping of a solver stage (inner/early-stop.ts): constructed score sequences decided early,
// late and never, for each preset and stage, and an exhaustive check that a stage stopped early
// always has the outcome the full pattern gives (and that acceptance.ts reads the same from the
// attempts made).
import { describe, expect, it } from 'vitest';
import { allScoredZero, strongStageVerdict, weakStageVerdict, type AcceptancePreset, type WeakZeroRule } from '../../src/inner/acceptance.ts';
import { stageDecision, type EarlyStopDecision, type StageOutcome } from '../../src/inner/early-stop.ts';
import type { SolverStage } from '../../src/inner/stages.ts';

interface Run {
  preset: AcceptancePreset;
  stage: SolverStage;
  weakZeroRule?: WeakZeroRule;
  weakMean?: number;
}

/** Feeds the scores one at a time, as evaluate() does; returns how many were made and the decision. */
function replay(run: Run, scores: readonly number[]): { made: number; decision: EarlyStopDecision } {
  for (let made = 1; made <= scores.length; made += 1) {
    const decision = stageDecision({
      preset: run.preset,
      weakZeroRule: run.weakZeroRule ?? 'any',
      stage: run.stage,
      scores: scores.slice(0, made),
      remaining: scores.length - made,
      ...(run.weakMean === undefined ? {} : { weakMean: run.weakMean }),
    });
    if (decision.decided) return { made, decision };
  }
  throw new Error('a stage with every attempt made must be decided');
}

/** The outcome of the full pattern, from acceptance.ts alone (as round-record.ts records it). */
function fullOutcome(run: Run, scores: readonly number[], weakScores: readonly number[] = []): StageOutcome {
  if (run.stage === 'weak') {
    if (weakStageVerdict(run.preset, scores, run.weakZeroRule ?? 'any').passed) return 'pass';
    return allScoredZero(scores) ? 'weak-all-zero' : 'too-easy';
  }
  return strongStageVerdict(run.preset, weakScores, scores).passed ? 'pass' : 'fail';
}

const outcomeOf = (decision: EarlyStopDecision) => (decision.decided ? decision.outcome : 'undecided');

describe('early stop: paper-prompt', () => {
  const weak: Run = { preset: 'paper-prompt', stage: 'weak' };
  it('weak: an attempt above the best-attempt limit decides too easy at once', () => {
    const { made, decision } = replay(weak, [0.91, 0.2, 0.3]);
    expect(made).toBe(1);
    expect(outcomeOf(decision)).toBe('too-easy');
    expect(decision.decided && decision.reason).toBe('weak attempt 1 scored 0.91 > 0.75 (best-attempt limit)');
  });
  it('weak: a 0 after a non-zero attempt decides too easy (any-zero rule)', () => {
    expect(replay(weak, [0.4, 0, 0.3])).toMatchObject({ made: 2, decision: { outcome: 'too-easy' } });
  });
  it('weak: leading zeros wait to tell "too easy" from "every attempt 0"', () => {
    expect(replay(weak, [0, 0, 0.5])).toMatchObject({ made: 3, decision: { outcome: 'too-easy' } });
    expect(replay(weak, [0, 0.5, 0.2])).toMatchObject({
      made: 2,
      decision: { outcome: 'too-easy', reason: 'weak attempt 1 scored 0.00 (a weak 0 rejects); attempt 2 scored above 0, so not every attempt is 0' },
    });
    expect(replay(weak, [0, 0, 0])).toMatchObject({ made: 3, decision: { outcome: 'weak-all-zero' } });
  });
  it('weak: a mean already above 0.65 with the rest at 0 decides (only with many attempts: each is at most 0.75)', () => {
    // Seven attempts at 0.75 of eight: even a last 0 leaves the mean at 0.656.
    expect(replay(weak, [0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.2])).toMatchObject({ made: 7, decision: { outcome: 'too-easy' } });
  });
  it('weak: a pass is never decided before the last attempt', () => {
    expect(replay(weak, [0.3, 0.4, 0.5])).toMatchObject({ made: 3, decision: { outcome: 'pass' } });
  });
  it('weak, all-zero rule: zeros do not reject until every attempt is 0', () => {
    const all: Run = { ...weak, weakZeroRule: 'all' };
    expect(replay(all, [0, 0.3, 0])).toMatchObject({ made: 3, decision: { outcome: 'pass' } });
    expect(replay(all, [0, 0, 0])).toMatchObject({ made: 3, decision: { outcome: 'weak-all-zero' } });
  });

  const strong: Run = { preset: 'paper-prompt', stage: 'strong', weakMean: 0.4 };
  it('strong: a 0 decides at once', () => {
    expect(replay(strong, [0.8, 0, 0.9])).toMatchObject({ made: 2, decision: { outcome: 'fail' } });
  });
  it('strong: a mean that cannot reach 0.60 (or the gap) with the rest at 1 decides', () => {
    // 0.1 + 0.1 + 1 = 1.2 < 1.8
    expect(replay(strong, [0.1, 0.1, 1])).toMatchObject({ made: 2, decision: { outcome: 'fail' } });
    // gap: weak mean 0.7; after a first 0.5 the best reachable strong mean is 0.83, a gap of 0.13
    expect(replay({ ...strong, weakMean: 0.7 }, [0.5, 1, 1])).toMatchObject({ made: 1, decision: { outcome: 'fail' } });
  });
  it('strong: a pass needs every attempt (a remaining 0 would fail it)', () => {
    expect(replay(strong, [0.9, 0.8, 0.7])).toMatchObject({ made: 3, decision: { outcome: 'pass' } });
    expect(replay(strong, [1, 1, 1])).toMatchObject({ made: 3, decision: { outcome: 'fail' } });
  });
});

describe('early stop: paper-prose', () => {
  it('weak: a mean that stays at 0.50 or more decides too easy; a pass waits for the whole weak mean', () => {
    const weak: Run = { preset: 'paper-prose', stage: 'weak' };
    expect(replay(weak, [1, 0.6, 0])).toMatchObject({ made: 2, decision: { outcome: 'too-easy' } });
    expect(replay(weak, [0, 0, 0.1])).toMatchObject({ made: 3, decision: { outcome: 'pass' } });
    expect(replay(weak, [0.5, 0.6, 0.5])).toMatchObject({ made: 3, decision: { outcome: 'too-easy' } });
  });
  it('strong: a pass is decided once the rest at 0 keep mean and gap; a fail once the rest at 1 cannot reach them', () => {
    const strong: Run = { preset: 'paper-prose', stage: 'strong', weakMean: 0.3 };
    expect(replay(strong, [1, 1, 0])).toMatchObject({ made: 2, decision: { outcome: 'pass' } });
    expect(replay(strong, [0, 0, 1])).toMatchObject({ made: 2, decision: { outcome: 'fail' } });
    expect(replay(strong, [0.7, 0.6, 0.7])).toMatchObject({ made: 3, decision: { outcome: 'pass' } });
  });
});

describe('early stop: verifiable (counts of correct attempts, 4 each)', () => {
  it('weak: a second correct answer decides too easy; three wrong ones decide a pass', () => {
    const weak: Run = { preset: 'verifiable', stage: 'weak' };
    expect(replay(weak, [1, 1, 0, 0])).toMatchObject({ made: 2, decision: { outcome: 'too-easy' } });
    expect(replay(weak, [0, 0, 0, 1])).toMatchObject({ made: 3, decision: { outcome: 'pass' } });
    expect(replay(weak, [1, 0, 1, 0])).toMatchObject({ made: 3, decision: { outcome: 'too-easy' } });
    expect(replay(weak, [1, 0, 0, 0])).toMatchObject({ made: 4, decision: { outcome: 'pass' } });
  });
  it('strong: three correct decide a pass; two wrong decide a fail', () => {
    const strong: Run = { preset: 'verifiable', stage: 'strong' };
    expect(replay(strong, [1, 1, 1, 0])).toMatchObject({ made: 3, decision: { outcome: 'pass' } });
    expect(replay(strong, [0, 0, 1, 1])).toMatchObject({ made: 2, decision: { outcome: 'fail' } });
    expect(replay(strong, [1, 0, 1, 1])).toMatchObject({ made: 4, decision: { outcome: 'pass' } });
  });
});

/** Every sequence of `length` scores drawn from `values`. */
function sequences(values: readonly number[], length: number): number[][] {
  if (length === 0) return [[]];
  return sequences(values, length - 1).flatMap((head) => values.map((value) => [...head, value]));
}

describe('early stop never changes a stage outcome', () => {
  const rubricValues = [0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.95, 1];
  // Four attempts over every value would take long: a coarser set that still sits on each threshold.
  const coarseValues = [0, 0.25, 0.5, 0.65, 0.75, 0.95, 1];
  const weakMeans = [0, 0.2, 0.35, 0.45, 0.5, 0.65];
  const cases: Array<{ run: Run; values: number[]; lengths: number[] }> = [
    { run: { preset: 'paper-prompt', stage: 'weak', weakZeroRule: 'any' }, values: rubricValues, lengths: [1, 2, 3, 4] },
    { run: { preset: 'paper-prompt', stage: 'weak', weakZeroRule: 'all' }, values: rubricValues, lengths: [1, 2, 3, 4] },
    { run: { preset: 'paper-prose', stage: 'weak' }, values: rubricValues, lengths: [1, 2, 3, 4] },
    { run: { preset: 'verifiable', stage: 'weak' }, values: [0, 1], lengths: [1, 2, 3, 4, 5, 8] },
    ...weakMeans.flatMap((weakMean) => [
      { run: { preset: 'paper-prompt' as const, stage: 'strong' as const, weakMean }, values: rubricValues, lengths: [1, 2, 3, 4] },
      { run: { preset: 'paper-prose' as const, stage: 'strong' as const, weakMean }, values: rubricValues, lengths: [1, 2, 3, 4] },
    ]),
    { run: { preset: 'verifiable', stage: 'strong' }, values: [0, 1], lengths: [1, 2, 3, 4, 5, 8] },
  ];
  for (const { run, values, lengths } of cases) {
    const name = `${run.preset} ${run.stage}${run.weakZeroRule ? ` (${run.weakZeroRule})` : ''}${run.weakMean === undefined ? '' : ` weak mean ${run.weakMean}`}`;
    it(name, () => {
      let stoppedEarly = 0;
      for (const length of lengths) {
        for (const scores of sequences(length >= 4 && values.length > 2 ? coarseValues : values, length)) {
          // The strong stage's gap reads the weak mean: weak scores with exactly that mean.
          const weakScores = run.weakMean === undefined ? [0, 0, 0, 0].slice(0, length) : [run.weakMean];
          const expected = fullOutcome(run, scores, weakScores);
          const { made, decision } = replay(run, scores);
          expect({ scores, outcome: outcomeOf(decision) }).toEqual({ scores, outcome: expected });
          // What round-record.ts reads from the attempts made (with the planned count) agrees.
          const measured = scores.slice(0, made);
          const passed =
            run.stage === 'weak'
              ? weakStageVerdict(run.preset, measured, run.weakZeroRule ?? 'any', length).passed
              : strongStageVerdict(run.preset, weakScores, measured, length).passed;
          expect({ scores, passed }).toEqual({ scores, passed: expected === 'pass' });
          if (run.stage === 'weak' && !passed) expect(allScoredZero(measured)).toBe(expected === 'weak-all-zero');
          if (made < length) stoppedEarly += 1;
        }
      }
      expect(stoppedEarly).toBeGreaterThan(0);
    });
  }
});

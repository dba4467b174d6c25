// The call-economy replay: early stopping's attempts, the decision oracle's fewest, and the check
// that early stopping decides as the full pattern does, on constructed score sequences.
import { describe, expect, it } from 'vitest';
import { earlyStopReplay, fullStageOutcome, oracleAttempts, replayCallEconomy } from '../../src/bench/call-economy.ts';
import type { DocumentResult } from '../../src/inner/index.ts';

const prompt = { preset: 'paper-prompt', weakZeroRule: 'any' } as const;
const verifiable = { preset: 'verifiable', weakZeroRule: 'any' } as const;

describe('call economy of a solver stage', () => {
  it('stops a weak stage at the attempt that settles it; the oracle needs only that attempt', () => {
    // The third attempt is above the best-attempt limit: decided there in order, by it alone for the oracle.
    const scores = [0.2, 0.1, 0.9, 0.3];
    expect(fullStageOutcome(prompt, 'weak', scores, scores)).toBe('too-easy');
    expect(earlyStopReplay(prompt, 'weak', scores, 0)).toEqual({ attempts: 3, outcome: 'too-easy' });
    expect(oracleAttempts(prompt, 'weak', scores, 0, 'too-easy')).toBe(1);
  });

  it('makes every attempt of a weak pass and of an all-zero weak stage', () => {
    const passing = [0.4, 0.5, 0.3, 0.6];
    expect(fullStageOutcome(prompt, 'weak', passing, passing)).toBe('pass');
    expect(earlyStopReplay(prompt, 'weak', passing, 0)).toEqual({ attempts: 4, outcome: 'pass' });
    expect(oracleAttempts(prompt, 'weak', passing, 0, 'pass')).toBe(4);
    const zeros = [0, 0, 0, 0];
    expect(fullStageOutcome(prompt, 'weak', zeros, zeros)).toBe('weak-all-zero');
    expect(earlyStopReplay(prompt, 'weak', zeros, 0)).toEqual({ attempts: 4, outcome: 'weak-all-zero' });
  });

  it('stops a strong stage at its first zero', () => {
    const weak = [0.3, 0.2, 0.4, 0.3];
    const strong = [0.9, 0.8, 0, 0.9];
    expect(fullStageOutcome(prompt, 'strong', strong, weak)).toBe('fail');
    expect(earlyStopReplay(prompt, 'strong', strong, 0.3)).toEqual({ attempts: 3, outcome: 'fail' });
    expect(oracleAttempts(prompt, 'strong', strong, 0.3, 'fail')).toBe(1);
  });

  it('counts correct answers in the verifiable preset', () => {
    const weak = [0, 1, 0, 1];
    expect(fullStageOutcome(verifiable, 'weak', weak, weak)).toBe('too-easy');
    expect(earlyStopReplay(verifiable, 'weak', weak, 0)).toEqual({ attempts: 4, outcome: 'too-easy' });
    expect(oracleAttempts(verifiable, 'weak', weak, 0, 'too-easy')).toBe(2);
  });
});

describe('replayCallEconomy', () => {
  it('sums two calls per attempt over evaluated rounds and leaves out rounds that already stopped early', () => {
    const stage = (scores: number[], stopped = false) => ({
      scores, mean: 0, best: 0, passed: false, reasons: [],
      ...(stopped ? { early_stop: { attempts_planned: 4, skipped: 2, skipped_attempts: [3, 4], reason: 'decided' } } : {}),
    });
    const round = (weak: ReturnType<typeof stage> | null, strong: ReturnType<typeof stage> | null) => ({ weak, strong });
    const result = {
      rounds: [
        round(null, null), // failed the quality check: no solver calls
        round(stage([0.9, 0.1, 0.2, 0.3]), null), // too easy at attempt 1: 8 calls, 2 with early stopping, oracle 2
        round(stage([0.3, 0.2, 0.4, 0.3]), stage([0.9, 0, 0.8, 0.9])), // weak pass (8/8/8), strong fails at 2 (8/4/2)
        round(stage([0.9, 0.1], true), null), // recorded with early stopping on: no full pattern to replay
      ],
    } as unknown as DocumentResult;
    expect(replayCallEconomy([result], prompt)).toEqual({
      evaluatedRounds: 2, stages: 3, identicalDecisions: 3, fullCalls: 24, earlyStopCalls: 14, oracleCalls: 12,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { acceptChild, discordantPairs, signTestPValue, type PairedEvaluation } from '../../src/outer/accept-child.ts';

function evaluation(verdicts: string): PairedEvaluation {
  const outcomes = [...verdicts].map((verdict, index) => ({ documentId: `doc-${index}`, accepted: verdict === '1' }));
  return { passRate: outcomes.filter((outcome) => outcome.accepted).length / outcomes.length, outcomes };
}

describe('acceptChild', () => {
  it('strict: accepts only a strictly higher pass rate', () => {
    const parent = evaluation('1100000000');
    expect(acceptChild(parent, evaluation('1110000000'), { kind: 'strict' })).toEqual({ accepted: true, reason: 'child 0.300 > parent 0.200' });
    expect(acceptChild(parent, evaluation('0011000000'), { kind: 'strict' })).toEqual({
      accepted: false,
      reason: 'child 0.200 does not exceed parent 0.200',
    });
    expect(acceptChild(parent, evaluation('1000000000'), { kind: 'strict' }).accepted).toBe(false);
  });

  it('paired test: a one-document gain that strict accepts is not significant', () => {
    const parent = evaluation('1100000000');
    const child = evaluation('1110000000');
    expect(acceptChild(parent, child, { kind: 'strict' }).accepted).toBe(true);
    expect(acceptChild(parent, child, { kind: 'paired-test', alpha: 0.05 })).toEqual({
      accepted: false,
      reason: 'child alone accepted 1, parent alone 0 of 10 paired documents; one-sided sign test p = 0.5000 > 0.05',
    });
  });

  it('paired test: five discordant documents all in the child favour pass at alpha 0.05', () => {
    const parent = evaluation('1100000000');
    const child = evaluation('1111111000');
    expect(acceptChild(parent, child, { kind: 'paired-test', alpha: 0.05 })).toEqual({
      accepted: true,
      reason: 'child alone accepted 5, parent alone 0 of 10 paired documents; one-sided sign test p = 0.0313 <= 0.05',
    });
    expect(acceptChild(parent, child, { kind: 'paired-test', alpha: 0.01 }).accepted).toBe(false);
  });

  it('paired test: counts only pairs, so documents swapping verdicts cancel out', () => {
    const parent = evaluation('1111000000');
    const child = evaluation('0000111110');
    expect(discordantPairs(parent, child)).toEqual({ childBetter: 5, parentBetter: 4, paired: 10 });
    expect(acceptChild(parent, child, { kind: 'strict' }).accepted).toBe(true);
    expect(acceptChild(parent, child, { kind: 'paired-test', alpha: 0.05 }).accepted).toBe(false);
  });

  it('paired test: leaves out documents only one side evaluated', () => {
    const parent = evaluation('10');
    const child: PairedEvaluation = { passRate: 1, outcomes: [{ documentId: 'doc-1', accepted: true }, { documentId: 'other', accepted: true }] };
    expect(discordantPairs(parent, child)).toEqual({ childBetter: 1, parentBetter: 0, paired: 1 });
  });
});

describe('signTestPValue', () => {
  it('is the upper binomial tail at one half', () => {
    expect(signTestPValue(5, 5)).toBe(1 / 32);
    expect(signTestPValue(0, 5)).toBe(1);
    expect(signTestPValue(4, 5)).toBe(6 / 32);
    expect(signTestPValue(9, 10)).toBe(11 / 1024);
    expect(signTestPValue(0, 0)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { acceptChild, discordantPairs, signTestPValue, type PairedEvaluation } from '../../src/outer/accept-child.ts';

/** '1' accepted, '0' not accepted, 'e' ended on an infrastructure error (no verdict). */
function evaluation(verdicts: string): PairedEvaluation {
  const outcomes = [...verdicts].map((verdict, index) => ({
    documentId: `doc-${index}`,
    accepted: verdict === '1',
    ...(verdict === 'e' ? { error: 'judge transport: HTTP 500' } : {}),
  }));
  return { outcomes };
}

describe('acceptChild', () => {
  it('strict: accepts only a strictly higher pass rate', () => {
    const parent = evaluation('1100000000');
    expect(acceptChild(parent, evaluation('1110000000'), { kind: 'strict' })).toEqual({
      accepted: true,
      reason: 'child 0.300 > parent 0.200',
      parentRate: 0.2,
      childRate: 0.3,
      paired: 10,
    });
    expect(acceptChild(parent, evaluation('0011000000'), { kind: 'strict' })).toMatchObject({
      accepted: false,
      reason: 'child 0.200 does not exceed parent 0.200',
    });
    expect(acceptChild(parent, evaluation('1000000000'), { kind: 'strict' }).accepted).toBe(false);
  });

  it('paired test: a one-document gain that strict accepts is not significant', () => {
    const parent = evaluation('1100000000');
    const child = evaluation('1110000000');
    expect(acceptChild(parent, child, { kind: 'strict' }).accepted).toBe(true);
    expect(acceptChild(parent, child, { kind: 'paired-test', alpha: 0.05 })).toMatchObject({
      accepted: false,
      reason: 'child alone accepted 1, parent alone 0 of 10 paired documents; one-sided sign test p = 0.5000 > 0.05',
    });
  });

  it('paired test: five discordant documents all in the child favour pass at alpha 0.05', () => {
    const parent = evaluation('1100000000');
    const child = evaluation('1111111000');
    expect(acceptChild(parent, child, { kind: 'paired-test', alpha: 0.05 })).toMatchObject({
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
    const child: PairedEvaluation = { outcomes: [{ documentId: 'doc-1', accepted: true }, { documentId: 'other', accepted: true }] };
    expect(discordantPairs(parent, child)).toEqual({ childBetter: 1, parentBetter: 0, paired: 1 });
  });

  it('errored documents are no verdicts: only documents both sides completed are compared', () => {
    // Parent lost doc-0 and doc-1 to an outage; counting them as failures would give 0.2 vs 0.4.
    const parent = evaluation('ee10000000');
    const child = evaluation('1110000000');
    const decision = acceptChild(parent, child, { kind: 'strict' });
    expect(decision).toEqual({
      accepted: false,
      reason: 'child 0.125 does not exceed parent 0.125 over the 8 documents both completed (2 left out: infrastructure errors)',
      parentRate: 0.125,
      childRate: 0.125,
      paired: 8,
    });
    // An outage on the child's side is no loss for the child either.
    expect(acceptChild(evaluation('1100000000'), evaluation('eeee111000'), { kind: 'strict' })).toMatchObject({
      accepted: true,
      parentRate: 0,
      childRate: 0.5,
      paired: 6,
    });
    expect(discordantPairs(evaluation('1e10'), evaluation('0111'))).toEqual({ childBetter: 1, parentBetter: 1, paired: 3 });
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

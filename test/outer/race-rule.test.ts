import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../src/config/experiment.ts';
import { acceptChild, discordantPairs, type AcceptanceRule, type PairedEvaluation } from '../../src/outer/accept-child.ts';
import { raceRule, type Racing } from '../../src/outer/race-rule.ts';

/** One character per document: '1' accepted, '0' not accepted, 'e' an infrastructure error. */
function evaluation(verdicts: string): PairedEvaluation {
  return {
    outcomes: [...verdicts].map((verdict, index) => ({
      documentId: `doc-${index}`,
      accepted: verdict === '1',
      ...(verdict === 'e' ? { error: 'judge transport: HTTP 500' } : {}),
    })),
  };
}

/**
 * Racing as race-validation.ts reads it: after each pair in document order, the rule is asked about
 * the prefix and the documents left; the first settled prefix decides. Null: read to the end.
 */
function race(parent: string, child: string, acceptance: AcceptanceRule, racing: Exclude<Racing, 'off'>) {
  const settle = raceRule(acceptance, racing);
  for (let length = 1; length < parent.length; length += 1) {
    const settled = settle(discordantPairs(evaluation(parent.slice(0, length)), evaluation(child.slice(0, length))), parent.length - length);
    if (settled) return { after: length, ...settled };
  }
  return null;
}

/** The decision racing reaches: the settled one, else the full evaluation's. */
function racedDecision(parent: string, child: string, acceptance: AcceptanceRule, racing: Exclude<Racing, 'off'>): boolean {
  return race(parent, child, acceptance, racing)?.accepted ?? acceptChild(evaluation(parent), evaluation(child), acceptance).accepted;
}

const strict: AcceptanceRule = { kind: 'strict' };
const signTest: AcceptanceRule = { kind: 'paired-test', alpha: 0.05 };

describe('exact racing, strict rule (10 documents)', () => {
  it('settles a rejection once the parent leads by as many documents as are left', () => {
    // After 5 documents the parent leads 5-0 and 5 are left: at best the child ties.
    expect(race('1111111111', '0000000000', strict, 'exact')).toEqual({ after: 5, accepted: false, acceptChance: null });
  });

  it('settles an acceptance once the child leads by more than are left', () => {
    // 6-0 with 4 left: the child ends at least 2 ahead.
    expect(race('0000000000', '1111111111', strict, 'exact')).toEqual({ after: 6, accepted: true, acceptChance: null });
  });

  it('settles late when the lead appears late', () => {
    // Child and parent take turns being better (lead 1, 0, 1, 0 ...); the parent wins the 9th: behind by one, one left.
    expect(race('0101010110', '1010101001', strict, 'exact')).toEqual({ after: 9, accepted: false, acceptChance: null });
  });

  it('never settles while the last document can still tip it', () => {
    // Turns as above, then the child wins the 9th: a lead of 1 with 1 left, and a parent win would tie (a rejection).
    expect(race('0101010100', '1010101010', strict, 'exact')).toBeNull();
    expect(race('0101010101', '1010101010', strict, 'exact')).toBeNull();
    expect(acceptChild(evaluation('0101010100'), evaluation('1010101010'), strict).accepted).toBe(true);
    expect(acceptChild(evaluation('0101010101'), evaluation('1010101010'), strict).accepted).toBe(false);
  });

  it('an errored document is no pair: it uses up a document without moving the lead', () => {
    // As the first case, but the parent lost document 2: 5-0 is reached one document later.
    expect(race('11e1111111', '0000000000', strict, 'exact')).toEqual({ after: 6, accepted: false, acceptChance: null });
    expect(race('1111111111', '0000e00000', strict, 'exact')).toEqual({ after: 6, accepted: false, acceptChance: null });
  });

  it('concordant documents settle nothing: a tie so far is read to the end', () => {
    expect(race('1111111111', '1111111111', strict, 'exact')).toBeNull();
    expect(race('0000000000', '0000000000', strict, 'exact')).toBeNull();
  });
});

describe('exact racing, one-sided sign test at alpha 0.05 (10 documents)', () => {
  it('rejects after 2 parent-only documents: even 8 child wins of 10 discordant give p = 56/1024 > 0.05', () => {
    expect(race('1111111111', '0000000000', signTest, 'exact')).toEqual({ after: 2, accepted: false, acceptChance: null });
  });

  it('accepts only after 9 child-only documents: p = 11/1024 even if the last one goes to the parent', () => {
    expect(race('0000000000', '1111111111', signTest, 'exact')).toEqual({ after: 9, accepted: true, acceptChance: null });
  });

  it('never settles when the last document decides between p = 11/1024 and p = 56/1024', () => {
    // 8 child-only, then 1 parent-only: one more child win gives p(9 of 10) = 0.0107, a parent win p(8 of 10) = 0.0547.
    const parent = '000000001';
    expect(race(`${parent}0`, '1111111101', signTest, 'exact')).toBeNull();
    expect(race(`${parent}1`, '1111111100', signTest, 'exact')).toBeNull();
    expect(acceptChild(evaluation(`${parent}0`), evaluation('1111111101'), signTest).accepted).toBe(true);
    expect(acceptChild(evaluation(`${parent}1`), evaluation('1111111100'), signTest).accepted).toBe(false);
  });
});

/** A random pair of verdict strings: correlated verdicts (as a child of the same parent), some errors. */
function randomSequence(rng: () => number): { parent: string; child: string } {
  const length = Math.floor(rng() * 31);
  const parentRate = rng();
  const childRate = rng();
  const errorRate = rng() < 0.3 ? 0.15 : 0;
  let parent = '';
  let child = '';
  for (let index = 0; index < length; index += 1) {
    const shared = rng();
    const verdict = (rate: number) => (rng() < errorRate ? 'e' : (rng() < 0.6 ? shared : rng()) < rate ? '1' : '0');
    parent += verdict(parentRate);
    child += verdict(childRate);
  }
  return { parent, child };
}

describe('exact racing never changes the decision', () => {
  const rules: AcceptanceRule[] = [strict, signTest, { kind: 'paired-test', alpha: 0.2 }, { kind: 'paired-test', alpha: 0.01 }];
  for (const rule of rules) {
    it(`over 1500 random sequences (${rule.kind}${rule.kind === 'paired-test' ? ` alpha ${rule.alpha}` : ''})`, () => {
      const rng = seedrandom(`race-${JSON.stringify(rule)}`);
      let settledEarly = 0;
      for (let draw = 0; draw < 1500; draw += 1) {
        const { parent, child } = randomSequence(rng);
        const full = acceptChild(evaluation(parent), evaluation(child), rule).accepted;
        const settled = race(parent, child, rule, 'exact');
        if (!settled) continue;
        settledEarly += 1;
        expect({ parent, child, accepted: settled.accepted }).toEqual({ parent, child, accepted: full });
        // What evolve records and re-decides on: the prefix alone gives the same decision.
        const prefix = acceptChild(evaluation(parent.slice(0, settled.after)), evaluation(child.slice(0, settled.after)), rule);
        expect({ parent, child, accepted: prefix.accepted }).toEqual({ parent, child, accepted: full });
      }
      // The property is only worth something if racing did stop early often.
      expect(settledEarly).toBeGreaterThan(500);
    });
  }
});

describe('futility racing', () => {
  const futility = { kind: 'futility', errorRate: 0.1 } as const;

  it('stops no later than exact racing, accepts only what exact racing accepts, and never rejects a prefix that would be accepted', () => {
    const rng = seedrandom('futility-order');
    let earlierThanExact = 0;
    for (let draw = 0; draw < 1500; draw += 1) {
      const { parent, child } = randomSequence(rng);
      for (const rule of [strict, signTest]) {
        const exact = race(parent, child, rule, 'exact');
        const early = race(parent, child, rule, futility);
        if (exact) expect(early!.after).toBeLessThanOrEqual(exact.after);
        if (early?.accepted) expect(early).toEqual(exact);
        if (early && early.acceptChance !== null) {
          expect(early.accepted).toBe(false);
          expect(early.acceptChance).toBeLessThanOrEqual(0.1);
          expect(early.acceptChance).toBeGreaterThan(0);
          expect(acceptChild(evaluation(parent.slice(0, early.after)), evaluation(child.slice(0, early.after)), rule).accepted).toBe(false);
          if (!exact || exact.after > early.after) earlierThanExact += 1;
        }
      }
    }
    expect(earlierThanExact).toBeGreaterThan(100);
  });

  it('keeps the share of early rejections the full evaluation would accept under the error rate, children drawn as the rule assumes', () => {
    // The rule's model: a child wins each discordant document with a chance drawn uniformly from [0, 1];
    // how many documents are discordant varies from child to child and does not matter to the bound.
    const rng = seedrandom('futility-prior');
    const documents = 25;
    for (const rule of [strict, signTest]) {
      let rejectedEarly = 0;
      let wronglyRejected = 0;
      for (let draw = 0; draw < 3000; draw += 1) {
        const childWinChance = rng();
        const discordantChance = 0.2 + 0.6 * rng();
        let parent = '';
        let child = '';
        for (let index = 0; index < documents; index += 1) {
          const discordant = rng() < discordantChance;
          const childWins = rng() < childWinChance;
          const both = rng() < 0.5 ? '1' : '0';
          parent += discordant ? (childWins ? '0' : '1') : both;
          child += discordant ? (childWins ? '1' : '0') : both;
        }
        const early = race(parent, child, rule, futility);
        if (!early || early.acceptChance === null) continue;
        rejectedEarly += 1;
        if (acceptChild(evaluation(parent), evaluation(child), rule).accepted) wronglyRejected += 1;
      }
      expect(rejectedEarly).toBeGreaterThan(500);
      expect(wronglyRejected / rejectedEarly).toBeLessThanOrEqual(0.1);
      // Not vacuous: some early rejections were wrong, as a statistical rule allows.
      expect(wronglyRejected).toBeGreaterThan(0);
    }
  });
});

describe('outer.racing in the experiment config', () => {
  const base = { endpoints: 'sim', name: 'racing' };
  it('defaults to off and takes exact or a futility rule', () => {
    expect(parseExperiment(base, 'test').outer.racing).toBe('off');
    expect(parseExperiment({ ...base, outer: { racing: 'exact' } }, 'test').outer.racing).toBe('exact');
    expect(parseExperiment({ ...base, outer: { racing: { kind: 'futility' } } }, 'test').outer.racing).toEqual({ kind: 'futility', errorRate: 0.05 });
  });

  it('refuses an error rate outside (0, 1) and unknown values, naming the field', () => {
    expect(() => parseExperiment({ ...base, outer: { racing: { kind: 'futility', errorRate: 1 } } }, 'test')).toThrow(/outer\.racing/);
    expect(() => parseExperiment({ ...base, outer: { racing: 'sometimes' } }, 'test')).toThrow(/outer\.racing/);
  });
});

import { describe, expect, it } from 'vitest';
import { acceptanceVerdict, verifiableLimits, weakStageVerdict } from '../../src/inner/acceptance.ts';

describe('paper-prompt acceptance', () => {
  const strongOk = [0.8, 0.8, 0.8];

  it('accepts a weak mean of exactly 0.65 and rejects just above it', () => {
    expect(acceptanceVerdict('paper-prompt', [0.65, 0.65, 0.65], [0.9, 0.9, 0.9])).toEqual({ accepted: true, stage: 'strong', reasons: [] });
    expect(acceptanceVerdict('paper-prompt', [0.66, 0.66, 0.66], [0.9, 0.9, 0.9])).toEqual({
      accepted: false,
      stage: 'weak',
      reasons: ['weak mean 0.66 is above 0.65'],
    });
  });

  it('accepts a best weak attempt of exactly 0.75 and rejects 0.76', () => {
    expect(acceptanceVerdict('paper-prompt', [0.75, 0.4, 0.4], strongOk).accepted).toBe(true);
    expect(acceptanceVerdict('paper-prompt', [0.76, 0.4, 0.4], strongOk)).toEqual({
      accepted: false,
      stage: 'weak',
      reasons: ['best weak attempt 0.76 is above 0.75'],
    });
  });

  it('rejects any weak zero by default and only all zeros under the "all" rule', () => {
    expect(weakStageVerdict('paper-prompt', [0, 0.5, 0.5])).toEqual({ passed: false, reasons: ['1 weak attempt(s) scored 0'] });
    expect(weakStageVerdict('paper-prompt', [0, 0.5, 0.5], 'all')).toEqual({ passed: true, reasons: [] });
    expect(weakStageVerdict('paper-prompt', [0, 0, 0], 'all')).toEqual({ passed: false, reasons: ['every weak attempt scored 0'] });
  });

  it('needs 0.60 <= strong mean < 0.95', () => {
    expect(acceptanceVerdict('paper-prompt', [0.3, 0.3, 0.3], [0.6, 0.6, 0.6]).accepted).toBe(true);
    expect(acceptanceVerdict('paper-prompt', [0.3, 0.3, 0.3], [0.59, 0.59, 0.59])).toEqual({
      accepted: false,
      stage: 'strong',
      reasons: ['strong mean 0.59 is below 0.60'],
    });
    expect(acceptanceVerdict('paper-prompt', [0.3, 0.3, 0.3], [0.94, 0.94, 0.94]).accepted).toBe(true);
    expect(acceptanceVerdict('paper-prompt', [0.3, 0.3, 0.3], [0.95, 0.95, 0.95])).toEqual({
      accepted: false,
      stage: 'strong',
      reasons: ['strong mean 0.95 is 0.95 or more'],
    });
  });

  it('rejects a strong attempt at 0', () => {
    expect(acceptanceVerdict('paper-prompt', [0.2, 0.2, 0.2], [0, 1, 1]).reasons).toEqual(['1 strong attempt(s) scored 0']);
  });

  it('needs a gap of at least 0.20', () => {
    expect(acceptanceVerdict('paper-prompt', [0.45, 0.45, 0.45], [0.65, 0.65, 0.65]).accepted).toBe(true);
    expect(acceptanceVerdict('paper-prompt', [0.46, 0.46, 0.46], [0.65, 0.65, 0.65]).reasons).toEqual(['gap 0.19 is below 0.20']);
  });

  it('reports the strong stage as not evaluated when no strong scores exist', () => {
    expect(acceptanceVerdict('paper-prompt', [0.3, 0.3, 0.3], null)).toEqual({
      accepted: false,
      stage: 'strong',
      reasons: ['the strong solver has not been evaluated'],
    });
  });
});

describe('paper-prose acceptance', () => {
  it('needs weak mean < 0.50, strong mean >= 0.65 and a gap >= 0.20', () => {
    expect(acceptanceVerdict('paper-prose', [0.49, 0.49], [0.69, 0.69]).accepted).toBe(true);
    expect(acceptanceVerdict('paper-prose', [0.5, 0.5], [0.9, 0.9]).reasons).toEqual(['weak mean 0.50 is not below 0.50']);
    expect(acceptanceVerdict('paper-prose', [0.2, 0.2], [0.64, 0.64]).reasons).toEqual(['strong mean 0.64 is below 0.65']);
    // A weak zero is allowed in the prose rule.
    expect(acceptanceVerdict('paper-prose', [0, 0.4], [0.7, 0.7]).accepted).toBe(true);
  });
});

describe('verifiable counting rule', () => {
  it('accepts iff the weak solver is right at most 1 of 4 and the strong at least 3 of 4', () => {
    expect(acceptanceVerdict('verifiable', [1, 0, 0, 0], [1, 1, 1, 0]).accepted).toBe(true);
    expect(acceptanceVerdict('verifiable', [1, 1, 0, 0], [1, 1, 1, 1])).toEqual({
      accepted: false,
      stage: 'weak',
      reasons: ['weak solver correct 2 of 4 (at most 1 allowed)'],
    });
    expect(acceptanceVerdict('verifiable', [0, 0, 0, 0], [1, 1, 0, 0])).toEqual({
      accepted: false,
      stage: 'strong',
      reasons: ['strong solver correct 2 of 4 (at least 3 needed)'],
    });
  });

  it('scales the limits for other attempt counts', () => {
    expect(verifiableLimits(4, 4)).toEqual({ weakCorrectMax: 1, strongCorrectMin: 3 });
    expect(verifiableLimits(8, 3)).toEqual({ weakCorrectMax: 2, strongCorrectMin: 3 });
  });
});

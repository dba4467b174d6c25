import { describe, expect, it } from 'vitest';
import { buildRefinementMessage, FIRST_ROUND_FEEDBACK } from '../../src/inner/refinement.ts';
import type { RoundRecord } from '../../src/inner/result-schema.ts';
import { newRound } from '../../src/inner/round-record.ts';
import { readFeedback } from '../../src/sim/personas/inner-feedback.ts';

function round(number: number, fields: Partial<RoundRecord>): RoundRecord {
  return { ...newRound(number, 'x'), question: `Question of round ${number}?`, ...fields };
}
const stage = (mean: number) => ({ scores: [mean], mean, best: mean, passed: false, reasons: [] });

describe('buildRefinementMessage', () => {
  it('says there were no earlier attempts before round 1, and ignores infrastructure rounds', () => {
    expect(buildRefinementMessage([])).toBe(FIRST_ROUND_FEEDBACK);
    expect(buildRefinementMessage([round(1, { failure_reason: 'infrastructure', failure_detail: 'SOLVER_ERROR' })])).toBe(FIRST_ROUND_FEEDBACK);
  });

  it('groups mixed failures, numbers them continuously and shows only non-empty groups', () => {
    const message = buildRefinementMessage([
      round(1, { failure_reason: 'too-easy', weak: stage(0.81) }),
      round(2, { failure_reason: 'failed-qv', failure_detail: 'the context states the answer' }),
      round(3, { failure_reason: 'infrastructure', failure_detail: 'SOLVER_ERROR' }),
      round(4, { failure_reason: 'too-easy', weak: stage(0.7) }),
      round(5, { failure_reason: 'rubric-format', rubric_format_errors: ['item 2 weight "+8" is a string, not an integer'] }),
    ]);
    expect(message).toBe(
      [
        'None of your earlier questions for this document was accepted. What happened to each:',
        '',
        'TOO EASY: the weak solver answered these well, so they do not separate the solvers.',
        '1. (round 1) Question of round 1?',
        '   weak mean 0.81',
        '2. (round 4) Question of round 4?',
        '   weak mean 0.70',
        '',
        'FAILED QUALITY CHECK: these were rejected before any solver saw them.',
        '3. (round 2) Question of round 2?',
        '   reason: the context states the answer',
        '4. (round 5) Question of round 5?',
        '   rubric format error: item 2 weight "+8" is a string, not an integer',
        '',
        'Write an entirely new question that approaches the document from a different angle than all of the above; do not rephrase an earlier one.',
      ].join('\n'),
    );
  });

  it('reports weak mean, strong mean and gap for questions that failed on strong', () => {
    const message = buildRefinementMessage([round(1, { failure_reason: 'failed-on-strong', weak: stage(0.4), strong: stage(0.5), gap: 0.1 })]);
    expect(message.split('\n').slice(2, 5)).toEqual([
      'FAILED ON STRONG: the strong solver could not answer these well enough, or the gap was too small.',
      '1. (round 1) Question of round 1?',
      '   weak mean 0.40, strong mean 0.50, gap 0.10',
    ]);
  });

  it('tells the challenger that questions every weak attempt scored 0 on were too hard or ill-posed, in their own group', () => {
    const message = buildRefinementMessage([
      round(1, { failure_reason: 'weak-all-zero', weak: { scores: [0, 0, 0, 0], mean: 0, best: 0, passed: false, reasons: [] } }),
      round(2, { failure_reason: 'too-easy', weak: stage(0.8) }),
      round(3, { failure_reason: 'failed-on-strong', weak: stage(0.4), strong: stage(0.5), gap: 0.1 }),
      round(4, { failure_reason: 'failed-qv', failure_detail: 'the context states the answer' }),
    ]);
    expect(message).toBe(
      [
        'None of your earlier questions for this document was accepted. What happened to each:',
        '',
        'TOO EASY: the weak solver answered these well, so they do not separate the solvers.',
        '1. (round 2) Question of round 2?',
        '   weak mean 0.80',
        '',
        'FAILED ON STRONG: the strong solver could not answer these well enough, or the gap was too small.',
        '2. (round 3) Question of round 3?',
        '   weak mean 0.40, strong mean 0.50, gap 0.10',
        '',
        'WEAK SOLVER SCORED 0: every weak attempt scored 0 on these, so they are too hard for the weak solver or cannot be answered as posed ' +
          '(ill-posed, missing facts the context must give, or a rubric no reasonable answer meets). Make the next question answerable from the context.',
        '3. (round 1) Question of round 1?',
        '   weak mean 0.00 (4 attempts, every one scored 0)',
        '',
        'FAILED QUALITY CHECK: these were rejected before any solver saw them.',
        '4. (round 4) Question of round 4?',
        '   reason: the context states the answer',
        '',
        'Write an entirely new question that approaches the document from a different angle than all of the above; do not rephrase an earlier one.',
      ].join('\n'),
    );
  });

  it('is read by the sim challenger as questions that were too hard, after the ones that failed on strong', () => {
    const message = buildRefinementMessage([
      round(1, { failure_reason: 'weak-all-zero', weak: { scores: [0, 0, 0], mean: 0, best: 0, passed: false, reasons: [] } }),
      round(2, { failure_reason: 'failed-on-strong', weak: stage(0.4), strong: stage(0.5), gap: 0.1 }),
    ]);
    const summary = readFeedback(message);
    expect(summary).toMatchObject({ tooEasy: 0, failedOnStrong: 2, failedQuality: 0, tooEasyWeakMeans: [], failedStrongMeans: [0.5] });
    // The strong mean stays aligned with the question it belongs to; the all-zero question comes after, without one.
    expect(summary.failedStrongQuestions).toEqual(['Question of round 2?', 'Question of round 1?']);
  });
});

import { describe, expect, it } from 'vitest';
import { renderHistory } from '../../src/outer/history.ts';
import type { IterationRecord } from '../../src/outer/population-store.ts';

const base = { calls: 10, tokens: 100, finishedAt: '2026-01-01T00:00:00.000Z' };
const records: IterationRecord[] = [
  {
    ...base, iteration: 0, parentId: 'c0000', childId: 'c0000', analysisHeadline: '', editSummary: 'baseline harness',
    parentScore: null, childScore: 0.62, decision: 'baseline', reason: 'the baseline is the first member of the population',
  },
  {
    ...base, iteration: 1, parentId: 'c0000', childId: 'c0001', analysisHeadline: 'Questions are too easy.',
    editSummary: 'Ask for paper-specific insight.', parentScore: 0.6, childScore: 0.68, decision: 'accepted', reason: 'child 0.680 > parent 0.600',
  },
  {
    ...base, iteration: 2, parentId: 'c0001', childId: 'c0002', analysisHeadline: 'Rubric weights written as "+8".',
    editSummary: 'Tell the weak solver to answer briefly.', parentScore: null, childScore: null, decision: 'refused',
    reason: 'protected-file: edit 1: prompts/weak-solver.md is protected (it defines how the harness is evaluated); edit another file\nmore detail',
  },
  {
    ...base, iteration: 3, parentId: 'c0001', childId: 'c0003', analysisHeadline: 'Leaks.', editSummary: 'Be lenient.',
    parentScore: 0.7, childScore: 0.64, decision: 'rejected', reason: 'child 0.640 does not exceed parent 0.700',
  },
  {
    ...base, iteration: 4, parentId: 'c0001', childId: null, analysisHeadline: '', editSummary: '', parentScore: null, childScore: null,
    decision: 'failed', reason: 'analyzer invalid-output: reply does not match the schema',
  },
];

describe('renderHistory', () => {
  it('says so when there is no history yet', () => {
    expect(renderHistory([])).toBe('No earlier iterations yet.');
  });

  it('renders one entry per iteration with its decision, scores, analysis and edit', () => {
    expect(renderHistory(records)).toBe(
      [
        '5 earlier iterations.',
        'Iteration 0: baseline c0000 scored 0.620 on validation.',
        '  Edit: baseline harness',
        'Iteration 1: child c0001 of c0000 ACCEPTED: validation 0.680 vs parent 0.600 (child 0.680 > parent 0.600).',
        '  Analysis: Questions are too easy',
        '  Edit: Ask for paper-specific insight',
        'Iteration 2: edit to c0001 REFUSED: protected-file: edit 1: prompts/weak-solver.md is protected (it defines how the harness is evaluated); edit another file.',
        '  Analysis: Rubric weights written as "+8"',
        '  Edit: Tell the weak solver to answer briefly',
        'Iteration 3: child c0003 of c0001 REJECTED: validation 0.640 vs parent 0.700 (child 0.640 does not exceed parent 0.700).',
        '  Analysis: Leaks',
        '  Edit: Be lenient',
        'Iteration 4: FAILED on parent c0001: analyzer invalid-output: reply does not match the schema.',
      ].join('\n'),
    );
  });

  it('shows only the most recent entries past the limit and says how many there are', () => {
    const text = renderHistory(records, 2);
    expect(text.split('\n')[0]).toBe('5 earlier iterations; the last 2 are shown.');
    expect(text).not.toContain('Iteration 2:');
    expect(text).toContain('Iteration 3:');
    expect(text).toContain('Iteration 4:');
  });
});

describe('renderHistory with a limit of 0', () => {
  it('shows no entry (slice(-0) would have shown them all)', async () => {
    const { renderHistory } = await import('../../src/outer/history.ts');
    const record = {
      iteration: 1, parentId: 'c0000', childId: 'c0001', analysisHeadline: 'headline', editSummary: 'an edit',
      parentScore: 0.5, childScore: 0.6, decision: 'accepted' as const, reason: 'child 0.600 > parent 0.500', calls: 1, tokens: 1, finishedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(renderHistory([record], 0)).toBe('1 earlier iteration; none are shown (outer.historyLimit is 0).');
    expect(renderHistory([record], 1)).toContain('an edit');
  });
});

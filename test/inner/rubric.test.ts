import { describe, expect, it } from 'vitest';
import { parseRubric, rubricScore } from '../../src/inner/rubric.ts';
import { rubricScoresSchema } from '../../src/inner/schemas.ts';

describe('parseRubric', () => {
  it('parses integer weights into indexed items', () => {
    const parsed = parseRubric([
      { criterion: 'names the trade-off', weight: 5, category: 'reasoning' },
      { criterion: 'claims caches are always faster', weight: -3, category: 'error' },
    ]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.items).toEqual([
      { index: 1, criterion: 'names the trade-off', weight: 5, category: 'reasoning' },
      { index: 2, criterion: 'claims caches are always faster', weight: -3, category: 'error' },
    ]);
  });

  it('records a string weight such as "+8" as a format error instead of fixing it', () => {
    const parsed = parseRubric([
      { criterion: 'a', weight: '+8', category: 'reasoning' },
      { criterion: 'b', weight: 2.5, category: 'reasoning' },
      { criterion: 'c', weight: 3, category: 'reasoning' },
    ]);
    expect(parsed.items).toEqual([]);
    expect(parsed.errors).toEqual(['item 1 weight "+8" is a string, not an integer', 'item 2 weight 2.5 is not an integer']);
  });

  it('lists missing keys, zero weights and non-objects', () => {
    expect(parseRubric([{ weight: 3, category: 'x' }, { criterion: 'b', weight: 0, category: 'x' }, 'c']).errors).toEqual([
      'item 1 has no "criterion"',
      'item 2 weight is 0; use a positive or negative integer',
      'item 3 is a string, not an object',
    ]);
  });

  it('rejects a non-array, an empty array and a rubric without positive weight', () => {
    expect(parseRubric({ criterion: 'a' }).errors).toEqual(['rubric is an object, not a JSON array of criteria']);
    expect(parseRubric([]).errors).toEqual(['rubric is an empty array']);
    expect(parseRubric([{ criterion: 'a', weight: -2, category: 'x' }]).errors).toEqual([
      'rubric has no positive-weight criterion, so no answer can score above 0',
    ]);
  });
});

describe('rubricScore', () => {
  const items = [
    { index: 1, criterion: 'a', weight: 6, category: 'r' },
    { index: 2, criterion: 'b', weight: 4, category: 'r' },
    { index: 3, criterion: 'c', weight: -5, category: 'e' },
  ];
  it('divides the weighted sum by the positive total and clips to [0, 1]', () => {
    expect(rubricScore(items, new Map([[1, 1], [2, 0], [3, 0]]))).toBe(0.6);
    expect(rubricScore(items, new Map([[1, 1], [2, 1], [3, 1]]))).toBe(0.5);
    expect(rubricScore(items, new Map([[1, 0], [2, 1], [3, 1]]))).toBe(0);
    expect(rubricScore(items, new Map([[1, 1], [2, 1], [3, 0]]))).toBe(1);
  });
});

describe('judge reply validation', () => {
  it('requires exactly one score per rubric index', () => {
    const schema = rubricScoresSchema(3);
    expect(schema.safeParse({ scores: [1, 2, 3].map((index) => ({ index, met: 1, reason: 'r' })) }).success).toBe(true);
    const wrongCount = schema.safeParse({ scores: [{ index: 1, met: 1, reason: 'r' }, { index: 1, met: 0, reason: 'r' }, { index: 4, met: 0, reason: 'r' }] });
    expect(wrongCount.success).toBe(false);
    expect(wrongCount.error?.issues.map((issue) => issue.message)).toEqual([
      'score index 1 appears twice',
      'score index 4 is outside 1..3',
      'no score for rubric item(s) 2, 3',
    ]);
  });
});

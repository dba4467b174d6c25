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

  it('records a weight that is not a safe integer within -100..100 as a format error', () => {
    const parsed = parseRubric([
      { criterion: 'a', weight: 1e308, category: 'reasoning' },
      // JSON.parse of 9007199254740993 gives 9007199254740992: an integer, but past 2^53.
      JSON.parse('{ "criterion": "b", "weight": 9007199254740993, "category": "reasoning" }'),
      { criterion: 'c', weight: 101, category: 'reasoning' },
      { criterion: 'd', weight: -101, category: 'error' },
      { criterion: 'e', weight: 100, category: 'reasoning' },
      { criterion: 'f', weight: -100, category: 'error' },
    ]);
    expect(parsed.items).toEqual([]);
    expect(parsed.errors).toEqual([
      'item 1 weight 1e+308 is outside -100..100',
      'item 2 weight 9007199254740992 is outside -100..100',
      'item 3 weight 101 is outside -100..100',
      'item 4 weight -101 is outside -100..100',
    ]);
    expect(parseRubric([{ criterion: 'e', weight: 100, category: 'r' }, { criterion: 'f', weight: -100, category: 'e' }]).errors).toEqual([]);
  });

  it('counts only keys the model wrote: "__proto__" keys and inherited fields are missing keys', () => {
    const protoKeyed = JSON.parse('[{ "__proto__": { "criterion": "x", "weight": 5, "category": "c" } }]') as unknown;
    const missing = ['item 1 has no "criterion"', 'item 1 has no "weight"', 'item 1 has no "category"'];
    expect(parseRubric(protoKeyed).errors).toEqual(missing);
    const inherited = Object.create({ criterion: 'x', weight: 5, category: 'c' }) as object;
    expect(parseRubric([inherited]).errors).toEqual(missing);
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

  it('refuses index keys that are prototype names instead of numbers', () => {
    const schema = rubricScoresSchema(1);
    expect(schema.safeParse({ scores: [{ index: '__proto__', met: 1, reason: 'r' }] }).success).toBe(false);
    expect(schema.safeParse(JSON.parse('{ "scores": { "__proto__": [], "1": { "met": 1 } } }')).success).toBe(false);
    expect(schema.safeParse(JSON.parse('{ "scores": [{ "index": 1, "met": 1, "reason": "r", "__proto__": { "index": 2 } }] }')).success).toBe(true);
  });
});

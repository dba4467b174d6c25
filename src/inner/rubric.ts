// Rubric parsing and scoring. A rubric that breaks the format is recorded with every problem
// listed; nothing is silently fixed (a weight written as "+8" stays an error, as in the paper).
import type { RubricItem } from './result-schema.ts';

/**
 * Largest |weight| a criterion may carry. The paper's rubrics use single digits (its optimizer
 * settled on weights capped at 7); 100 leaves room for any sensible scale while keeping sums
 * exact and far from overflow, so `1e308` or `9007199254740993` (past 2^53, where integers stop
 * being exact) is a format error like "+8", not a score.
 */
export const MAX_RUBRIC_WEIGHT = 100;

export interface ParsedRubric {
  /** The well-formed items (empty when the rubric as a whole is unusable). */
  items: RubricItem[];
  /** Every format problem found; non-empty means the example fails the round. */
  errors: string[];
}

export function parseRubric(raw: unknown): ParsedRubric {
  if (!Array.isArray(raw)) return { items: [], errors: [`rubric is ${describe(raw)}, not a JSON array of criteria`] };
  if (raw.length === 0) return { items: [], errors: ['rubric is an empty array'] };
  const errors: string[] = [];
  const items: RubricItem[] = [];
  raw.forEach((entry: unknown, offset) => {
    const index = offset + 1;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      errors.push(`item ${index} is ${describe(entry)}, not an object`);
      return;
    }
    // Own properties only: a name inherited from a prototype never counts as written by the model.
    const record = entry as Record<string, unknown>;
    const field = (key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);
    const criterion = field('criterion');
    const weight = field('weight');
    const category = field('category');
    const problems: string[] = [];
    for (const [key, value] of [['criterion', criterion], ['weight', weight], ['category', category]] as const) {
      if (value === undefined || value === null) problems.push(`item ${index} has no "${key}"`);
    }
    if (typeof criterion === 'string' && criterion.trim() === '') problems.push(`item ${index} has an empty "criterion"`);
    else if (criterion !== undefined && criterion !== null && typeof criterion !== 'string') {
      problems.push(`item ${index} "criterion" is ${describe(criterion)}, not a string`);
    }
    if (category !== undefined && category !== null && typeof category !== 'string') {
      problems.push(`item ${index} "category" is ${describe(category)}, not a string`);
    }
    if (weight !== undefined && weight !== null) {
      if (typeof weight !== 'number') problems.push(`item ${index} weight ${JSON.stringify(weight)} is ${describe(weight)}, not an integer`);
      else if (!Number.isInteger(weight)) problems.push(`item ${index} weight ${weight} is not an integer`);
      else if (!Number.isSafeInteger(weight) || Math.abs(weight) > MAX_RUBRIC_WEIGHT) {
        problems.push(`item ${index} weight ${weight} is outside -${MAX_RUBRIC_WEIGHT}..${MAX_RUBRIC_WEIGHT}`);
      }
      else if (weight === 0) problems.push(`item ${index} weight is 0; use a positive or negative integer`);
    }
    if (problems.length > 0) {
      errors.push(...problems);
      return;
    }
    items.push({ index, criterion: criterion as string, weight: weight as number, category: category as string });
  });
  if (errors.length === 0 && !items.some((item) => item.weight > 0)) {
    errors.push('rubric has no positive-weight criterion, so no answer can score above 0');
  }
  return errors.length > 0 ? { items: [], errors } : { items, errors: [] };
}

/** clip(sum w_i * s_i / sum_{w_i > 0} w_i, 0, 1); `met` maps rubric index -> 0 or 1. */
export function rubricScore(items: readonly RubricItem[], met: ReadonlyMap<number, number>): number {
  const positiveTotal = items.reduce((sum, item) => sum + Math.max(item.weight, 0), 0);
  if (positiveTotal === 0) return 0;
  const earned = items.reduce((sum, item) => sum + item.weight * (met.get(item.index) ?? 0), 0);
  return Math.min(1, Math.max(0, earned / positiveTotal));
}

/** The rubric as the judge sees it: index, criterion, weight; no reference answer. */
export function rubricForJudge(items: readonly RubricItem[]): string {
  return JSON.stringify(
    items.map((item) => ({ index: item.index, criterion: item.criterion, weight: item.weight })),
    null,
    2,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'an object';
}

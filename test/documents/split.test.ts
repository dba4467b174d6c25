import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentsForPart, loadSplit, makeSplit, splitPart, writeSplit, type Document, type Split } from '../../src/documents/index.ts';
import { ConfigError } from '../../src/errors.ts';
import { catchError } from '../support/catch-error.ts';

const ids = Array.from({ length: 100 }, (_, index) => `simcs-${String(index + 1).padStart(4, '0')}`);
const options = { documents: 'sim:cs?n=100&seed=0', seed: 0, train: 50, validation: 25 };

let folder: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
});
afterEach(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('makeSplit', () => {
  it('cuts a seeded shuffle into train, validation and the rest as test', () => {
    const split = makeSplit(ids, options);
    expect(split.documents).toBe('sim:cs?n=100&seed=0');
    expect(split.seed).toBe(0);
    expect(split.counts).toEqual({ train: 50, validation: 25, test: 25 });
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([50, 25, 25]);
    const all = [...split.train, ...split.validation, ...split.test];
    expect(new Set(all).size).toBe(100);
    expect([...all].sort()).toEqual(ids);
    // A shuffle, not the input order.
    expect(split.train).not.toEqual(ids.slice(0, 50));
  });

  it('is a function of the seed and the id set, not of the input order', () => {
    const split = makeSplit(ids, options);
    expect(makeSplit(ids, options)).toEqual(split);
    expect(makeSplit([...ids].reverse(), options)).toEqual(split);
    const other = makeSplit(ids, { ...options, seed: 1 });
    expect(other.train).not.toEqual(split.train);
    expect([...other.train, ...other.validation, ...other.test].sort()).toEqual(ids);
  });

  it('names both numbers when the split is larger than the corpus', () => {
    const error = catchError(() => makeSplit(ids.slice(0, 60), { ...options, train: 50, validation: 25 }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'split: train 50 + validation 25 = 75 documents, but the corpus has only 60; lower --train or --validation',
    );
  });

  it('allows an empty test part and refuses bad counts or duplicate ids', () => {
    expect(makeSplit(['a', 'b', 'c'], { seed: 3, train: 2, validation: 1 }).counts).toEqual({ train: 2, validation: 1, test: 0 });
    expect(catchError(() => makeSplit(['a', 'b'], { seed: 0, train: -1, validation: 0 })).message).toBe('train: must be a non-negative integer, got -1');
    expect(catchError(() => makeSplit(['a', 'b'], { seed: 0.5, train: 1, validation: 0 })).message).toBe('seed: must be an integer, got 0.5');
    expect(catchError(() => makeSplit(['a', 'b', 'a'], { seed: 0, train: 1, validation: 0 })).message).toBe(
      'documents: duplicate document id "a"; ids must be unique',
    );
  });
});

describe('loadSplit', () => {
  function writeJson(value: unknown): string {
    const file = path.join(folder, 'split.json');
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  }
  const valid: Split = {
    documents: 'corpus.jsonl',
    seed: 4,
    counts: { train: 2, validation: 1, test: 1 },
    train: ['a', 'b'],
    validation: ['c'],
    test: ['d'],
  };

  it('round-trips what writeSplit wrote', () => {
    const file = path.join(folder, 'nested', 'split.json');
    const split = makeSplit(ids, options);
    writeSplit(file, split);
    expect(loadSplit(file)).toEqual(split);
    expect(fs.readFileSync(file, 'utf8').endsWith(']\n}\n')).toBe(true);
    expect(splitPart(split, 'validation')).toEqual(split.validation);
  });

  it('names the file and the field of each problem', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...valid, shuffle: true }, 'shuffle: unknown key; remove it'],
      [{ ...valid, counts: { ...valid.counts, dev: 0 } }, 'counts.dev: unknown key; remove it'],
      [{ ...valid, validation: ['b'] }, 'validation[0]: id "b" is also in train; parts must not overlap'],
      [{ ...valid, train: ['a', 'a'] }, 'train[1]: id "a" is listed twice in train; parts must not overlap'],
      [{ ...valid, counts: { ...valid.counts, test: 3 } }, 'counts.test: says 3 but test lists 1 ids'],
      [{ ...valid, seed: 'zero' }, 'seed: Invalid input: expected number, received string'],
    ];
    for (const [value, problem] of cases) {
      const file = writeJson(value);
      const error = catchError(() => loadSplit(file));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(`${file}: ${problem}`);
    }
  });

  it('reports a missing file and invalid JSON', () => {
    const missing = path.join(folder, 'none.json');
    expect(catchError(() => loadSplit(missing)).message).toBe(
      `${missing}: split file not found; make one with \`autodata split --out FILE\` or use splits/sim-cs.json`,
    );
    const broken = path.join(folder, 'broken.json');
    fs.writeFileSync(broken, '{"documents": ');
    expect(catchError(() => loadSplit(broken)).message.startsWith(`${broken}: not valid JSON (`)).toBe(true);
  });
});

describe('documentsForPart', () => {
  const documents: Document[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id.toUpperCase(), text: `text ${id}`, source: 'test' }));

  it('returns the documents of a part in split order', () => {
    const split = makeSplit(['a', 'b', 'c', 'd'], { seed: 9, train: 2, validation: 1 });
    expect(documentsForPart(documents, split, 'train').map((document) => document.id)).toEqual(split.train);
    expect(documentsForPart(documents, split, 'test')).toEqual(split.test.map((id) => documents.find((document) => document.id === id)));
  });

  it('errors when the split names documents that were not loaded', () => {
    const split = makeSplit(['a', 'b', 'x', 'y'], { documents: 'sim:cs?n=4&seed=0', seed: 0, train: 0, validation: 4 });
    const error = catchError(() => documentsForPart(documents, split, 'validation'));
    expect(error).toBeInstanceOf(ConfigError);
    const firstMissing = split.validation.find((id) => id === 'x' || id === 'y');
    expect(error.message).toBe(
      `split.validation: 2 of 4 ids are not in the documents (first: "${firstMissing}"); the split was made for sim:cs?n=4&seed=0, load those documents`,
    );
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalDocumentsSpec, DEFAULT_DOCUMENTS, parseSimSpec, resolveDocuments } from '../../src/app/resolve-documents.ts';
import { documentsForPart, loadSplit, makeSplit, SPLIT_PARTS } from '../../src/documents/index.ts';
import { ConfigError } from '../../src/errors.ts';
import { catchError } from '../support/catch-error.ts';

let folder: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
});
afterEach(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('sim corpus specs', () => {
  it('parses kind, n and seed with defaults and spells them canonically', () => {
    expect(parseSimSpec('sim:cs?n=12&seed=3')).toEqual({ kind: 'cs', n: 12, seed: 3 });
    expect(parseSimSpec('sim:cs')).toEqual({ kind: 'cs', n: 100, seed: 0 });
    expect(canonicalDocumentsSpec('sim:cs?seed=0')).toBe(DEFAULT_DOCUMENTS);
    expect(canonicalDocumentsSpec('corpus/papers')).toBe('corpus/papers');
  });

  it('refuses unknown kinds and parameters in one line', () => {
    const cases: Array<[string, string]> = [
      ['sim:poetry?n=5', 'sim:poetry?n=5: unknown sim corpus "poetry"; known: sim:cs, sim:verifiable, sim:legal'],
      ['sim:cs?n=5&size=3', 'sim:cs?n=5&size=3: unknown parameter "size"; a sim corpus takes n and seed'],
      ['sim:cs?n=ten', 'sim:cs?n=ten: n must be a non-negative integer, got "ten"'],
      ['sim:cs?n=0', 'sim:cs?n=0: n must be at least 1, got 0'],
      ['sim:?n=3', 'sim:?n=3: malformed sim corpus spec; write it like sim:cs?n=100&seed=0'],
      // Names Object.prototype carries are no corpus kinds.
      ['sim:constructor?n=2', 'sim:constructor?n=2: unknown sim corpus "constructor"; known: sim:cs, sim:verifiable, sim:legal'],
      ['sim:__proto__', 'sim:__proto__: malformed sim corpus spec; write it like sim:cs?n=100&seed=0'],
    ];
    for (const [spec, message] of cases) {
      const error = catchError(() => resolveDocuments(spec));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(message);
    }
  });
});

describe('resolveDocuments', () => {
  it('loads a path through loadDocuments', () => {
    const file = path.join(folder, 'paper.md');
    fs.writeFileSync(file, '# A paper\nbody\n');
    expect(resolveDocuments(folder)).toEqual({
      documents: [{ id: 'paper', title: 'A paper', text: '# A paper\nbody\n', source: file }],
      skipped: [],
    });
  });

  it('generates the default sim corpus with the documented ids and the spec as source', () => {
    const { documents, skipped } = resolveDocuments(DEFAULT_DOCUMENTS);
    expect(skipped).toEqual([]);
    expect(documents.map((document) => document.id)).toEqual(
      Array.from({ length: 100 }, (_, index) => `simcs-${String(index + 1).padStart(4, '0')}`),
    );
    expect(new Set(documents.map((document) => document.source))).toEqual(new Set([DEFAULT_DOCUMENTS]));
    expect(documents.every((document) => document.title.trim() !== '' && document.text.trim() !== '')).toBe(true);
    expect(resolveDocuments('sim:cs?seed=0&n=100')).toEqual({ documents, skipped });
  });
});

describe('splits/sim-cs.json', () => {
  const file = new URL('../../splits/sim-cs.json', import.meta.url).pathname;

  it('is the seed-0 50/25/25 split of the default corpus, as `autodata split` makes it', () => {
    const split = loadSplit(file);
    expect(split.documents).toBe(DEFAULT_DOCUMENTS);
    expect(split.seed).toBe(0);
    expect(split.counts).toEqual({ train: 50, validation: 25, test: 25 });
    const { documents } = resolveDocuments(split.documents);
    expect(makeSplit(documents.map((document) => document.id), { documents: DEFAULT_DOCUMENTS, seed: 0, train: 50, validation: 25 })).toEqual(split);
    for (const part of SPLIT_PARTS) {
      expect(documentsForPart(documents, split, part).map((document) => document.id)).toEqual(split[part]);
    }
  });
});

// `autodata sim corpus --kind K` writes the very documents a `sim:K?n=N&seed=S` spec generates, so a
// folder of them can be read, edited and loaded back like any corpus.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { loadDocuments } from '../../src/documents/index.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;

describe('sim corpus --kind', () => {
  it.each(['legal', 'verifiable'] as const)('writes the %s documents of the matching sim: spec, byte for byte', (kind) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `autodata-corpus-${kind}-`));
    const printed = execFileSync(process.execPath, [bin, 'sim', 'corpus', '--kind', kind, '--n', '3', '--seed', '7', '--out', out], { encoding: 'utf8' });
    expect(printed).toBe(`wrote 3 simulated ${kind} documents to ${out}\n`);
    const expected = resolveDocuments(`sim:${kind}?n=3&seed=7`).documents;
    const loaded = loadDocuments(out).documents;
    expect(loaded.map((document) => document.text).sort()).toEqual(expected.map((document) => document.text).sort());
    // Not the CS papers of the same seed.
    const papers = resolveDocuments('sim:cs?n=3&seed=7').documents.map((document) => document.text);
    expect(loaded.some((document) => papers.includes(document.text))).toBe(false);
  });

  it('refuses an unknown kind as a command-line error (exit 2), writing nothing', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-corpus-bad-')), 'never');
    const result = spawnSync(process.execPath, [bin, 'sim', 'corpus', '--kind', 'poetry', '--out', out], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/poetry/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

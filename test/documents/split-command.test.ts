import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSplit, makeSplit } from '../../src/documents/index.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;

let folder: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
  const corpus = path.join(folder, 'corpus');
  fs.mkdirSync(corpus);
  for (let index = 1; index <= 10; index += 1) fs.writeFileSync(path.join(corpus, `doc-${index}.md`), `# Document ${index}\nbody ${index}\n`);
  fs.writeFileSync(path.join(corpus, 'blank.txt'), '\n');
});
afterEach(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

function run(args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const failure = error as { status: number; stdout: string; stderr: string };
    return { status: failure.status, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('autodata split', () => {
  it('writes a seeded split of a folder and prints a summary', () => {
    const corpus = path.join(folder, 'corpus');
    const out = path.join(folder, 'splits', 'mine.json');
    const result = run(['split', '--documents', corpus, '--seed', '5', '--train', '6', '--validation', '2', '--out', out, '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      out,
      documents: corpus,
      seed: 5,
      counts: { train: 6, validation: 2, test: 2 },
      skipped: [{ source: path.join(corpus, 'blank.txt'), reason: 'empty document' }],
    });
    const ids = Array.from({ length: 10 }, (_, index) => `doc-${index + 1}`);
    expect(loadSplit(out)).toEqual(makeSplit(ids, { documents: corpus, seed: 5, train: 6, validation: 2 }));
  });

  it('fails with one line when the split does not fit the corpus', () => {
    const out = path.join(folder, 'too-big.json');
    const result = run(['split', '--documents', path.join(folder, 'corpus'), '--train', '8', '--validation', '5', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `skipped ${path.join(folder, 'corpus', 'blank.txt')}: empty document\n` +
        'error: split: train 8 + validation 5 = 13 documents, but the corpus has only 10; lower --train or --validation\n',
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSimCorpus } from '../../src/sim/index.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;

describe('autodata generate with documents that cannot be used', () => {
  it('skips them with a reason, runs the rest, and counts the skipped ones in the summary', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'autodata-skipped-'));
    const documentsDir = path.join(dir, 'documents');
    const [first, second] = generateSimCorpus({ n: 2, seed: 3 });
    execFileSync('mkdir', ['-p', documentsDir]);
    writeFileSync(path.join(documentsDir, `${first!.id}.md`), first!.text);
    writeFileSync(path.join(documentsDir, `${second!.id}.md`), second!.text);
    writeFileSync(path.join(documentsDir, 'empty.md'), '   \n');
    writeFileSync(path.join(documentsDir, 'image.txt'), Buffer.from([0, 1, 2, 3, 0, 9]));
    const splitFile = path.join(dir, 'split.json');
    const run = (args: string[]) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    run(['split', '--documents', documentsDir, '--seed', '0', '--train', '0', '--validation', '2', '--out', splitFile]);

    const output = JSON.parse(run(['generate', '--split', splitFile, '--out', path.join(dir, 'run'), '--json'])) as {
      evaluation: { summary: { documents: number } };
      skipped: Array<{ source: string; reason: string }>;
    };

    expect(output.evaluation.summary.documents).toBe(2);
    expect(output.skipped).toEqual([
      { source: path.join(documentsDir, 'empty.md'), reason: 'empty document' },
      { source: path.join(documentsDir, 'image.txt'), reason: 'binary file (contains NUL bytes)' },
    ]);
  });
});

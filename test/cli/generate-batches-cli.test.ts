// `autodata generate --batches K --batch-size N` from the command line: bad combinations stop with
// one line and exit 1 before any call; a batched run prints each batch's pass rate and gap and the
// lessons the learner wrote, and the data card of its export shows them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchPlanFrom } from '../../src/inner/generate-batches.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;
const repoRoot = path.resolve(import.meta.dirname, '../..');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-generate-batches-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function autodata(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('autodata generate --batches', () => {
  it('refuses a bad plan with one line each, and from the command line with exit 1 before any document runs', () => {
    const line = (count: number | undefined, size: number | undefined, available = 25) => {
      try {
        batchPlanFrom({ count, size }, available);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(line(2, undefined)).toBe('--batches: needs --batch-size (how many documents per batch)');
    expect(line(undefined, 3)).toBe('--batch-size: needs --batches (how many batches to run)');
    expect(line(0, 3)).toBe('--batches: must be a positive integer, got 0');
    expect(line(2, 1.5)).toBe('--batch-size: must be a positive integer, got 1.5');
    expect(line(3, 10)).toBe('--batches: 3 batches of 10 need 30 documents; only 25 are selected (the split part, or the first --limit of it)');
    expect(line(2, 10)).toBe('accepted');
    expect(batchPlanFrom({ count: undefined, size: undefined }, 25)).toBeUndefined();

    const out = path.join(temp, 'refused');
    for (const [args, expected] of [
      [['--batches', '2'], 'error: --batches: needs --batch-size (how many documents per batch)'],
      [['--batches', '2', '--batch-size', '2', '--limit', '3'], 'error: --batches: 2 batches of 2 need 4 documents; only 3 are selected (the split part, or the first --limit of it)'],
    ] as Array<[string[], string]>) {
      const run = autodata(['generate', '--part', 'validation', '--out', out, ...args]);
      expect(run.stderr.trim(), args.join(' ')).toBe(expected);
      expect(run.status).toBe(1);
    }
    expect(fs.existsSync(out)).toBe(false);
  }, 30_000);

  it('prints pass rate and gap per batch with the lessons, and the data card shows them', () => {
    const out = path.join(temp, 'run');
    const run = autodata(['generate', '--part', 'validation', '--batches', '2', '--batch-size', '2', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const table = run.stdout.slice(run.stdout.indexOf('batches (the learner'));
    const rows = table.split('\n').filter((line) => /^\s+[12]\s+\d-\d\s/.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\s+1\s+1-2\s+no\s+\d\/2\s+(\d\.\d{3}|-)\s+(\d\.\d{3}|-)\s+\d+$/);
    expect(rows[1]).toMatch(/^\s+2\s+3-4\s+yes\s+\d\/2\s+(\d\.\d{3}|-)\s+(\d\.\d{3}|-)\s+\d+$/);
    const stored = JSON.parse(fs.readFileSync(path.join(out, 'learnings', 'batch-1.json'), 'utf8')) as { learnings: Array<{ lesson: string }> };
    for (const entry of stored.learnings) expect(run.stdout).toContain(`  - ${entry.lesson}`);

    const exported = autodata(['export', out, '--out', path.join(temp, 'export')]);
    expect(exported.status, exported.stderr).toBe(0);
    const card = fs.readFileSync(path.join(temp, 'export', 'DATA_CARD.md'), 'utf8');
    expect(card).toContain('## Learnings between batches');
    for (const entry of stored.learnings) expect(card).toContain(entry.lesson);
  }, 60_000);
});

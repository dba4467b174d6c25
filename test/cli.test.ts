import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../bin/autodata.js', import.meta.url).pathname;

describe('autodata CLI', () => {
  it('prints its version through the bin that npm installs', () => {
    const output = execFileSync(process.execPath, [bin, 'about'], { encoding: 'utf8' });
    expect(output).toMatch(/^autodata \d+\.\d+\.\d+ \(node v20\./);
  });

  it('exits non-zero with a usage line on an unknown command', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'no-such-command'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      stderr = failure.stderr;
    }
    expect(status).toBe(2);
    expect(stderr).toContain('Unknown argument: no-such-command');
  });

  it('stops at a missing argument with the usage line and exit 2, never running the command', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'show'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      stderr = failure.stderr;
    }
    expect(status).toBe(2);
    expect(stderr).toBe('Not enough non-option arguments: got 0, need at least 2\nRun with --help for usage.\n');
  });

  it('prints every problem of an invalid experiment config, each naming its field, and exits 1', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
    const file = path.join(folder, 'three-problems.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'x', endpoints: 'sim', seed: -1, inner: { documentConcurency: 2 }, outer: { parentSelection: { kind: 'roulette' } } }));
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'evolve', file, '--out', path.join(folder, 'run')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      stderr = failure.stderr;
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
    expect(status).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `error: experiment.seed: must be >= 0 (in ${file}), and 2 more problem(s):`,
      '  experiment.inner.documentConcurency: unknown key; check the spelling or remove it',
      "  experiment.outer.parentSelection.kind: Invalid discriminator value. Expected 'boltzmann' | 'greedy' | 'uniform' | 'tournament'",
    ]);
  });
});

import { execFileSync } from 'node:child_process';
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
});

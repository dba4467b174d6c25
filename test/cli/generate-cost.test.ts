// `autodata generate` on a priced endpoints file (the in-process sim): the total, per accepted
// example and per role, each saying that cache hits are free; none of it without a price.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;
const repoRoot = path.resolve(import.meta.dirname, '../..');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-generate-cost-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function generate(endpoints: string, out: string): string {
  return execFileSync(
    process.execPath,
    [bin, 'generate', '--split', 'splits/sim-cs.json', '--limit', '2', '--endpoints', endpoints, '--out', out],
    { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe('autodata generate with prices', () => {
  it('prints the cost in total, per accepted example and per role; a rerun pays nothing more', () => {
    const endpoints = path.join(temp, 'priced.yaml');
    fs.writeFileSync(
      endpoints,
      'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\n  price: { input: 0.60, cachedInput: 0.15, output: 2.50 }\n' +
        'weakSolver:\n  model: sim-weak\nstrongSolver:\n  model: sim-strong\n',
    );
    const out = path.join(temp, 'run');
    const first = generate(endpoints, out);
    const total = /^cost (\$\S+), (?:(\$\S+) per accepted example|no accepted example yet) \(cache hits free(?:: \d+)?\) in this run folder$/m.exec(first);
    expect(total, first).not.toBeNull();
    expect(first).toMatch(/^cost per role:$/m);
    for (const role of ['challenger', 'qualityVerifier', 'weakSolver', 'strongSolver', 'judge']) {
      expect(first).toMatch(new RegExp(`^  ${role}: \\$\\S+ over \\d+ paid calls \\(cache hits free(: \\d+)?\\)$`, 'm'));
    }
    // A rerun reuses the stored documents: nothing more is paid, and the figures stay the same.
    const second = generate(endpoints, out);
    expect(/^cost (\$\S+), .* in this run folder$/m.exec(second)?.[1]).toBe(total![1]);
  }, 120_000);

  it('prints no cost line when no role has a price', () => {
    const output = generate(path.join(repoRoot, 'experiments/sim-servers.endpoints.yaml'), path.join(temp, 'unpriced'));
    expect(output).not.toMatch(/^cost/m);
  }, 120_000);
});

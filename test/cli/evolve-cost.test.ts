// `autodata evolve` with prices and budgets.usd: the stop line names usd-budget and shows the cost,
// and the final lines on stdout repeat it, per accepted example, saying that cache hits are free.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, repoRoot, writeTinyExperiment } from '../outer/support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-evolve-cost-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('autodata evolve with budgets.usd', () => {
  it('stops with usd-budget and prints the cost on its last lines', () => {
    const endpoints = path.join(temp, 'priced.yaml');
    fs.writeFileSync(
      endpoints,
      'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\n  price: { input: 0.60, output: 2.50 }\n' +
        'weakSolver:\n  model: sim-weak\nstrongSolver:\n  model: sim-strong\n',
    );
    const file = writeTinyExperiment(temp, 'usd-cli', { endpoints, budgets: { usd: 0.000001 } });
    const run = spawnSync(process.execPath, [bin, 'evolve', file, '--out', path.join(temp, 'run')], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^stopped \(usd-budget\) \| .*, cost \$\S+, .* \(cache hits free(: \d+)?\)$/m);
    expect(run.stdout).toMatch(/^cost \$\S+, (\$\S+ per accepted example|no accepted example yet) \(cache hits free(: \d+)?\)$/m);
  }, 120_000);
});

// `compare --oracle N`: each run's best candidate and baseline get the sim's true pass rate, each
// harness estimated once, and the means and paired differences include them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../src/harness/index.ts';
import { compareRuns } from '../../src/workflow/compare.ts';
import { formatComparison } from '../../src/workflow/compare-text.ts';
import { addOracleMetrics } from '../../src/workflow/oracle-metrics.ts';
import { bin, loadTiny, repoRoot, runInProcess, writeTinyExperiment } from '../outer/support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-oracle-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
const runDirs = [path.join(temp, 'seed1'), path.join(temp, 'seed2')];

beforeAll(async () => {
  const outer = { iterations: 2, concurrentIterations: 2, trainMinibatchSize: 2, validationLimit: 3, implementerRetries: 1, finalTest: false };
  for (const [index, runDir] of runDirs.entries()) {
    await runInProcess(loadTiny(writeTinyExperiment(temp, `oracle-${index + 1}`, { seed: index + 1, outer })), runDir);
  }
}, 120_000);

describe('oracle metrics', () => {
  it('estimates each harness once and folds the figures into the means', async () => {
    const asked = new Map<string, number>();
    // A stand-in for the sim's oracle with known answers: the baseline 0.5, any other harness 0.75.
    const baselineHash = (await import('../../src/harness/index.ts')).loadHarness(path.join(repoRoot, 'baselines/agentic-self-instruct')).contentHash;
    const oracle = async (harness: Harness) => {
      asked.set(harness.contentHash, (asked.get(harness.contentHash) ?? 0) + 1);
      return harness.contentHash === baselineHash ? 0.5 : 0.75;
    };
    const comparison = await addOracleMetrics(compareRuns(runDirs), oracle, repoRoot);
    const [arm] = comparison.arms;
    expect(arm!.runs).toHaveLength(2);
    for (const run of arm!.runs) {
      expect(run.oracleBaseline).toBe(0.5);
      expect(run.oracleBest).toBe(run.bestCandidateId === 'c0000' ? 0.5 : 0.75);
    }
    expect(asked.get(baselineHash)).toBe(1);
    expect([...asked.values()].every((count) => count === 1)).toBe(true);
    const bests = arm!.runs.map((run) => run.oracleBest!);
    expect(arm!.metrics.oracleBest.mean).toBeCloseTo((bests[0]! + bests[1]!) / 2, 12);
    expect(arm!.metrics.oracleBaseline).toMatchObject({ n: 2, mean: 0.5 });
    expect(formatComparison(comparison)).toContain("oracle (the sim's true expected validation pass rate)");
  });

  it('runs the real oracle through the CLI', () => {
    const output = execFileSync(process.execPath, [bin, 'compare', runDirs[0]!, '--oracle', '5', '--json'], { cwd: repoRoot, encoding: 'utf8' });
    const [arm] = JSON.parse(output).arms as Array<{ runs: Array<{ oracleBest: number; oracleBaseline: number }> }>;
    const [run] = arm!.runs;
    for (const value of [run!.oracleBest, run!.oracleBaseline]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  }, 120_000);
});

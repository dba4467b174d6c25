// `compare --oracle N`: each run's best candidate and baseline get the sim's true pass rate, each
// harness estimated once, and the means and paired differences include them. `--acceptance-errors`:
// each accepted or rejected child against its parent by the oracle, per run, per arm and pooled.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../src/harness/index.ts';
import { listCandidates, listIterations } from '../../src/outer/population-store.ts';
import { readRun } from '../../src/outer/inspect-run.ts';
import { compareRuns } from '../../src/workflow/compare.ts';
import { formatComparison } from '../../src/workflow/compare-text.ts';
import { meanInterval } from '../../src/workflow/intervals.ts';
import { addAcceptanceErrors, addOracleMetrics, memoizeOracle, oracleHalfWidth, type AcceptanceErrors } from '../../src/workflow/oracle-metrics.ts';
import { bin, loadTiny, repoRoot, runInProcess, writeTinyExperiment } from '../outer/support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-oracle-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
// Seed 8 accepts two children (the second of them below its parent by the known answers further
// down: a false accept) and rejects one; seed 1 rejects all three. Pinned after the sim's retune
// (26e634c), under which seed 1 no longer accepts a child and seed 2 accepts one.
const seeds = [8, 1];
const runDirs = seeds.map((seed) => path.join(temp, `seed${seed}`));

beforeAll(async () => {
  const outer = { iterations: 3, concurrentIterations: 2, trainMinibatchSize: 2, validationLimit: 3, implementerRetries: 1, finalTest: false };
  for (const [index, runDir] of runDirs.entries()) {
    await runInProcess(loadTiny(writeTinyExperiment(temp, `oracle-${index + 1}`, { seed: seeds[index]!, outer })), runDir);
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

  it('counts each accepted and rejected child against its parent by the oracle, with the margin', async () => {
    const { loadHarness } = await import('../../src/harness/index.ts');
    const baselineHash = loadHarness(path.join(repoRoot, 'baselines/agentic-self-instruct')).contentHash;
    // Known answers: the baseline 0.5, every other harness the next value of this list, in the order
    // of the runs' candidates (0.58 is above 0.5 but within the margin of 0.1).
    const values = [0.8, 0.4, 0.62, 0.3, 0.9, 0.58, 0.7, 0.2, 0.95, 0.55];
    const truth = new Map<string, number>([[baselineHash, 0.5]]);
    const hashOf = runDirs.map((runDir) => new Map(readRun(runDir, listCandidates).map((candidate) => [candidate.id, candidate.contentHash ?? baselineHash])));
    for (const hashes of hashOf) for (const hash of hashes.values()) if (!truth.has(hash)) truth.set(hash, values[truth.size - 1]!);
    const asked = new Map<string, number>();
    const oracle = memoizeOracle(async (harness: Harness) => {
      asked.set(harness.contentHash, (asked.get(harness.contentHash) ?? 0) + 1);
      return truth.get(harness.contentHash)!;
    });
    const margin = 0.1;
    const withOracle = await addOracleMetrics(compareRuns(runDirs), oracle, repoRoot);
    const comparison = await addAcceptanceErrors(withOracle, oracle, { margin, marginSource: 'test', episodes: 7, cwd: repoRoot });
    const errors = comparison.acceptanceErrors as AcceptanceErrors;

    // What the counts must be, straight from the records and the known answers.
    const expected = runDirs.map((runDir, index) => {
      const decided = readRun(runDir, listIterations).filter((record) => record.decision === 'accepted' || record.decision === 'rejected');
      const better = (record: (typeof decided)[number]) => truth.get(hashOf[index]!.get(record.childId!)!)! > truth.get(hashOf[index]!.get(record.parentId)!)! + margin;
      const count = (decision: string, truly: boolean) => decided.filter((record) => record.decision === decision && better(record) === truly).length;
      return { acceptedBetter: count('accepted', true), acceptedNotBetter: count('accepted', false), rejectedBetter: count('rejected', true), rejectedNotBetter: count('rejected', false) };
    });
    // The runs give the rule something to get right and wrong (else this test could not fail).
    const total = (key: keyof (typeof expected)[number]) => expected.reduce((sum, counts) => sum + counts[key], 0);
    expect(total('acceptedBetter') + total('acceptedNotBetter')).toBeGreaterThan(0);
    expect(total('rejectedBetter') + total('rejectedNotBetter')).toBeGreaterThan(0);
    expect(total('acceptedNotBetter') + total('rejectedBetter')).toBeGreaterThan(0);
    expect(total('acceptedBetter') + total('rejectedNotBetter')).toBeGreaterThan(0);

    expect(errors.margin).toBe(margin);
    expect(errors.arms).toHaveLength(1);
    const [arm] = errors.arms;
    expect(arm!.runs.map((run) => run.counts)).toEqual(expected);
    const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);
    const falseAccept = expected.map((counts) => rate(counts.acceptedNotBetter, counts.acceptedBetter + counts.acceptedNotBetter));
    const falseReject = expected.map((counts) => rate(counts.rejectedBetter, counts.rejectedBetter + counts.rejectedNotBetter));
    expect(arm!.runs.map((run) => run.falseAcceptRate)).toEqual(falseAccept);
    expect(arm!.runs.map((run) => run.falseRejectRate)).toEqual(falseReject);
    expect(arm!.falseAcceptRate).toEqual(meanInterval(falseAccept));
    expect(arm!.falseRejectRate).toEqual(meanInterval(falseReject));
    expect(arm!.pooled).toEqual({
      acceptedBetter: total('acceptedBetter'), acceptedNotBetter: total('acceptedNotBetter'),
      rejectedBetter: total('rejectedBetter'), rejectedNotBetter: total('rejectedNotBetter'),
      falseAcceptRate: rate(total('acceptedNotBetter'), total('acceptedBetter') + total('acceptedNotBetter')),
      falseRejectRate: rate(total('rejectedBetter'), total('rejectedBetter') + total('rejectedNotBetter')),
    });
    for (const run of arm!.runs) {
      for (const verdict of run.iterations) {
        expect(verdict.oracleChild - verdict.oracleParent > margin).toBe(verdict.trulyBetter);
      }
    }

    // Every harness estimated once across both steps: best candidates, baselines, parents, children.
    expect([...asked.values()].every((count) => count === 1)).toBe(true);
    expect(asked.get(baselineHash)).toBe(1);
    expect(errors.harnessesEstimated).toBe(asked.size);
    expect(oracle.estimated()).toBe(asked.size);

    const text = formatComparison(comparison);
    const table = text.indexOf('acceptance rule vs the oracle');
    expect(table).toBeGreaterThan(text.indexOf("oracle (the sim's true expected validation pass rate)"));
    expect(table).toBeLessThan(text.indexOf('\niterations\n'));
    expect(text).toContain(`${total('acceptedBetter')} / ${total('acceptedNotBetter')}`);
    expect(text).toContain('oracle(child) > oracle(parent) + 0.100 (test)');
    expect(text).toContain('the oracle is itself an estimate');
  });

  it('takes the default margin as half the oracle\'s 95% interval width at N episodes', () => {
    expect(oracleHalfWidth(100)).toBeCloseTo(0.098, 12);
    expect(oracleHalfWidth(400)).toBeCloseTo(0.049, 12);
  });

  // One CLI call runs the real oracle for both steps (a separate `compare --oracle N` call for the
  // first step alone cost as much again and checked a subset of this).
  it('runs the real oracle through the CLI and measures the acceptance errors with it', () => {
    const output = execFileSync(process.execPath, [bin, 'compare', ...runDirs, '--oracle', '3', '--acceptance-errors', '--json'], { cwd: repoRoot, encoding: 'utf8' });
    const comparison = JSON.parse(output) as { arms: Array<{ runs: Array<{ runDir: string; accepted: number; rejected: number; oracleBest: number; oracleBaseline: number }> }>; acceptanceErrors: AcceptanceErrors };
    for (const run of comparison.arms[0]!.runs) {
      for (const value of [run.oracleBest, run.oracleBaseline]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    const errors = comparison.acceptanceErrors;
    expect(errors.margin).toBeCloseTo(oracleHalfWidth(3), 12);
    expect(errors.marginSource).toMatch(/half the oracle's 95% interval width at 3 episodes/);
    expect(errors.episodes).toBe(3);
    const [arm] = errors.arms;
    expect(arm!.runs.map((run) => run.runDir)).toEqual(runDirs);
    for (const [index, run] of arm!.runs.entries()) {
      const metrics = comparison.arms[0]!.runs[index]!;
      const { acceptedBetter, acceptedNotBetter, rejectedBetter, rejectedNotBetter } = run.counts;
      expect(acceptedBetter + acceptedNotBetter).toBe(metrics.accepted);
      expect(rejectedBetter + rejectedNotBetter).toBe(metrics.rejected);
      for (const verdict of run.iterations) {
        for (const value of [verdict.oracleChild, verdict.oracleParent]) expect(value).toBeGreaterThanOrEqual(0);
        expect(verdict.trulyBetter).toBe(verdict.oracleChild > verdict.oracleParent + errors.margin);
        if (verdict.parentId === 'c0000') expect(verdict.oracleParent).toBe(metrics.oracleBaseline);
      }
    }
    const refused = spawnSync(process.execPath, [bin, 'compare', runDirs[0]!, '--acceptance-errors'], { cwd: repoRoot, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/--acceptance-errors.*needs --oracle N/);
  }, 120_000);
});

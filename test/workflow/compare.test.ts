// compare over a real small ablation: tiny evolve runs on the in-process sim as its cells (2 arms x
// seeds 1 and 2, completed; seed 3 not started in one arm and interrupted in the other), checked
// against the runs read one by one through the outer loop's own readers.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import type { ExperimentInput } from '../../src/config/experiment.ts';
import { finalTestFromStore } from '../../src/outer/final-test.ts';
import { curvePoints, runStatus } from '../../src/outer/inspect-run.ts';
import { runEvolution } from '../../src/outer/run-evolution.ts';
import { openStore, recordRun, type Store } from '../../src/store/index.ts';
import { writeAblationManifest, type AblationManifest } from '../../src/workflow/ablation-manifest.ts';
import { compare, compareAblation, compareRuns, DIFFERENCE_KEYS } from '../../src/workflow/compare.ts';
import { formatComparison } from '../../src/workflow/compare-text.ts';
import { readRunMetrics } from '../../src/workflow/run-metrics.ts';
import { bin, loadTiny, runInProcess, writeTinyExperiment } from '../outer/support.ts';

const T_975_DF1 = 12.706204736174698;
// The sim's seed of every run here: on it the smaller minibatch of arm a2 costs fewer calls at both seeds
// (1455 vs 1565 and 1179 vs 1564 calls), so 'the arms really differ' is not a coin toss of two runs.
const SIM_SEED = 2;

function outer(trainMinibatchSize: number, historyLimit = 40): NonNullable<ExperimentInput['outer']> {
  return {
    iterations: 2,
    concurrentIterations: 2,
    trainMinibatchSize,
    validationLimit: 3,
    parentSelection: { kind: 'boltzmann', temperature: 0.1 },
    acceptance: { kind: 'strict' },
    implementerRetries: 1,
    historyLimit,
    finalTest: true,
    testLimit: 2,
  };
}

/** What one run says about itself, read without the code under test. */
interface Independent {
  bestValidation: number;
  testBest: number;
  testBaseline: number;
  iterationsDone: number;
  accepted: number;
  rejected: number;
  calls: number;
  tokens: number;
  wallTimeSeconds: number;
}

function readStore<T>(runDir: string, read: (store: Store) => T): T {
  const store = openStore(path.join(runDir, 'run.sqlite'), { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

function independent(runDir: string): Independent {
  return readStore(runDir, (store) => {
    const status = runStatus(store);
    const finalTest = finalTestFromStore(store)!;
    return {
      bestValidation: status.best!.score,
      testBest: finalTest.best.passRate,
      testBaseline: finalTest.baseline.passRate,
      iterationsDone: status.iterationsDone,
      accepted: status.iterations.filter((record) => record.decision === 'accepted').length,
      rejected: status.iterations.filter((record) => record.decision === 'rejected').length,
      calls: status.calls,
      tokens: status.tokens,
      wallTimeSeconds: (Date.parse(status.run.finishedAt!) - Date.parse(status.run.createdAt)) / 1000,
    };
  });
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('compare', () => {
  let temp: string;
  let ablationDir: string;
  const cellDir = (arm: string, seed: number) => path.join(ablationDir, `${arm}-s${seed}`);
  let historyRunDir: string;

  beforeAll(async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-compare-'));
    ablationDir = path.join(temp, 'populations', 'abl');
    fs.mkdirSync(ablationDir, { recursive: true });
    const arms = [
      { id: 'a1', size: 2 },
      { id: 'a2', size: 1 },
    ];
    const cells: AblationManifest['cells'] = [];
    for (const arm of arms) {
      for (const seed of [1, 2, 3]) {
        const name = `abl-${arm.id}-s${seed}`;
        const file = writeTinyExperiment(ablationDir, `${arm.id}-s${seed}`, { name, outer: outer(arm.size), simSeed: SIM_SEED });
        cells.push({ arm: arm.id, seed, runDir: `${arm.id}-s${seed}`, experimentFile: path.basename(file) });
        if (seed < 3) await runInProcess(loadTiny(file, { seed }), cellDir(arm.id, seed));
      }
    }
    // a1 seed 3 is never started; a2 seed 3 is stopped (as by Ctrl-C) right after its baseline.
    const interrupted = loadTiny(path.join(ablationDir, 'a2-s3.json'), { seed: 3 });
    const stopped = new AbortController();
    stopped.abort();
    await runEvolution({
      experiment: interrupted,
      documents: resolveDocuments(interrupted.paths.documents).documents,
      runDir: cellDir('a2', 3),
      resume: false,
      signal: stopped.signal,
      createLlm: (store) => createAppLlm({ endpoints: defaultSimEndpoints(), store, simSeed: interrupted.config.simSeed, cacheMode: 'use' }),
    });
    writeAblationManifest(ablationDir, {
      kind: 'ablation',
      name: 'abl',
      experiment: 'base.json',
      seeds: [1, 2, 3],
      vary: [{ key: 'outer.trainMinibatchSize', values: [2, 1] }],
      arms: arms.map((arm) => ({ id: arm.id, label: `outer.trainMinibatchSize=${arm.size}`, values: [{ key: 'outer.trainMinibatchSize', value: arm.size }] })),
      cells,
      createdAt: new Date().toISOString(),
    });
    // A run like a1 seed 1 but for the analyzer's history: another arm, not another seed.
    historyRunDir = path.join(temp, 'populations', 'hist0');
    const historyFile = writeTinyExperiment(temp, 'hist0', { name: 'hist0', outer: outer(2, 0), simSeed: SIM_SEED });
    await runInProcess(loadTiny(historyFile, { seed: 1 }), historyRunDir);
  }, 300_000);

  afterAll(() => {
    fs.rmSync(temp, { recursive: true, force: true });
  });

  it('averages each arm over its completed seeds, as the runs report themselves', () => {
    const comparison = compareAblation(ablationDir);
    expect(comparison.arms.map((arm) => [arm.id, arm.label, arm.seeds])).toEqual([
      ['a1', 'outer.trainMinibatchSize=2', [1, 2]],
      ['a2', 'outer.trainMinibatchSize=1', [1, 2]],
    ]);
    for (const arm of comparison.arms) {
      const runs = [1, 2].map((seed) => independent(cellDir(arm.id, seed)));
      for (const key of Object.keys(runs[0]!) as Array<keyof Independent>) {
        expect(arm.metrics[key].n, `${arm.id} ${key}`).toBe(2);
        expect(arm.metrics[key].mean, `${arm.id} ${key}`).toBeCloseTo(mean(runs.map((run) => run[key])), 9);
      }
      // Tokens per role add up to the run's paid tokens.
      for (const run of arm.runs.filter((entry) => entry.included)) {
        expect(Object.values(run.tokensByRole).reduce((sum, tokens) => sum + tokens, 0)).toBe(run.tokens);
        expect(Object.keys(run.tokensByRole)).toContain('analyzer');
      }
      const analyzer = arm.runs.filter((run) => run.included).map((run) => run.tokensByRole.analyzer!);
      expect(arm.tokensByRole.analyzer!.mean).toBeCloseTo(mean(analyzer), 9);
    }
    // The arms really differ: a smaller training minibatch costs fewer calls.
    expect(comparison.arms[1]!.metrics.calls.mean!).toBeLessThan(comparison.arms[0]!.metrics.calls.mean!);
    expect(comparison.warnings).toEqual([]);
  });

  it('reports the paired difference as the mean of the per-seed differences', () => {
    const comparison = compareAblation(ablationDir);
    expect(comparison.differences.map((difference) => difference.label)).toEqual(['a2 - a1']);
    const [difference] = comparison.differences;
    // Without --oracle the oracle's difference has no pairs; the others are checked by hand.
    expect(difference!.metrics.oracleBest.pairs).toBe(0);
    for (const key of DIFFERENCE_KEYS.filter((entry) => entry !== 'oracleBest')) {
      const perSeed = [1, 2].map((seed) => independent(cellDir('a2', seed))[key] - independent(cellDir('a1', seed))[key]);
      const sd = Math.abs(perSeed[0]! - perSeed[1]!) / Math.SQRT2;
      expect(difference!.metrics[key].pairs, key).toBe(2);
      expect(difference!.metrics[key].mean, key).toBeCloseTo(mean(perSeed), 9);
      const half = (T_975_DF1 * sd) / Math.SQRT2;
      const width = difference!.metrics[key].high! - difference!.metrics[key].mean!;
      expect(Math.abs(width - half), key).toBeLessThan(1e-9 * Math.max(1, half));
    }
    expect(difference!.metrics.calls.mean).not.toBe(0);
  });

  it('lists the cells that did not complete and leaves them out', () => {
    const comparison = compareAblation(ablationDir);
    expect(comparison.incomplete).toEqual([
      { arm: 'a1', seed: 3, runDir: cellDir('a1', 3), status: 'not started', iterationsDone: 0, iterationsPlanned: null },
      { arm: 'a2', seed: 3, runDir: cellDir('a2', 3), status: 'interrupted', iterationsDone: 0, iterationsPlanned: 2 },
    ]);
    const stopped = comparison.arms[1]!.runs.find((run) => run.pairingSeed === 3)!;
    // It holds the baseline, yet it is not in the means.
    expect(stopped.bestValidation).not.toBeNull();
    expect(stopped.included).toBe(false);
    expect(comparison.arms[1]!.runs).toHaveLength(3);
    const text = formatComparison(comparison);
    expect(text).toContain('left out of the means (not completed): 2');
    expect(text).toContain(`  a1 seed 3: not started (${cellDir('a1', 3)})`);
    expect(text).toContain(`  a2 seed 3: interrupted, 0/2 iterations (${cellDir('a2', 3)})`);
  });

  it('counts iterations to a threshold from the best-so-far curve', () => {
    const target = independent(cellDir('a1', 1)).bestValidation;
    const comparison = compareAblation(ablationDir, { threshold: target });
    const run = comparison.arms[0]!.runs.find((entry) => entry.pairingSeed === 1)!;
    const curve = readStore(cellDir('a1', 1), curvePoints);
    expect(run.iterationsToThreshold).toBe(curve.find((point) => point.best >= target)!.iteration);
    expect(compareAblation(ablationDir, { threshold: 0 }).arms[0]!.metrics.iterationsToThreshold).toMatchObject({ n: 2, mean: 0 });
    expect(compareAblation(ablationDir, { threshold: 1.01 }).arms[0]!.metrics.iterationsToThreshold).toMatchObject({ n: 0, mean: null });
  });

  it('prints the same structure through the CLI, and tables as text', () => {
    const printed = execFileSync(process.execPath, [bin, 'compare', 'abl', '--json'], { cwd: temp, encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual(JSON.parse(JSON.stringify(compare(['abl'], { cwd: temp }))));
    const text = execFileSync(process.execPath, [bin, 'compare', 'abl', '--threshold', '0.5'], { cwd: temp, encoding: 'utf8' });
    const lines = text.split('\n');
    const a2 = compareAblation(ablationDir).arms[1]!;
    const header = lines.findIndex((line) => line.startsWith('arm  label'));
    expect(lines[header]).toMatch(/^arm  label +n  best validation +test: best +test: baseline$/);
    expect(lines[header + 3]).toMatch(new RegExp(`^a2   outer\\.trainMinibatchSize=1  2  ${a2.metrics.bestValidation.mean!.toFixed(3)} \\[`));
    expect(text).toContain('\npaired differences by seed (arm minus the first arm)\n');
    expect(lines.some((line) => line.startsWith('a2 - a1     outer.trainMinibatchSize=1      2  '))).toBe(true);
    expect(text).toContain('to 0.5');
    expect(text).toContain('\nintervals: 95% Student t interval on the mean (df = n - 1); n = completed runs (seeds) of the arm\n');
  });

  it('names what exists when the name is unknown', () => {
    const result = spawnSync(process.execPath, [bin, 'compare', 'nosuch'], { cwd: temp, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: nosuch: no ablation or run of that name; populations/ holds ablations: abl; runs: hist0\n');
  });

  it('takes runs identical but for seed as seeds of one arm', () => {
    const comparison = compareRuns([cellDir('a1', 1), cellDir('a1', 2)]);
    expect(comparison.warnings).toEqual([]);
    expect(comparison.arms).toHaveLength(1);
    expect(comparison.arms[0]!.seeds).toEqual([1, 2]);
    expect(comparison.arms[0]!.label).toBe('abl-a1-s1, abl-a1-s2');
    expect(comparison.arms[0]!.metrics).toEqual(compareAblation(ablationDir).arms[0]!.metrics);
    expect(comparison.differences).toEqual([]);
  });

  it('takes runs that differ in more than seed as arms, and says in what', () => {
    const comparison = compare([cellDir('a1', 1), 'hist0'], { cwd: temp });
    expect(comparison.arms.map((arm) => arm.label)).toEqual(['outer.historyLimit=40', 'outer.historyLimit=0']);
    expect(comparison.warnings).toEqual(['the runs differ in more than seed and name: outer.historyLimit; compared as 2 arms']);
    expect(comparison.differences[0]!.metrics.bestValidation.pairs).toBe(1);
  });

  it('warns when the arms of an ablation differ in more than their varied keys', () => {
    const mislabelled = path.join(temp, 'populations', 'mislabelled');
    writeAblationManifest(mislabelled, {
      kind: 'ablation',
      name: 'mislabelled',
      experiment: 'base.json',
      seeds: [1],
      vary: [{ key: 'outer.acceptance.kind', values: ['strict', 'paired-test'] }],
      arms: [
        { id: 'a1', label: 'outer.acceptance.kind=strict', values: [{ key: 'outer.acceptance.kind', value: 'strict' }] },
        { id: 'a2', label: 'outer.acceptance.kind=paired-test', values: [{ key: 'outer.acceptance.kind', value: 'paired-test' }] },
      ],
      cells: [
        { arm: 'a1', seed: 1, runDir: '../abl/a1-s1', experimentFile: '../abl/a1-s1.json' },
        { arm: 'a2', seed: 1, runDir: '../hist0', experimentFile: '../hist0.json' },
      ],
      createdAt: new Date().toISOString(),
    });
    expect(compare(['mislabelled'], { cwd: temp }).warnings).toEqual(['arms differ in more than the varied keys: outer.historyLimit (a2 vs a1)']);
  });

  it('reads a run folder with an empty store, or a run recorded but no iteration yet, without failing', () => {
    const empty = path.join(temp, 'empty');
    openStore(path.join(empty, 'run.sqlite')).close();
    expect(readRunMetrics(empty).metrics).toMatchObject({ status: 'not started', iterationsDone: 0, bestValidation: null, calls: 0 });
    const fresh = path.join(temp, 'fresh');
    const store = openStore(path.join(fresh, 'run.sqlite'));
    recordRun(store, { id: 'fresh', kind: 'evolve', name: 'fresh', config: { name: 'fresh', seed: 5, outer: { iterations: 4 } }, seed: 5 });
    store.close();
    expect(readRunMetrics(fresh, { threshold: 0.5 }).metrics).toMatchObject({
      status: 'running', seed: 5, iterationsPlanned: 4, iterationsDone: 0, bestValidation: null, testBest: null, iterationsToThreshold: null, tokensByRole: {}, wallTimeSeconds: null,
    });
    const comparison = compareRuns([fresh]);
    expect(comparison.incomplete).toEqual([{ arm: 'a1', seed: 5, runDir: fresh, status: 'running', iterationsDone: 0, iterationsPlanned: 4 }]);
    expect(formatComparison(comparison)).toContain(`  a1 seed 5: running, 0/4 iterations (${fresh})`);
  });
});

// An ablation on the in-process sim: the matrix recorded as a whole, every cell an ordinary run
// (its experiment file runs alone and gives the same population), --resume finishing only what is
// missing, and kill -9 of the whole process losing nothing.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/experiment.ts';
import { ConfigError } from '../../src/errors.ts';
import { runAblation, type AblateOptions, type AblateResult } from '../../src/workflow/ablate.ts';
import { cellRunDir, readAblationManifest } from '../../src/workflow/ablation-manifest.ts';
import { parseVary } from '../../src/workflow/vary.ts';
import { paidUsage } from '../../src/llm/paid-usage.ts';
import { openStore } from '../../src/store/index.ts';
import { bin, repoRoot, runInProcess, snapshotPopulation, writeTinyExperiment } from '../outer/support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-ablate-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const tinyOuter = {
  iterations: 2, concurrentIterations: 2, trainMinibatchSize: 2, validationLimit: 3,
  parentSelection: { kind: 'boltzmann' as const, temperature: 0.1 }, acceptance: { kind: 'strict' as const }, implementerRetries: 1, finalTest: false,
};

function options(dir: string, file: string, changes: Partial<AblateOptions> = {}): AblateOptions {
  return {
    experimentFile: file,
    seeds: [1, 2],
    vary: [parseVary('outer.parentSelection.kind=boltzmann,greedy')],
    dir,
    name: path.basename(dir),
    parallel: 2,
    resume: false,
    ...changes,
  };
}

// One uninterrupted 2 arms x 2 seeds matrix of one-iteration cells, shared by every test below:
// the first reads it, the others reach it (or its seed-1 cells) another way and compare.
const file = writeTinyExperiment(temp, 'base', { outer: { ...tinyOuter, iterations: 1 } });
const referenceDir = path.join(temp, 'reference');
let reference: AblateResult;
beforeAll(async () => {
  reference = await runAblation(options(referenceDir, file));
}, 240_000);

describe('ablate', () => {
  it('runs arms x seeds as ordinary runs, each reproducible alone, and --resume finishes only what is missing', async () => {
    const dir = referenceDir;
    const manifest = readAblationManifest(dir);
    expect(manifest.arms.map((arm) => arm.label)).toEqual(['outer.parentSelection.kind=boltzmann', 'outer.parentSelection.kind=greedy']);
    expect(manifest.cells.map((cell) => [cell.arm, cell.seed])).toEqual([['a1', 1], ['a1', 2], ['a2', 1], ['a2', 2]]);
    expect(reference.outcomes.map(({ outcome }) => outcome.kind)).toEqual(['done', 'done', 'done', 'done']);

    // Every cell's file is a complete experiment: run alone, it gives the cell's population.
    const cell = manifest.cells[3]!;
    const cellExperiment = loadExperiment(path.join(dir, cell.experimentFile));
    expect(cellExperiment.config.seed).toBe(2);
    expect(cellExperiment.config.outer.parentSelection).toEqual({ kind: 'greedy' });
    const alone = await runInProcess(cellExperiment, path.join(temp, 'alone'));
    expect(snapshotPopulation(alone.storePath)).toEqual(snapshotPopulation(path.join(cellRunDir(dir, cell), 'run.sqlite')));
    // Arms differ only in the varied key; seeds differ in results.
    const seedOne = snapshotPopulation(path.join(cellRunDir(dir, manifest.cells[0]!), 'run.sqlite'));
    const seedTwo = snapshotPopulation(path.join(cellRunDir(dir, manifest.cells[1]!), 'run.sqlite'));
    expect(seedOne).not.toEqual(seedTwo);

    // A second start is refused; a resume after losing one cell reruns that cell alone (on a copy,
    // so the other tests keep the uninterrupted matrix).
    await expect(runAblation(options(dir, file))).rejects.toThrow(ConfigError);
    const copy = path.join(temp, 'matrix-copy');
    fs.cpSync(dir, copy, { recursive: true });
    const lost = manifest.cells[1]!;
    const before = snapshotPopulation(path.join(cellRunDir(copy, lost), 'run.sqlite'));
    fs.rmSync(cellRunDir(copy, lost), { recursive: true });
    const resumed = await runAblation(options(copy, file, { resume: true }));
    expect(resumed.outcomes.map(({ outcome }) => outcome.kind)).toEqual(['already-complete', 'done', 'already-complete', 'already-complete']);
    expect(snapshotPopulation(path.join(cellRunDir(copy, lost), 'run.sqlite'))).toEqual(before);

    // A resume must name the same matrix.
    await expect(runAblation(options(copy, file, { resume: true, seeds: [1, 2, 3] }))).rejects.toThrow(/records seeds 1,2 and --vary outer\.parentSelection\.kind="boltzmann","greedy"; resume with the same ones/);
  }, 240_000);

  it('loses nothing to kill -9: --resume reaches the matrix of an uninterrupted ablation', async () => {
    const dir = path.join(temp, 'killed-matrix');
    // Seed 1 only, one cell at a time (half the work of the 2 x 2 matrix): the kill lands in the
    // first cell or the second, with the rest not started, and --resume must finish both kinds of
    // cell. The reference's seed-1 cells are the uninterrupted matrix.
    const args = [bin, 'ablate', file, '--seeds', '1', '--vary', 'outer.parentSelection.kind=boltzmann,greedy', '--out', dir, '--parallel', '1'];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
    const exited = once(child, 'exit');
    // Kill once the first cell has opened its store, in the middle of the matrix.
    const firstStore = path.join(dir, 'cells', 'a1-seed1', 'run.sqlite');
    for (let waited = 0; waited < 60_000 && !fs.existsSync(firstStore); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGKILL');
    // Killed, not finished before the kill came.
    expect((await exited)[1]).toBe('SIGKILL');

    const resumed = spawn(process.execPath, [...args, '--resume'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    resumed.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(resumed, 'exit');
    expect(code).toBe(0);
    expect(stdout).toContain('compare with: autodata compare');
    const manifest = readAblationManifest(dir);
    expect(manifest.cells.map((cell) => [cell.arm, cell.seed])).toEqual([['a1', 1], ['a2', 1]]);
    for (const cell of manifest.cells) {
      expect(snapshotPopulation(path.join(cellRunDir(dir, cell), 'run.sqlite'))).toEqual(
        snapshotPopulation(path.join(cellRunDir(referenceDir, cell), 'run.sqlite')),
      );
    }
  }, 240_000);
});

describe('ablate --share-cache', () => {
  it('lets arms with the same seed reuse each other\'s calls, with the populations unchanged', async () => {
    // The reference matrix paid for each cell separately; its seed-1 cells are the arms compared here.
    const separate = referenceDir;
    const shared = path.join(temp, 'shared');
    await runAblation(options(shared, file, { seeds: [1], parallel: 1, shareCache: true }));
    const manifest = readAblationManifest(shared);
    const paid = (dir: string, index: number) => {
      const store = openStore(path.join(cellRunDir(dir, manifest.cells[index]!), 'run.sqlite'), { readonly: true });
      try {
        return paidUsage(store.db).calls;
      } finally {
        store.close();
      }
    };
    for (const cell of manifest.cells) {
      expect(snapshotPopulation(path.join(cellRunDir(shared, cell), 'run.sqlite'))).toEqual(
        snapshotPopulation(path.join(cellRunDir(separate, cell), 'run.sqlite')),
      );
    }
    // The first cell pays as it would alone; the second reuses the baseline's evaluation and the
    // first wave (both arms pick the baseline as the only parent) and pays far less.
    expect(paid(shared, 0)).toBe(paid(separate, 0));
    expect(paid(separate, 1)).toBeGreaterThan(0);
    expect(paid(shared, 1)).toBeLessThan(paid(separate, 1) / 2);
    expect(fs.existsSync(path.join(shared, 'cache.sqlite'))).toBe(true);
  }, 240_000);
});

describe('ablate with a matrix budget', () => {
  it('stops every cell once the cells together have paid it, and --resume with a larger budget finishes the matrix', async () => {
    const dir = path.join(temp, 'budgeted');
    const stopped = await runAblation(options(dir, file, { seeds: [1], parallel: 1, budgets: { calls: 1 } }));
    // The first cell evaluates its baseline, then meets the spent budget at its first wave; the second never starts.
    const [first, second] = stopped.outcomes;
    expect(first!.outcome.kind).toBe('done');
    expect(first!.outcome.kind === 'done' && first!.outcome.result.stopReason).toBe('calls-budget');
    expect(first!.outcome.kind === 'done' && first!.outcome.result.progress.iterationsDone).toBe(0);
    expect(second!.outcome.kind).toBe('budget-spent');
    expect(fs.existsSync(path.join(cellRunDir(dir, second!.cell), 'run.sqlite'))).toBe(false);

    const finished = await runAblation(options(dir, file, { seeds: [1], parallel: 1, resume: true }));
    expect(finished.outcomes.map(({ outcome }) => outcome.kind)).toEqual(['done', 'done']);
    for (const cell of finished.manifest.cells) {
      expect(snapshotPopulation(path.join(cellRunDir(dir, cell), 'run.sqlite'))).toEqual(
        snapshotPopulation(path.join(cellRunDir(referenceDir, cell), 'run.sqlite')),
      );
    }
  }, 240_000);
});

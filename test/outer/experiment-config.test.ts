import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/experiment.ts';
import { catchConfigError } from '../support/catch-error.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function writeExperiment(name: string, value: unknown): string {
  const file = path.join(temp, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('loadExperiment', () => {
  it('loads the shipped experiments with their protocol', () => {
    const quickstart = loadExperiment('experiments/quickstart.json', { cwd: repoRoot });
    expect(quickstart.paths.baseline).toBe(path.join(repoRoot, 'baselines/agentic-self-instruct'));
    expect(quickstart.paths.endpoints).toBe('sim');
    const paper = loadExperiment('experiments/paper-cs.json', { cwd: repoRoot }).config;
    expect(paper.outer.iterations).toBe(233);
    expect(paper.outer.parentSelection).toEqual({ kind: 'boltzmann', temperature: 0.1 });
    expect(paper.outer.acceptance).toEqual({ kind: 'strict' });
    expect(paper.outer.validationLimit).toBeNull();
  });

  it('never falls back to the sim: an experiment without endpoints is refused with the fix', () => {
    const file = writeExperiment('no-endpoints.json', { name: 'no-endpoints' });
    const error = catchConfigError(() => loadExperiment(file, { cwd: repoRoot }));
    expect(error.path).toBe('experiment.endpoints');
    expect(error.message).toBe(
      `experiment.endpoints: required: write "sim" for the in-process simulated lab, or the path of an endpoints file (in ${file})`,
    );
  });

  it('applies defaults to a minimal config', () => {
    const file = writeExperiment('minimal.json', { name: 'minimal', endpoints: 'sim' });
    const { config } = loadExperiment(file, { cwd: repoRoot });
    expect(config.outer).toEqual({
      iterations: 233,
      concurrentIterations: 4,
      trainMinibatchSize: 5,
      validationLimit: null,
      parentSelection: { kind: 'boltzmann', temperature: 0.1 },
      acceptance: { kind: 'strict' },
      racing: 'off',
      implementerRetries: 2,
      historyLimit: 40,
      finalTest: true,
      testLimit: null,
      maxErroredFraction: 0.2,
    });
    expect(config.budgets).toEqual({ iterations: null, calls: null, tokens: null, wallTimeMinutes: null, usd: null, plateau: null });
    expect(config.split).toBe('splits/sim-cs.json');
  });

  it('applies command-line overrides', () => {
    const file = writeExperiment('override.json', { name: 'override', endpoints: 'sim' });
    const { config } = loadExperiment(file, { cwd: repoRoot, overrides: { iterations: 7, seed: 3, name: 'other' } });
    expect([config.outer.iterations, config.seed, config.name]).toEqual([7, 3, 'other']);
    expect(catchConfigError(() => loadExperiment(file, { cwd: repoRoot, overrides: { iterations: 0 } })).message).toBe(
      `${file}: --iterations must be an integer >= 1, got 0`,
    );
  });

  it('rejects an unknown key, naming the field and the file', () => {
    const file = writeExperiment('unknown.json', { name: 'x', endpoints: 'sim', outer: { iterations: 3, temprature: 0.1 } });
    const error = catchConfigError(() => loadExperiment(file, { cwd: repoRoot }));
    expect(error.message).toBe(`experiment.outer.temprature: unknown key; check the spelling or remove it (in ${file})`);
  });

  it('names every problem of a config with three, each at its path', () => {
    const file = writeExperiment('three.json', { name: 'x', endpoints: 'sim', seed: 'zero', outer: { iterations: 0, temprature: 0.1 } });
    const error = catchConfigError(() => loadExperiment(file, { cwd: repoRoot }));
    expect(error.issues).toEqual([
      'experiment.seed: expected number, got "zero"',
      'experiment.outer.iterations: must be >= 1',
      'experiment.outer.temprature: unknown key; check the spelling or remove it',
    ]);
    expect(error.path).toBe('experiment.seed');
    expect(error.message).toBe(
      [
        `experiment.seed: expected number, got "zero" (in ${file}), and 2 more problem(s):`,
        '  experiment.outer.iterations: must be >= 1',
        '  experiment.outer.temprature: unknown key; check the spelling or remove it',
      ].join('\n'),
    );
  });

  it('rejects a wrong type and an unknown selection strategy', () => {
    const wrongType = writeExperiment('type.json', { name: 'x', endpoints: 'sim', outer: { iterations: 'many' } });
    expect(catchConfigError(() => loadExperiment(wrongType, { cwd: repoRoot })).message).toBe(
      `experiment.outer.iterations: expected number, got "many" (in ${wrongType})`,
    );
    const strategy = writeExperiment('strategy.json', { name: 'x', endpoints: 'sim', outer: { parentSelection: { kind: 'roulette' } } });
    expect(catchConfigError(() => loadExperiment(strategy, { cwd: repoRoot })).path).toBe('experiment.outer.parentSelection.kind');
  });

  it('names a missing harness folder and a missing split file', () => {
    const harness = writeExperiment('harness.json', { name: 'x', endpoints: 'sim', baseline: 'baselines/no-such-harness' });
    expect(catchConfigError(() => loadExperiment(harness, { cwd: repoRoot })).message).toBe(
      `${harness}: baseline: harness folder not found: baselines/no-such-harness (paths are relative to ${repoRoot})`,
    );
    const split = writeExperiment('split.json', { name: 'x', endpoints: 'sim', split: 'splits/missing.json' });
    expect(catchConfigError(() => loadExperiment(split, { cwd: repoRoot })).message).toBe(
      `${split}: split: split file not found: splits/missing.json (paths are relative to ${repoRoot})`,
    );
  });

  it('names a missing experiment file and invalid JSON', () => {
    expect(catchConfigError(() => loadExperiment('experiments/nope.json', { cwd: repoRoot })).message).toBe(
      'experiments/nope.json: experiment file not found; pass a path such as experiments/quickstart.json',
    );
    const broken = writeExperiment('broken.json', '{ "name": ');
    expect(catchConfigError(() => loadExperiment(broken, { cwd: repoRoot })).message).toMatch(new RegExp(`^${broken}: not valid JSON: `));
  });
});

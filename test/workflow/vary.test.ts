// The --vary parser, the matrix of arms, and each arm's config (dotted keys, stray fields dropped).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/experiment.ts';
import { ConfigError } from '../../src/errors.ts';
import { configForArm, expandArms, parseVary } from '../../src/workflow/vary.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const base = loadExperiment('experiments/quickstart.json', { cwd: repoRoot }).config;

describe('parseVary', () => {
  it('reads bare strings, JSON values, and commas inside JSON', () => {
    expect(parseVary('outer.parentSelection.kind=boltzmann,greedy')).toEqual({ key: 'outer.parentSelection.kind', values: ['boltzmann', 'greedy'] });
    expect(parseVary('outer.historyLimit=0,40')).toEqual({ key: 'outer.historyLimit', values: [0, 40] });
    expect(parseVary('outer.parentSelection={"kind":"tournament","size":5},{"kind":"greedy"}')).toEqual({
      key: 'outer.parentSelection',
      values: [{ kind: 'tournament', size: 5 }, { kind: 'greedy' }],
    });
    expect(parseVary('outer.finalTest=true,false').values).toEqual([true, false]);
    expect(parseVary('documents="a, b",c').values).toEqual(['a, b', 'c']);
  });

  it('refuses malformed specs with one line naming the problem', () => {
    expect(() => parseVary('outer.historyLimit')).toThrow(new ConfigError('--vary', '"outer.historyLimit" is not KEY=V1,V2 (e.g. --vary outer.historyLimit=0,40)'));
    expect(() => parseVary('outer..x=1')).toThrow(/is not a dotted key/);
    expect(() => parseVary('seed=1,2')).toThrow(/seed cannot be varied \(seeds go in --seeds/);
    expect(() => parseVary('outer.historyLimit=1,1')).toThrow(/repeats a value/);
    expect(() => parseVary('__proto__.x=1')).toThrow(/is not a dotted key/);
  });
});

describe('expandArms and configForArm', () => {
  it('spans every combination, the first key varying slowest', () => {
    const arms = expandArms([parseVary('outer.parentSelection.kind=boltzmann,greedy'), parseVary('outer.historyLimit=0,40')]);
    expect(arms.map((arm) => [arm.id, arm.label])).toEqual([
      ['a1', 'outer.parentSelection.kind=boltzmann, outer.historyLimit=0'],
      ['a2', 'outer.parentSelection.kind=boltzmann, outer.historyLimit=40'],
      ['a3', 'outer.parentSelection.kind=greedy, outer.historyLimit=0'],
      ['a4', 'outer.parentSelection.kind=greedy, outer.historyLimit=40'],
    ]);
    expect(expandArms([])).toEqual([{ id: 'a1', label: 'base', values: [] }]);
  });

  it('sets dotted keys, drops the fields another kind does not take, and fills the new kind\'s defaults', () => {
    const [boltzmann, greedy, tournament] = expandArms([parseVary('outer.parentSelection.kind=boltzmann,greedy,tournament')]);
    expect(configForArm(base, boltzmann!, 'x').outer.parentSelection).toEqual({ kind: 'boltzmann', temperature: 0.1 });
    expect(configForArm(base, greedy!, 'x').outer.parentSelection).toEqual({ kind: 'greedy' });
    expect(configForArm(base, tournament!, 'x').outer.parentSelection).toEqual({ kind: 'tournament', size: 3 });
    const [none] = expandArms([parseVary('outer.historyLimit=0')]);
    const config = configForArm(base, none!, 'x');
    expect(config.outer.historyLimit).toBe(0);
    // Everything else is the base config, untouched (and the base itself is not modified).
    expect({ ...config, outer: { ...config.outer, historyLimit: 40 } }).toEqual(base);
    expect(base.outer.historyLimit).toBe(40);
  });

  it('names the nearest keys for a key that is not in the config, and refuses an invalid value', () => {
    const [typo] = expandArms([parseVary('outer.histroyLimit=1')]);
    expect(() => configForArm(base, typo!, 'x')).toThrow(
      new ConfigError('--vary', 'outer.histroyLimit is not in the experiment config (no outer.histroyLimit); nearest keys: outer.historyLimit, outer.testLimit, outer.validationLimit'),
    );
    const [deep] = expandArms([parseVary('inner.nothing.here=1')]);
    expect(() => configForArm(base, deep!, 'x')).toThrow(/inner\.nothing\.here is not in the experiment config \(no inner\.nothing\); nearest keys: /);
    const [negative] = expandArms([parseVary('outer.historyLimit=-1')]);
    expect(() => configForArm(base, negative!, 'x')).toThrow(/arm a1 \(outer\.historyLimit=-1\) is not a valid experiment: .*outer\.historyLimit/);
  });
});

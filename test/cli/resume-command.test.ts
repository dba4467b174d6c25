// The line that continues a halted or interrupted job keeps every option the user typed.
import { describe, expect, it } from 'vitest';
import { resumeCommand } from '../../src/cli/resume-command.ts';

describe('resumeCommand', () => {
  it('adds --resume after the experiment for evolve and ablate, keeping the other options', () => {
    expect(resumeCommand(['evolve', 'exp.json', '--name', 'mine', '--iterations', '40'])).toBe('autodata evolve exp.json --resume --name mine --iterations 40');
    expect(resumeCommand(['ablate', 'exp.json', '--seeds', '1,2', '--vary', 'outer.historyLimit=0,40'])).toBe(
      'autodata ablate exp.json --resume --seeds 1,2 --vary outer.historyLimit=0,40',
    );
    expect(resumeCommand(['evolve', 'exp.json', '--resume'])).toBe('autodata evolve exp.json --resume');
  });

  it('repeats other commands as typed (they reuse finished work on their own), quoting what a shell would split', () => {
    expect(resumeCommand(['generate', '--limit', '3'])).toBe('autodata generate --limit 3');
    expect(resumeCommand(['generate', '--out', "my run's folder"])).toBe(`autodata generate --out 'my run'\\''s folder'`);
  });
});

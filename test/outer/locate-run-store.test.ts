// Where a RUN argument is looked for, and the one line when it is nowhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateRunStore } from '../../src/outer/inspect-run.ts';

describe('locateRunStore', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-locate-'));
  fs.mkdirSync(path.join(cwd, 'populations', 'named'), { recursive: true });
  fs.writeFileSync(path.join(cwd, 'populations', 'named', 'run.sqlite'), '');

  it('finds a name under populations/ and a folder by its path', () => {
    expect(locateRunStore('named', cwd)).toBe(path.join(cwd, 'populations', 'named', 'run.sqlite'));
    expect(locateRunStore(path.join(cwd, 'populations', 'named'), '/')).toBe(path.join(cwd, 'populations', 'named', 'run.sqlite'));
  });

  it('names both places for a name, and only the path for an absolute one', () => {
    expect(() => locateRunStore('missing', cwd)).toThrow('missing: no run found (looked for missing/run.sqlite and populations/missing/run.sqlite); pass a run name or folder');
    const absolute = path.join(cwd, 'nowhere');
    expect(() => locateRunStore(absolute, cwd)).toThrow(`${absolute}: no run found (looked for ${absolute}/run.sqlite); pass a run name or folder`);
  });
});

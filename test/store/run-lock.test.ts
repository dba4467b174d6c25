// One writer per run folder, across real processes: a live owner blocks a second writer with one
// line, a killed owner's lock is stale and taken over, and readers never need the lock.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLock, LOCK_FILE, RunLocked } from '../../src/store/index.ts';
import { bin, loadTiny, repoRoot, runInProcess, writeTinyExperiment } from '../outer/support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(temp, { recursive: true, force: true });
});

async function holdLock(runDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('../support/hold-run-lock.ts', import.meta.url).pathname, runDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    if (output.includes('locked')) break;
  }
  return child;
}

describe('run lock', () => {
  it('refuses a second writer while the owner lives, and takes over the lock of a killed owner', async () => {
    const runDir = path.join(temp, 'plain');
    const owner = await holdLock(runDir);
    expect(() => acquireRunLock(runDir)).toThrow(RunLocked);
    expect(() => acquireRunLock(runDir)).toThrow(new RegExp(`^${runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by process ${owner.pid} on `));

    owner.kill('SIGKILL');
    await once(owner, 'exit');
    expect(fs.existsSync(path.join(runDir, LOCK_FILE))).toBe(true); // kill -9 leaves it behind
    const lock = acquireRunLock(runDir);
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
    // Released: the next writer takes it at once.
    acquireRunLock(runDir).release();
  }, 60_000);

  it('a half-written lock file (a crash between create and write) is stale', () => {
    const runDir = path.join(temp, 'half');
    fs.mkdirSync(runDir);
    fs.writeFileSync(path.join(runDir, LOCK_FILE), '');
    const lock = acquireRunLock(runDir);
    expect(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('evolve --resume on a run in use exits non-zero with one line; status still reads the run; the owner is unharmed', async () => {
    const file = writeTinyExperiment(temp, 'busy', {
      outer: { iterations: 1, concurrentIterations: 1, trainMinibatchSize: 2, validationLimit: 2, implementerRetries: 0, finalTest: false },
    });
    const runDir = path.join(temp, 'busy-run');
    await runInProcess(loadTiny(file), runDir);
    const before = fs.readFileSync(path.join(runDir, 'run.sqlite'));
    const owner = await holdLock(runDir);

    const second = spawnSync(process.execPath, [bin, 'evolve', file, '--out', runDir, '--resume', '--iterations', '2'], { cwd: repoRoot, encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([
      `error: ${runDir} is in use by process ${owner.pid} on ${os.hostname()} (hold-run-lock test child, since ${JSON.parse(fs.readFileSync(path.join(runDir, LOCK_FILE), 'utf8')).startedAt}); wait for it to finish or stop it, then run again (if no such process exists, delete ${path.join(runDir, LOCK_FILE)})`,
    ]);
    // The refused writer touched nothing.
    expect(fs.readFileSync(path.join(runDir, 'run.sqlite')).equals(before)).toBe(true);

    const status = spawnSync(process.execPath, [bin, 'status', runDir, '--json'], { cwd: repoRoot, encoding: 'utf8' });
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout).iterationsDone).toBe(1);
    expect(owner.exitCode).toBeNull();
  }, 120_000);
});

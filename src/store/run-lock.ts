// One writer per run folder. A lock file next to the store names the process that writes; a second
// writer gets one clear line instead of corrupting the first one's records. A lock left by a process
// that died (kill -9, a crash, power loss) is stale and is taken over. Readers (status, show, curve)
// never take it: they open the store read-only.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { AutodataError } from '../errors.ts';

export const LOCK_FILE = 'run.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface RunLock {
  path: string;
  release(): void;
}

/** Another live process writes this run folder. */
export class RunLocked extends AutodataError {
  constructor(runDir: string, owner: LockOwner, lockPath: string) {
    super(
      'RUN_LOCKED',
      `${runDir} is in use by process ${owner.pid} on ${owner.host} (${owner.command}, since ${owner.startedAt}); ` +
        `wait for it to finish or stop it, then run again (if no such process exists, delete ${lockPath})`,
    );
  }
}

/**
 * Takes the run folder's lock (creating the folder), or throws RunLocked naming the live owner.
 * The lock is released by `release()` and, as a last resort, when this process exits normally.
 */
export function acquireRunLock(runDir: string, options: { command?: string; now?: () => Date } = {}): RunLock {
  mkdirSync(runDir, { recursive: true });
  const lockPath = path.join(runDir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: (options.now ?? (() => new Date()))().toISOString(),
    command: options.command ?? 'autodata',
  };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(lockPath, owner)) return held(lockPath);
    const existing = readOwner(lockPath);
    if (existing && isAlive(existing)) throw new RunLocked(runDir, existing, lockPath);
    takeOverStale(lockPath);
  }
  const existing = readOwner(lockPath);
  throw new RunLocked(runDir, existing ?? { pid: -1, host: 'unknown', startedAt: 'unknown', command: 'unknown' }, lockPath);
}

function held(lockPath: string): RunLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never remove one a later owner took over.
    if (readOwner(lockPath)?.pid === process.pid) rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return { path: lockPath, release };
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const value = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || !Number.isSafeInteger(value.pid) || typeof value.host !== 'string') return undefined;
    return {
      pid: value.pid,
      host: value.host,
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : 'unknown',
      command: typeof value.command === 'string' ? value.command : 'unknown',
    };
  } catch {
    return undefined; // missing, or half-written by a process that died between create and write
  }
}

/** A process on another host cannot be checked: its lock counts as live (the message says how to clear it). */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the stale lock aside atomically (only one taker's rename succeeds), then checks that what it
 * moved really was stale: if a live process had taken it over in between, it is put back.
 */
function takeOverStale(lockPath: string): void {
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readOwner(aside);
  if (moved && isAlive(moved) && !existsSync(lockPath)) {
    renameSync(aside, lockPath);
    return;
  }
  rmSync(aside, { force: true });
}

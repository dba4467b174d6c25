import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { getRun, openStore } from '../../src/store/index.ts';
import { bin, loadTiny, repoRoot, runInProcess, snapshotPopulation, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('stopping and resuming', () => {
  it('stops at a calls budget, and a resume with a larger budget continues the same run', async () => {
    fs.mkdirSync(path.join(temp, 'tight'));
    fs.mkdirSync(path.join(temp, 'loose'));
    const tight = writeTinyExperiment(path.join(temp, 'tight'), 'budget', { budgets: { calls: 1 } });
    const loose = writeTinyExperiment(path.join(temp, 'loose'), 'budget', { budgets: { calls: null } });
    const runDir = path.join(temp, 'budget-run');

    const stopped = await runInProcess(loadTiny(tight), runDir);
    expect(stopped.stopReason).toBe('calls-budget');
    expect(snapshotPopulation(stopped.storePath).iterations.map((record) => record.iteration)).toEqual([0]);

    await expect(runInProcess(loadTiny(loose, { seed: 5 }), runDir, { resume: true })).rejects.toThrow(
      new ConfigError(loose, 'differs from the run being resumed in seed; restore those values or start a new run (--name)'),
    );

    const continued = await runInProcess(loadTiny(loose, { iterations: 1 }), runDir, { resume: true });
    expect(continued.stopReason).toBe('completed');
    expect(continued.progress.iterationsDone).toBe(1);
    const store = openStore(continued.storePath, { readonly: true });
    expect(getRun(store, 'budget')?.status).toBe('completed');
    store.close();
  }, 120_000);

  it('refuses --resume where there is no run', async () => {
    const file = writeTinyExperiment(temp, 'nothing');
    const runDir = path.join(temp, 'empty-run');
    await expect(runInProcess(loadTiny(file), runDir, { resume: true })).rejects.toThrow(
      new ConfigError(runDir, 'has no run to resume; start it without --resume'),
    );
  });

  it('on Ctrl-C finishes what is in flight, marks the run interrupted and says how to resume', async () => {
    const file = writeTinyExperiment(temp, 'interrupted');
    const runDir = path.join(temp, 'interrupted-run');
    const storePath = path.join(runDir, 'run.sqlite');
    const child = spawn(process.execPath, [bin, 'evolve', file, '--out', runDir], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    await waitForBaseline(storePath);
    child.kill('SIGINT');
    const [code] = await exited;

    expect(code).toBe(130);
    expect(stderr).toContain('interrupt: finishing in-flight work');
    expect(stderr).toContain(`interrupted; continue with: autodata evolve ${file} --resume --out ${runDir}\n`);
    const store = openStore(storePath, { readonly: true });
    expect(getRun(store, 'interrupted')?.status).toBe('interrupted');
    store.close();
    expect(snapshotPopulation(storePath).iterations.map((record) => record.iteration)).not.toContain(3);
  }, 120_000);
});

async function waitForBaseline(storePath: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(storePath)) {
      let db: Database.Database | undefined;
      try {
        db = new Database(storePath, { readonly: true, fileMustExist: true });
        if (db.prepare('SELECT 1 FROM iteration WHERE iteration = 0').get()) return;
      } catch {
        // not migrated yet
      } finally {
        db?.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the baseline was not recorded in ${timeoutMs} ms`);
}

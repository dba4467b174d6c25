// budgets.usd on a priced endpoints file served by the in-process sim: the run stops with usd-budget
// at the first check after the money is spent, and its lines show the cost; unpriced roles are refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/app/run-experiment.ts';
import { ConfigError } from '../../src/errors.ts';
import { describeEvent } from '../../src/outer/event-lines.ts';
import type { EvolveEvent } from '../../src/outer/events.ts';
import { runStatus, formatRunStatus, readRun } from '../../src/outer/inspect-run.ts';
import { loadTiny, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-usd-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function writeEndpoints(file: string, priced: boolean): string {
  const price = priced ? '  price: { input: 0.60, cachedInput: 0.15, output: 2.50 }\n' : '';
  fs.writeFileSync(
    file,
    `defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\n  timeoutMs: 5000\n${price}weakSolver:\n  model: sim-weak\nstrongSolver:\n  model: sim-strong\n`,
  );
  return file;
}

describe('budgets.usd', () => {
  it('stops an evolve run with usd-budget once the spent dollars reach it, and prints the cost', async () => {
    const endpoints = writeEndpoints(path.join(temp, 'priced.yaml'), true);
    const file = writeTinyExperiment(temp, 'usd', { endpoints, budgets: { usd: 0.000001 } });
    const events: EvolveEvent[] = [];
    const result = await runExperiment({ experiment: loadTiny(file), runDir: path.join(temp, 'usd-run'), resume: false, emit: (event) => events.push(event) });

    expect(result.stopReason).toBe('usd-budget');
    expect(result.progress.iterationsDone).toBe(0);
    expect(result.progress.costUsd).toBeGreaterThanOrEqual(0.000001);
    expect(result.progress.unpricedCalls).toBe(0);
    const stopped = describeEvent(events.at(-1)!)!;
    expect(stopped).toMatch(/^stopped \(usd-budget\) \| .*, cost \$\S+, (\$\S+ per accepted example|no accepted example yet) \(cache hits free(: \d+)?\)$/);
    // The baseline's progress line carries the cost too.
    const baseline = events.find((event) => event.type === 'iteration-finished')!;
    expect(describeEvent(baseline)).toContain(', cost $');

    const status = readRun(result.storePath, (store) => formatRunStatus(runStatus(store)));
    expect(status).toMatch(/\ncost \$\S+, (\$\S+ per accepted example|no accepted example yet) \(cache hits free(: \d+)?\)\n/);
  }, 120_000);

  it('refuses a dollar budget when a role the run calls has no price, before any call', async () => {
    const endpoints = writeEndpoints(path.join(temp, 'unpriced.yaml'), false);
    const file = writeTinyExperiment(temp, 'usd-unpriced', { endpoints, budgets: { usd: 1 } });
    const runDir = path.join(temp, 'unpriced-run');
    const failure = runExperiment({ experiment: loadTiny(file), runDir, resume: false });
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/^experiment\.budgets\.usd: set to 1 but .*analyzer, implementer have no price in .*unpriced\.yaml; add price: \{ input, output \}/);
    expect(fs.existsSync(runDir)).toBe(false);
  });
});

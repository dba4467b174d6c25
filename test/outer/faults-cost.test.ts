// Faults change what a run costs, never what it finds: with a fifth of the sim's requests failing
// transiently (429, 500, a reset in the middle of the body, a stall past the deadline), evolve reaches
// the population, decisions and scores of the clean run, and reports how many requests it retried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFaultOption } from '../../src/sim/index.ts';
import { loadTiny, runInProcess, snapshotPopulation, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-faults-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('transient faults', () => {
  it('cost retries and leave the population identical', async () => {
    const file = writeTinyExperiment(temp, 'faults');
    const clean = await runInProcess(loadTiny(file), path.join(temp, 'clean'));
    const faults = ['429:0.07', '500:0.07', 'reset:0.07', 'stall:0.001'].map((text) => parseFaultOption(text));
    const faulty = await runInProcess(loadTiny(file), path.join(temp, 'faulty'), { simFaults: faults });

    expect(clean.progress.retried).toBe(0);
    // Roughly one request in five failed once; each was retried with the same request.
    expect(faulty.progress.retried).toBeGreaterThan(clean.progress.calls / 10);
    expect(snapshotPopulation(faulty.storePath)).toEqual(snapshotPopulation(clean.storePath));
    expect(faulty.progress.bestScore).toBe(clean.progress.bestScore);
    expect(faulty.progress.tokens).toBeGreaterThanOrEqual(clean.progress.tokens);
  }, 240_000);
});

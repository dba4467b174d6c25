// The outage drill: every role's endpoint (one sim server on loopback) goes down in the middle of a
// run. The run stops within a bounded time with the resumable error, records no zero, and once the
// server is back, --resume reaches the population of a run that never saw the outage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { loadEndpointsFile } from '../../src/config/endpoints.ts';
import { RunHalted } from '../../src/errors.ts';
import { runEvolution, type RunEvolutionResult } from '../../src/outer/run-evolution.ts';
import { startSimServer } from '../../src/sim/index.ts';
import { getRun, openStore } from '../../src/store/index.ts';
import { loadTiny, snapshotPopulation, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-outage-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function writeEndpoints(name: string, port: number): string {
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const file = path.join(temp, `${name}.endpoints.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      defaults: { baseURL, model: 'sim-agent', maxRetries: 1, timeoutMs: 5000, concurrency: 8, maxConsecutiveFailures: 3 },
      weakSolver: { model: 'sim-weak' },
      strongSolver: { model: 'sim-strong' },
    }),
  );
  return file;
}

function run(name: string, port: number, runDir: string, resume: boolean): Promise<RunEvolutionResult> {
  const experiment = loadTiny(writeTinyExperiment(temp, name, { endpoints: writeEndpoints(name, port) }));
  const endpoints = loadEndpointsFile(experiment.paths.endpoints);
  return runEvolution({
    experiment,
    documents: resolveDocuments(experiment.paths.documents).documents,
    runDir,
    resume,
    createLlm: (store) => createAppLlm({ endpoints, store, simSeed: 0, cacheMode: 'use' }),
  });
}

describe('outage drill', () => {
  it('every endpoint down mid-run: a bounded, resumable stop with no zero recorded; back up: --resume reaches the uninterrupted population', async () => {
    const referenceServer = await startSimServer({ seed: 0 });
    const reference = await run('drill', referenceServer.port, path.join(temp, 'reference'), false);
    const referenceRequests = referenceServer.stats().requests;
    await referenceServer.close();
    const expected = snapshotPopulation(reference.storePath);

    let server = await startSimServer({ seed: 0 });
    const port = server.port;
    const runDir = path.join(temp, 'drill');
    let downAt = 0;
    const watcher = setInterval(() => {
      if (downAt === 0 && server.stats().requests >= referenceRequests / 2) {
        downAt = Date.now();
        void server.close();
      }
    }, 10);
    const error = await run('drill', port, runDir, false).catch((caught: unknown) => caught);
    clearInterval(watcher);
    const stoppedAfterMs = Date.now() - downAt;

    expect(downAt).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(RunHalted);
    expect((error as Error).message).toMatch(/check it with `autodata doctor`, then resume/);
    // The breaker names the role and the endpoint (once per failed iteration of the wave): 3 failed
    // calls with 1 retry each, not hours of retries.
    expect((error as Error).message).toMatch(
      new RegExp(`the \\w+ endpoint http://127\\.0\\.0\\.1:${port}/v1 \\(sim-\\w+\\) failed 3 calls in a row \\(last error: `),
    );
    expect(stoppedAfterMs).toBeLessThan(30_000);

    // Nothing the outage touched was recorded: every stored evaluation and decision is one the
    // uninterrupted run also made, with the same verdicts (no zero standing in for a dead endpoint).
    const halted = snapshotPopulation(path.join(runDir, 'run.sqlite'));
    expect(halted.evaluations.length).toBeGreaterThan(0);
    for (const evaluation of halted.evaluations) expect(expected.evaluations).toContainEqual(evaluation);
    for (const record of halted.iterations) expect(expected.iterations).toContainEqual(record);
    expect(halted.iterations.length).toBeLessThan(expected.iterations.length);
    const store = openStore(path.join(runDir, 'run.sqlite'), { readonly: true });
    expect(getRun(store, 'drill')?.status).toBe('interrupted');
    store.close();

    // The server comes back on the same address; the run resumes where it stopped.
    server = await startSimServer({ seed: 0, port });
    try {
      const resumed = await run('drill', port, runDir, true);
      expect(resumed.stopReason).toBe('completed');
      expect(snapshotPopulation(resumed.storePath)).toEqual(expected);
    } finally {
      await server.close();
    }
  }, 240_000);
});

// What a run reports when it is cut short: an interrupted and resumed run reports what it paid
// (the same totals as an uninterrupted run), and a wave in which several iterations fail reports
// every failure, not only the first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import type { LoadedExperiment } from '../../src/config/experiment.ts';
import { RunHalted } from '../../src/errors.ts';
import type { Llm } from '../../src/llm/types.ts';
import type { EvolveEvent } from '../../src/outer/events.ts';
import { runEvolution } from '../../src/outer/run-evolution.ts';
import { loadTiny, runInProcess, snapshotPopulation, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-accounting-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Like `autodata evolve`, with an abort signal and the event stream (runInProcess has neither). */
function runWithSignal(
  experiment: LoadedExperiment,
  runDir: string,
  options: { resume: boolean; onEvent?: (event: EvolveEvent, abort: () => void) => void; wrapLlm?: (llm: Llm, abort: () => void) => Llm },
) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  return runEvolution({
    experiment,
    documents: resolveDocuments(experiment.paths.documents).documents,
    runDir,
    resume: options.resume,
    createLlm: (store) => {
      const llm = createAppLlm({ endpoints: defaultSimEndpoints(), store, simSeed: experiment.config.simSeed, cacheMode: 'use' });
      return options.wrapLlm ? options.wrapLlm(llm, abort) : llm;
    },
    emit: (event) => options.onEvent?.(event, abort),
    signal: controller.signal,
  });
}

describe('run accounting', () => {
  it('an interrupted and resumed run reports the calls and tokens an uninterrupted run paid', async () => {
    const file = writeTinyExperiment(temp, 'paid');
    const clean = await runInProcess(loadTiny(file), path.join(temp, 'paid-clean'));

    const runDir = path.join(temp, 'paid-cut');
    // Ctrl-C while the first analyzer call is on the wire: that call is paid, its iteration is
    // discarded, and the resumed run gets the reply from the cache (paying nothing for it again).
    const cut = await runWithSignal(loadTiny(file), runDir, {
      resume: false,
      wrapLlm: (llm, abort) => ({
        ...llm,
        structured: async (request) => {
          const result = await llm.structured(request);
          if (request.role === 'analyzer') abort();
          return result;
        },
      }),
    });
    expect(cut.stopReason).toBe('interrupted');
    expect(cut.progress.iterationsDone).toBe(0);
    expect(cut.progress.tokens).toBeGreaterThan(0);
    const resumed = await runWithSignal(loadTiny(file), runDir, { resume: true });
    expect(resumed.stopReason).toBe('completed');
    expect(snapshotPopulation(resumed.storePath)).toEqual(snapshotPopulation(clean.storePath));
    // The analysis was paid once, in the interrupted process, and is counted once.
    expect(resumed.progress.calls).toBe(clean.progress.calls);
    expect(resumed.progress.tokens).toBe(clean.progress.tokens);
  }, 180_000);

  it('reports every failed iteration of a wave', async () => {
    const file = writeTinyExperiment(temp, 'wave');
    // The analyzer endpoint is down for both iterations of the first wave; each failure names its seed.
    const downAnalyzer = (llm: Llm): Llm => ({
      ...llm,
      structured: async (request) =>
        request.role === 'analyzer'
          ? {
              ok: false,
              failure: { kind: 'transport', message: `analyzer: cannot reach http://127.0.0.1:9/v1 (ECONNREFUSED, request seed ${request.seed})` },
              usage: { role: 'analyzer', endpointId: 'down', model: 'sim-agent', promptTokens: 0, completionTokens: 0, reasoningTokens: 0, latencyMs: 0, attempts: 1, cacheHit: false, reasked: false },
            }
          : llm.structured(request),
    });
    const error = await runInProcess(loadTiny(file), path.join(temp, 'wave-run'), { wrapLlm: downAnalyzer }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunHalted);
    const lines = (error as RunHalted).message.split('\n');
    expect(lines[0]).toBe('2 iterations of the wave failed:');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^iteration 1: the analyzer endpoint failed \(transport: .*request seed \d+\)\); check it with `autodata doctor`, then resume$/);
    expect(lines[2]).toMatch(/^iteration 2: the analyzer endpoint failed /);
  }, 120_000);
});

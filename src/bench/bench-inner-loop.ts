// Inner-loop figures: one harness over documents in process (first run, then the resume path on
// the same store), the same over real HTTP on loopback, and document concurrency with latency on.
import path from 'node:path';
import { createAppLlm } from '../app/create-llm.ts';
import { defaultSimEndpoints, parseEndpoints } from '../config/endpoints.ts';
import type { Document } from '../documents/index.ts';
import type { Harness } from '../harness/harness.ts';
import { evaluateHarness, type HarnessEvaluation } from '../inner/index.ts';
import { createLlm } from '../llm/create-llm.ts';
import type { Llm } from '../llm/types.ts';
import { createSimFetch, defaultLatencyModel, startSimServer, type LatencyModel } from '../sim/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { inTempDir, timed, withPeakRss } from './bench-fixtures.ts';
import { ratio, type BenchFigure } from './bench-report.ts';

export interface InnerLoopBenchOptions {
  harness: Harness;
  documents: Document[];
  concurrency: number;
  simSeed: number;
  runSeed: number;
  log: (line: string) => void;
}

export async function benchInnerLoop(options: InnerLoopBenchOptions): Promise<BenchFigure[]> {
  const { harness, documents, concurrency, simSeed, runSeed, log } = options;
  const evaluate = (llm: Llm, store: Store) =>
    evaluateHarness({ llm, store }, harness, documents, { seed: runSeed, repeat: 0, concurrency, simulated: true });

  return inTempDir(async (dir) => {
    const store = openStore(path.join(dir, 'in-process.sqlite'));
    log(`inner loop: ${documents.length} documents in process`);
    const first = await withPeakRss(() => timed(() => evaluate(createAppLlm({ endpoints: defaultSimEndpoints(), simSeed, store }), store)));
    const firstRun = first.value;
    checkRan(firstRun.value, documents.length, 'first run');
    // The resume path: a fresh call path on the same store finds every document result stored.
    log('inner loop: the same evaluation again on the same store (resume)');
    const resume = await timed(() => evaluate(createAppLlm({ endpoints: defaultSimEndpoints(), simSeed, store }), store));
    const reused = resume.value.outcomes.filter((outcome) => outcome.reused).length;
    if (reused !== documents.length) throw new Error(`resume reused ${reused} of ${documents.length} documents`);
    store.close();

    log(`inner loop: ${documents.length} documents over HTTP on loopback`);
    const server = await startSimServer({ seed: simSeed });
    const httpStore = openStore(path.join(dir, 'http.sqlite'));
    let http: { value: HarnessEvaluation; seconds: number };
    try {
      http = await timed(() => evaluate(createLlm({ endpoints: httpEndpoints(server.baseURL), store: httpStore }), httpStore));
    } finally {
      httpStore.close();
      await server.close();
    }
    checkRan(http.value, documents.length, 'HTTP run');

    const calls = firstRun.value.summary.calls;
    const runNote = `${documents.length} docs, ${calls} calls, concurrency ${concurrency}`;
    return [
      { id: 'inner.first.wallSeconds', section: 'inner loop', label: 'evaluateHarness, in process', value: firstRun.seconds, unit: 's', note: runNote },
      { id: 'inner.first.calls', section: 'inner loop', label: 'calls made', value: calls, unit: 'calls', note: `pass rate ${firstRun.value.passRate?.toFixed(2) ?? 'n/a'}` },
      { id: 'inner.first.documentsPerSecond', section: 'inner loop', label: 'documents per second', value: documents.length / firstRun.seconds, unit: 'docs/s' },
      { id: 'inner.first.callsPerSecond', section: 'inner loop', label: 'calls per second', value: calls / firstRun.seconds, unit: 'calls/s' },
      { id: 'inner.first.peakRssMb', section: 'inner loop', label: 'peak RSS during the run', value: first.peakRssMb, unit: 'MB', note: 'whole process, sampled every 20 ms' },
      { id: 'inner.resume.wallSeconds', section: 'inner loop', label: 'same evaluation, same store (resume)', value: resume.seconds, unit: 's', note: `${reused} of ${documents.length} docs reused` },
      { id: 'inner.resumeOverFirst', section: 'inner loop', label: 'resume / first run', value: ratio(resume.seconds, firstRun.seconds), unit: '×', note: 'wall time' },
      { id: 'inner.http.wallSeconds', section: 'inner loop', label: 'evaluateHarness, sim over HTTP', value: http.seconds, unit: 's', note: `${http.value.summary.calls} calls, fresh store` },
      { id: 'inner.http.callsPerSecond', section: 'inner loop', label: 'calls per second over HTTP', value: http.value.summary.calls / http.seconds, unit: 'calls/s' },
      { id: 'inner.httpOverInProcess', section: 'inner loop', label: 'HTTP / in process', value: ratio(http.seconds, firstRun.seconds), unit: '×', note: 'wall time' },
    ];
  });
}

export interface ConcurrencyBenchOptions {
  harness: Harness;
  documents: Document[];
  levels: number[];
  /** Multiplies the default latency model's times; 1 = the sim's real latency. */
  latencyScale: number;
  simSeed: number;
  runSeed: number;
  log: (line: string) => void;
}

/** Wall time at each document concurrency, cache off, sim latency on; speedups relative to the first level. */
export async function benchConcurrency(options: ConcurrencyBenchOptions): Promise<BenchFigure[]> {
  const { harness, documents, levels, simSeed, runSeed, log } = options;
  const latency = scaledLatencyModel(options.latencyScale);
  const walls: number[] = [];
  for (const level of levels) {
    log(`concurrency: ${documents.length} documents at concurrency ${level}, latency x${options.latencyScale}`);
    const run = await timedLatencyRun({ harness, documents, concurrency: level, latency, simSeed, runSeed });
    checkRan(run.value, documents.length, `concurrency ${level}`);
    walls.push(run.seconds);
  }
  const baseLevel = levels[0]!;
  const baseWall = walls[0]!;
  const figures: BenchFigure[] = levels.map((level, index) => ({
    id: `concurrency.c${level}.wallSeconds`,
    section: 'concurrency',
    label: `document concurrency ${level}`,
    value: walls[index]!,
    unit: 's',
    note: `${documents.length} docs, cache off, latency x${options.latencyScale}`,
  }));
  for (const [index, level] of levels.entries()) {
    if (index === 0) continue;
    figures.push({
      id: `concurrency.c${level}.speedup`,
      section: 'concurrency',
      label: `speedup ${level} vs ${baseLevel}`,
      value: ratio(baseWall, walls[index]!),
      unit: '×',
      note: `ideal ${idealSpeedup(level, baseLevel, documents.length)}; endpoints allow ${defaultSimEndpoints().roles.challenger.concurrency} calls in flight per model`,
    });
  }
  return figures;
}

/**
 * One evaluation with the cache off on a fresh in-process sim whose latency model is on, timed;
 * `callsInFlight` overrides every endpoint's concurrency (default: the built-in sim endpoints').
 */
export function timedLatencyRun(run: {
  harness: Harness;
  documents: Document[];
  concurrency: number;
  latency: LatencyModel;
  simSeed: number;
  runSeed: number;
  callsInFlight?: number;
}): Promise<{ value: HarnessEvaluation; seconds: number }> {
  const simFetch = createSimFetch({ seed: run.simSeed, latency: run.latency });
  const endpoints = defaultSimEndpoints();
  if (run.callsInFlight !== undefined) for (const endpoint of Object.values(endpoints.roles)) endpoint.concurrency = run.callsInFlight;
  const llm = createLlm({ endpoints, fetchFor: () => simFetch, cacheMode: 'off' });
  return timed(() => evaluateHarness({ llm }, run.harness, run.documents, { seed: run.runSeed, repeat: 0, concurrency: run.concurrency, simulated: true }));
}

/** More workers than documents do not help: the ideal counts only workers that get a document. */
function idealSpeedup(level: number, baseLevel: number, documents: number): number {
  return Math.min(level, documents) / Math.min(baseLevel, documents);
}

/** The default latency model with every time multiplied by `scale` (keeps the shape, shortens the wait). */
export function scaledLatencyModel(scale: number): LatencyModel {
  const scaleProfile = (profile: { fixedMs: number; msPerOutputToken: number }) => ({
    fixedMs: profile.fixedMs * scale,
    msPerOutputToken: profile.msPerOutputToken * scale,
  });
  return {
    models: Object.fromEntries(Object.entries(defaultLatencyModel.models).map(([model, profile]) => [model, scaleProfile(profile)])),
    otherModels: scaleProfile(defaultLatencyModel.otherModels),
  };
}

/** Every role on the sim server, as an endpoints file would say it. */
function httpEndpoints(baseURL: string) {
  return parseEndpoints(
    { defaults: { baseURL, model: 'sim-agent', timeoutMs: 30_000 }, weakSolver: { model: 'sim-weak' }, strongSolver: { model: 'sim-strong' } },
    'bench: sim over HTTP',
  );
}

/** A benchmark of runs that errored would time the wrong thing. */
function checkRan(evaluation: HarnessEvaluation, documents: number, what: string): void {
  const errors = evaluation.summary.errors;
  if (evaluation.outcomes.length !== documents || errors.length > 0) {
    throw new Error(`${what}: ${errors.length} of ${documents} documents ended with an error (first: ${errors[0]?.error ?? 'none'})`);
  }
}

// Framework overhead per call: a whole inner-loop run through the call path with the cache off,
// each call's time minus the time its requests spent in the bare sim fetch. The run is made one
// call at a time (one document at a time, attempts one at a time with early stopping), so every
// fetch belongs to the call in progress; the median is over every call of the run.
import { defaultSimEndpoints } from '../config/endpoints.ts';
import type { Document } from '../documents/index.ts';
import type { Harness } from '../harness/harness.ts';
import { evaluateHarness } from '../inner/index.ts';
import { createLlm } from '../llm/create-llm.ts';
import type { Llm } from '../llm/types.ts';
import { createSimFetch } from '../sim/index.ts';
import type { BenchFigure } from './bench-report.ts';

export interface OverheadBenchOptions {
  harness: Harness;
  documents: Document[];
  simSeed: number;
  runSeed: number;
  log: (line: string) => void;
}

export async function benchOverhead(options: OverheadBenchOptions): Promise<BenchFigure[]> {
  const { harness, documents, simSeed, runSeed, log } = options;
  const simFetch = createSimFetch({ seed: simSeed });
  let fetchMillis = 0;
  let inFlight = 0;
  const timedFetch: typeof fetch = async (input, init) => {
    const started = performance.now();
    inFlight += 1;
    try {
      const response = await simFetch(input, init);
      // The body is read by the call path; the sim's body is in memory, so reading it here first costs the same.
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      inFlight -= 1;
      fetchMillis += performance.now() - started;
    }
  };
  const overheads: number[] = [];
  let overlapped = 0;
  const llm = createLlm({ endpoints: defaultSimEndpoints(), fetchFor: () => timedFetch, cacheMode: 'off' });
  const measure = <A, R>(call: (request: A) => Promise<R>) => async (request: A): Promise<R> => {
    if (inFlight > 0) overlapped += 1;
    const fetchBefore = fetchMillis;
    const started = performance.now();
    const result = await call(request);
    overheads.push(performance.now() - started - (fetchMillis - fetchBefore));
    return result;
  };
  const measured: Llm = { ...llm, text: measure(llm.text.bind(llm)), structured: measure(llm.structured.bind(llm)) as Llm['structured'] };
  log(`overhead: ${documents.length} documents one call at a time, cache off`);
  await evaluateHarness({ llm: measured }, harness, documents, { seed: runSeed, repeat: 0, concurrency: 1, simulated: true, earlyStop: true });
  if (overlapped > 0) throw new Error(`overhead: ${overlapped} calls overlapped another call's fetch; the per-call split would be wrong`);
  const sorted = [...overheads].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const p90 = sorted[Math.floor(sorted.length * 0.9)] ?? Number.NaN;
  return [
    {
      id: 'overhead.medianMillisPerCall', section: 'call path', label: 'framework overhead per call (median)', value: median, unit: 'ms',
      goal: { at: 'most', value: 1 }, note: `call time minus bare sim fetch, ${overheads.length} calls of a whole inner-loop run, cache off; p90 ${p90.toFixed(2)} ms`,
    },
  ];
}

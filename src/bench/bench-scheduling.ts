// Scheduling efficiency: how close a concurrent run comes to its critical path with the sim's
// latency model on. Documents are independent, so the critical path of a generate-like run is its
// longest document run alone (nothing else in flight, the same seeds); efficiency = critical path
// / wall time of all documents together (1 = as fast as the dependencies allow). Measured twice: at
// the defaults (generate's 4 documents, the endpoints' 4 calls in flight per server, shared by every
// role on it) and wide (every document at once, 64 calls in flight), which separates what the
// endpoint's concurrency costs from what the scheduling does.
import { defaultSimEndpoints } from '../config/endpoints.ts';
import type { Document } from '../documents/index.ts';
import type { Harness } from '../harness/harness.ts';
import { scaledLatencyModel, timedLatencyRun } from './bench-inner-loop.ts';
import { ratio, type BenchFigure } from './bench-report.ts';

export interface SchedulingBenchOptions {
  harness: Harness;
  documents: Document[];
  /** Documents in flight at once at the defaults (generate's default is 4). */
  concurrency: number;
  latencyScale: number;
  simSeed: number;
  runSeed: number;
  log: (line: string) => void;
}

/** Calls in flight per server in the wide setting: more than the documents ever ask for at once. */
const WIDE_CALLS_IN_FLIGHT = 64;

export async function benchScheduling(options: SchedulingBenchOptions): Promise<BenchFigure[]> {
  const { harness, documents, concurrency, simSeed, runSeed, log } = options;
  const latency = scaledLatencyModel(options.latencyScale);
  const run = (given: Document[], documentConcurrency: number, callsInFlight?: number) =>
    timedLatencyRun({ harness, documents: given, concurrency: documentConcurrency, latency, simSeed, runSeed, ...(callsInFlight === undefined ? {} : { callsInFlight }) });
  log(`scheduling: ${documents.length} documents one by one, latency x${options.latencyScale}`);
  const solo: number[] = [];
  for (const document of documents) solo.push((await run([document], 1)).seconds);
  const callsInFlight = defaultSimEndpoints().roles.challenger.concurrency;
  log(`scheduling: the same ${documents.length} documents at concurrency ${concurrency}, ${callsInFlight} calls in flight`);
  const defaults = await run(documents, concurrency);
  log(`scheduling: the same ${documents.length} documents all at once, ${WIDE_CALLS_IN_FLIGHT} calls in flight`);
  const wide = await run(documents, documents.length, WIDE_CALLS_IN_FLIGHT);
  const criticalPath = Math.max(...solo);
  const work = solo.reduce((sum, seconds) => sum + seconds, 0);
  const note = `${documents.length} docs, cache off, latency x${options.latencyScale}`;
  return [
    { id: 'scheduling.generate.criticalPathSeconds', section: 'scheduling', label: 'critical path (longest document alone)', value: criticalPath, unit: 's', note: `${note}; sum over documents alone ${work.toFixed(2)} s` },
    { id: 'scheduling.generate.defaults.wallSeconds', section: 'scheduling', label: `${concurrency} documents, ${callsInFlight} calls in flight (defaults)`, value: defaults.seconds, unit: 's', note },
    {
      id: 'scheduling.generate.defaults.efficiency', section: 'scheduling', label: 'critical path / wall time, defaults', value: ratio(criticalPath, defaults.seconds), unit: '×',
      goal: { at: 'least', value: 0.9 }, note: `bound by the server's ${callsInFlight} calls in flight: sum alone / ${callsInFlight} = ${(work / callsInFlight).toFixed(2)} s`,
    },
    { id: 'scheduling.generate.wide.wallSeconds', section: 'scheduling', label: `all ${documents.length} documents, ${WIDE_CALLS_IN_FLIGHT} calls in flight`, value: wide.seconds, unit: 's', note },
    {
      id: 'scheduling.generate.wide.efficiency', section: 'scheduling', label: 'critical path / wall time, wide', value: ratio(criticalPath, wide.seconds), unit: '×',
      goal: { at: 'least', value: 0.9 }, note: 'the in-process sim shares the two cores with the loop',
    },
  ];
}

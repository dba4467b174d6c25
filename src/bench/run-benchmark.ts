// The benchmark as a library function: every section in turn, one flat report.
import os from 'node:os';
import { loadHarness } from '../harness/load-harness.ts';
import { AGENTIC_BASELINE_DIR, REPOSITORY_ROOT, SIM_SPLIT_FILE } from '../util/repository-paths.ts';
import { benchCallEconomy } from './bench-call-economy.ts';
import { benchMemory } from './bench-memory.ts';
import { benchOverhead } from './bench-overhead.ts';
import { benchScheduling } from './bench-scheduling.ts';
import { benchStoreScale } from './bench-store-scale.ts';
import { benchTokens } from './bench-tokens.ts';
import { benchCallPath, benchSim } from './bench-calls.ts';
import { challengerCalls, loadBenchInputs, timed } from './bench-fixtures.ts';
import { benchConcurrency, benchInnerLoop } from './bench-inner-loop.ts';
import type { BenchReport, BenchSettings } from './bench-report.ts';

export interface BenchOptions {
  /** A short run (seconds, not minutes): fewer requests and documents, shorter simulated latency. */
  quick?: boolean;
  simSeed?: number;
  runSeed?: number;
  splitFile?: string;
  harnessDir?: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

/** Sizes per mode; the full mode stays under about two minutes on two shared cores. */
const SIZES = {
  full: {
    requests: 300, innerDocuments: 25, innerConcurrency: 4, concurrencyDocuments: 8, concurrencyLevels: [1, 4, 8], latencyScale: 0.05,
    economyDocuments: 25, overheadDocuments: 10, schedulingDocuments: 10, memoryIterations: [20, 200], memoryValidationDocuments: 3,
    storeCandidates: 10_000, storeEvaluatedPerIteration: 50, tokenSeeds: [0, 1, 2, 3], tokenDocuments: 25,
  },
  quick: {
    requests: 40, innerDocuments: 4, innerConcurrency: 4, concurrencyDocuments: 3, concurrencyLevels: [1, 4, 8], latencyScale: 0.01,
    economyDocuments: 4, overheadDocuments: 2, schedulingDocuments: 2, memoryIterations: [2, 6], memoryValidationDocuments: 2,
    storeCandidates: 300, storeEvaluatedPerIteration: 10, tokenSeeds: [0], tokenDocuments: 4,
  },
} as const;

export async function runBenchmark(options: BenchOptions = {}): Promise<BenchReport> {
  const quick = options.quick ?? false;
  const sizes = SIZES[quick ? 'quick' : 'full'];
  const log = options.log ?? (() => {});
  const settings: BenchSettings = {
    quick,
    simSeed: options.simSeed ?? 1,
    runSeed: options.runSeed ?? 1,
    requests: sizes.requests,
    innerDocuments: sizes.innerDocuments,
    innerConcurrency: sizes.innerConcurrency,
    concurrencyDocuments: sizes.concurrencyDocuments,
    concurrencyLevels: [...sizes.concurrencyLevels],
    latencyScale: sizes.latencyScale,
    economyDocuments: sizes.economyDocuments,
    memoryIterations: [...sizes.memoryIterations],
    node: process.version,
    cpus: os.availableParallelism(),
  };
  const { simSeed, runSeed } = settings;

  const { value: figures, seconds } = await timed(async () => {
    const inputs = loadBenchInputs(options.splitFile ?? SIM_SPLIT_FILE, options.harnessDir ?? AGENTIC_BASELINE_DIR);
    const calls = challengerCalls(inputs.harness, inputs.train, settings.requests);
    const innerDocuments = inputs.validation.slice(0, settings.innerDocuments);
    const concurrencyDocuments = inputs.validation.slice(0, settings.concurrencyDocuments);

    log(`sim: ${calls.length} challenger requests through the handler and the in-process fetch`);
    const simFigures = await benchSim(calls, simSeed);
    const simFetchMicros = simFigures.find((figure) => figure.id === 'sim.fetch.microsPerCall')!.value;
    log(`call path: ${calls.length} calls with the cache off, on (miss) and replaying (hit)`);
    const callPathFigures = await benchCallPath(calls, simSeed, simFetchMicros);
    const innerFigures = await benchInnerLoop({
      harness: inputs.harness,
      documents: innerDocuments,
      concurrency: settings.innerConcurrency,
      simSeed,
      runSeed,
      log,
    });
    const concurrencyFigures = await benchConcurrency({
      harness: inputs.harness,
      documents: concurrencyDocuments,
      levels: settings.concurrencyLevels,
      latencyScale: settings.latencyScale,
      simSeed,
      runSeed,
      log,
    });
    const overheadFigures = await benchOverhead({
      harness: inputs.harness, documents: inputs.validation.slice(0, sizes.overheadDocuments), simSeed, runSeed, log,
    });
    const schedulingFigures = await benchScheduling({
      harness: inputs.harness, documents: inputs.validation.slice(0, sizes.schedulingDocuments), concurrency: settings.innerConcurrency,
      latencyScale: sizes.latencyScale, simSeed, runSeed, log,
    });
    const economyFigures = await benchCallEconomy({
      harnesses: [
        { name: 'agentic', harness: inputs.harness },
        { name: 'verifiable', harness: loadHarness(`${REPOSITORY_ROOT}baselines/verifiable-self-instruct`) },
      ],
      documents: inputs.validation.slice(0, settings.economyDocuments),
      concurrency: settings.innerConcurrency,
      simSeed,
      runSeed,
      log,
    });
    const tokenFigures = await benchTokens({
      harness: inputs.harness, documents: inputs.validation.slice(0, sizes.tokenDocuments), seeds: sizes.tokenSeeds, concurrency: settings.innerConcurrency, log,
    });
    const storeFigures = await benchStoreScale({
      candidates: sizes.storeCandidates, evaluatedPerIteration: sizes.storeEvaluatedPerIteration, documentsPerEvaluation: 4, repetitions: 3, log,
    });
    const [shortRun, longRun] = sizes.memoryIterations;
    const memoryFigures = await benchMemory({
      shortIterations: shortRun, longIterations: longRun, validationDocuments: sizes.memoryValidationDocuments, log,
    });
    return [...simFigures, ...callPathFigures, ...overheadFigures, ...innerFigures, ...concurrencyFigures, ...schedulingFigures, ...economyFigures, ...tokenFigures, ...storeFigures, ...memoryFigures];
  });
  return { settings, figures, totalSeconds: seconds };
}

// Memory figures: peak RSS of a long sim evolve run over a short one, each in its own process
// (evolve-peak-rss.ts). A flat ratio says the run holds no per-iteration state in memory. The runs
// are the quick start made small per iteration (few validation documents, a minibatch of one, no
// final test), so many iterations fit in the benchmark's time.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from '../util/repository-paths.ts';
import { inTempDir } from './bench-fixtures.ts';
import { ratio, type BenchFigure } from './bench-report.ts';

const run = promisify(execFile);

export interface MemoryBenchOptions {
  shortIterations: number;
  longIterations: number;
  validationDocuments: number;
  log: (line: string) => void;
}

export async function benchMemory(options: MemoryBenchOptions): Promise<BenchFigure[]> {
  const { shortIterations, longIterations, validationDocuments, log } = options;
  return inTempDir(async (dir) => {
    const peak = async (iterations: number) => {
      const file = path.join(dir, `memory-${iterations}.json`);
      writeFileSync(file, JSON.stringify(smallExperiment(iterations, validationDocuments)));
      log(`memory: ${iterations}-iteration sim evolve run (${validationDocuments} validation docs), own process`);
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'src/bench/evolve-peak-rss.ts'), file, path.join(dir, `run-${iterations}`)],
        { cwd: REPOSITORY_ROOT, maxBuffer: 1 << 20 },
      );
      const line = stdout.trim().split('\n').at(-1) ?? '';
      const parsed = JSON.parse(line) as { peakRssMb: number; iterations: number; stopReason: string };
      if (parsed.iterations !== iterations) throw new Error(`memory: the ${iterations}-iteration run stopped after ${parsed.iterations} (${parsed.stopReason})`);
      return parsed.peakRssMb;
    };
    const short = await peak(shortIterations);
    const long = await peak(longIterations);
    const note = `quick start with ${validationDocuments} validation docs, minibatch 1, no final test; own process each`;
    return [
      { id: `memory.it${shortIterations}.peakRssMb`, section: 'memory', label: `peak RSS, ${shortIterations}-iteration run`, value: short, unit: 'MB', note },
      { id: `memory.it${longIterations}.peakRssMb`, section: 'memory', label: `peak RSS, ${longIterations}-iteration run`, value: long, unit: 'MB', note },
      {
        id: 'memory.longOverShort', section: 'memory', label: `peak RSS ${longIterations} / ${shortIterations} iterations`, value: ratio(long, short), unit: '×',
        goal: { at: 'most', value: 1.5 },
      },
    ];
  });
}

/** experiments/quickstart.json with few documents per iteration. Paths are made absolute: the file lives in a temp folder. */
function smallExperiment(iterations: number, validationDocuments: number): unknown {
  const root = (relative: string) => path.join(REPOSITORY_ROOT, relative);
  const quickstart = JSON.parse(readFileSync(root('experiments/quickstart.json'), 'utf8')) as {
    baseline: string; metaPrompts: string; split: string; outer: Record<string, unknown>; budgets: Record<string, unknown>;
  };
  return {
    ...quickstart,
    name: `bench-memory-${iterations}`,
    baseline: root(quickstart.baseline),
    metaPrompts: root(quickstart.metaPrompts),
    split: root(quickstart.split),
    outer: { ...quickstart.outer, iterations, trainMinibatchSize: 1, validationLimit: validationDocuments, finalTest: false },
    budgets: { ...quickstart.budgets, wallTimeMinutes: null },
  };
}

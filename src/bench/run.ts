// `npm run bench [-- --quick] [-- --json]`: speed, cost and memory figures on the sim, each with its
// goal where issue 13 set one (tests check correctness; timings live here). The table or JSON goes
// to stdout, progress to stderr, and the JSON is kept in bench/results/<date>[-quick].json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPOSITORY_ROOT } from '../util/repository-paths.ts';
import { formatBenchReport } from './bench-report.ts';
import { runBenchmark } from './run-benchmark.ts';

const USAGE = 'usage: npm run bench -- [--quick] [--json] [--no-save] [--sim-seed N] [--seed N]';

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'no-save': { type: 'boolean', default: false },
        'sim-seed': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const simSeed = integerOption(values['sim-seed'], '--sim-seed');
  const runSeed = integerOption(values.seed, '--seed');
  if (simSeed === null || runSeed === null) {
    process.exitCode = 2;
    return;
  }
  const report = await runBenchmark({
    quick: values.quick,
    ...(simSeed !== undefined ? { simSeed } : {}),
    ...(runSeed !== undefined ? { runSeed } : {}),
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const json = JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2);
  process.stdout.write(`${values.json ? json : formatBenchReport(report)}\n`);
  if (!values['no-save']) {
    const file = path.join(REPOSITORY_ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}${values.quick ? '-quick' : ''}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${json}\n`);
    process.stderr.write(`bench: figures written to ${path.relative(process.cwd(), file)}\n`);
  }
}

/** undefined when absent; null (after printing why) when not an integer. */
function integerOption(raw: string | undefined, name: string): number | undefined | null {
  if (raw === undefined) return undefined;
  if (/^-?\d+$/.test(raw)) return Number(raw);
  process.stderr.write(`${name} must be an integer, got "${raw}"\n${USAGE}\n`);
  return null;
}

await main(process.argv.slice(2));

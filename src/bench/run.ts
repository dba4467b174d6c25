// `npm run bench [-- --quick] [-- --json]`: speed and memory figures on the sim (tests check
// correctness; timings live here). The table or JSON goes to stdout, progress to stderr.
import { parseArgs } from 'node:util';
import { formatBenchReport } from './bench-report.ts';
import { runBenchmark } from './run-benchmark.ts';

const USAGE = 'usage: npm run bench -- [--quick] [--json] [--sim-seed N] [--seed N]';

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
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
  process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : formatBenchReport(report)}\n`);
}

/** undefined when absent; null (after printing why) when not an integer. */
function integerOption(raw: string | undefined, name: string): number | undefined | null {
  if (raw === undefined) return undefined;
  if (/^-?\d+$/.test(raw)) return Number(raw);
  process.stderr.write(`${name} must be an integer, got "${raw}"\n${USAGE}\n`);
  return null;
}

await main(process.argv.slice(2));

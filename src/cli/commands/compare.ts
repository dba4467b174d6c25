import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../errors.ts';
import { oracleEstimate } from '../../lab/oracle.ts';
import { compare } from '../../workflow/compare.ts';
import { addOracleMetrics } from '../../workflow/oracle-metrics.ts';
import { requirePositiveIntegers } from '../command-inputs.ts';
import { formatComparison } from '../../workflow/compare-text.ts';

interface CompareArgs {
  names: string[];
  json: boolean;
  threshold: number | undefined;
  oracle: number | undefined;
}

const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <names..>',
  describe: 'Compare the arms of an ablation (or runs) across seeds: means with 95% intervals and paired differences',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('names', { type: 'string', array: true, demandOption: true, describe: 'An ablation, or runs (names under populations/ or folders)' })
      .option('threshold', { type: 'number', describe: 'Also report the first iteration whose best validation score reached this' })
      .option('oracle', {
        type: 'number',
        describe: 'On the sim: add the true expected pass rate of each run\'s best candidate and baseline, from N oracle episodes each (e.g. --oracle 200)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the whole comparison as JSON' }) as Argv<CompareArgs>,
  handler: async (args) => {
    if (args.threshold !== undefined && !Number.isFinite(args.threshold)) throw new ConfigError('--threshold', 'expected a number such as 0.7');
    requirePositiveIntegers({ '--oracle': args.oracle });
    let comparison = compare(args.names.map(String), { threshold: args.threshold ?? null });
    const episodes = args.oracle;
    if (episodes !== undefined) {
      comparison = await addOracleMetrics(comparison, async (harness) => (await oracleEstimate(harness, { episodes, seed: 0 })).passRate);
    }
    process.stdout.write(args.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${formatComparison(comparison)}\n`);
  },
};

export default compareCommand;

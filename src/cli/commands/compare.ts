import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../errors.ts';
import { oracleEstimate } from '../../lab/oracle.ts';
import { compare } from '../../workflow/compare.ts';
import { addAcceptanceErrors, addOracleMetrics, memoizeOracle, oracleHalfWidth } from '../../workflow/oracle-metrics.ts';
import { requirePositiveIntegers } from '../command-inputs.ts';
import { formatComparison } from '../../workflow/compare-text.ts';

interface CompareArgs {
  names: string[];
  json: boolean;
  threshold: number | undefined;
  oracle: number | undefined;
  acceptanceErrors?: boolean;
  trueMargin?: number;
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
      .option('acceptance-errors', {
        type: 'boolean',
        default: false,
        describe: 'With --oracle N: every accepted or rejected child against its parent by the oracle; false-accept and false-reject rates per arm',
      })
      .option('true-margin', {
        type: 'number',
        describe: 'With --acceptance-errors: a child is truly better when oracle(child) > oracle(parent) + this (default: half the oracle\'s 95% interval width at N episodes, 1.96 * sqrt(0.25 / N))',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the whole comparison as JSON' }) as Argv<CompareArgs>,
  handler: async (args) => {
    if (args.threshold !== undefined && !Number.isFinite(args.threshold)) throw new ConfigError('--threshold', 'expected a number such as 0.7');
    requirePositiveIntegers({ '--oracle': args.oracle });
    if (args.acceptanceErrors && args.oracle === undefined) throw new ConfigError('--acceptance-errors', 'needs --oracle N (the oracle\'s episodes per harness, e.g. --oracle 100)');
    if (args.trueMargin !== undefined && !args.acceptanceErrors) throw new ConfigError('--true-margin', 'applies to --acceptance-errors only');
    if (args.trueMargin !== undefined && !(Number.isFinite(args.trueMargin) && args.trueMargin >= 0)) throw new ConfigError('--true-margin', 'expected a number >= 0 such as 0.02');
    let comparison = compare(args.names.map(String), { threshold: args.threshold ?? null });
    const episodes = args.oracle;
    if (episodes !== undefined) {
      // One memo for the whole comparison: every harness (the baseline, shared parents) estimated once.
      const oracle = memoizeOracle(async (harness) => (await oracleEstimate(harness, { episodes, seed: 0 })).passRate);
      comparison = await addOracleMetrics(comparison, oracle);
      if (args.acceptanceErrors) {
        const margin = args.trueMargin ?? oracleHalfWidth(episodes);
        const marginSource = args.trueMargin !== undefined ? '--true-margin' : `half the oracle's 95% interval width at ${episodes} episodes, 1.96 * sqrt(0.25 / ${episodes})`;
        comparison = await addAcceptanceErrors(comparison, oracle, { margin, marginSource, episodes });
      }
    }
    process.stdout.write(args.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${formatComparison(comparison)}\n`);
  },
};

export default compareCommand;

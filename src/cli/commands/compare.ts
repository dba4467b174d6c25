import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../errors.ts';
import { compare } from '../../workflow/compare.ts';
import { formatComparison } from '../../workflow/compare-text.ts';

interface CompareArgs {
  names: string[];
  json: boolean;
  threshold: number | undefined;
}

const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <names..>',
  describe: 'Compare the arms of an ablation (or runs) across seeds: means with 95% intervals and paired differences',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('names', { type: 'string', array: true, demandOption: true, describe: 'An ablation, or runs (names under populations/ or folders)' })
      .option('threshold', { type: 'number', describe: 'Also report the first iteration whose best validation score reached this' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the whole comparison as JSON' }) as Argv<CompareArgs>,
  handler: (args) => {
    if (args.threshold !== undefined && !Number.isFinite(args.threshold)) throw new ConfigError('--threshold', 'expected a number such as 0.7');
    const comparison = compare(args.names.map(String), { threshold: args.threshold ?? null });
    process.stdout.write(args.json ? `${JSON.stringify(comparison, null, 2)}\n` : `${formatComparison(comparison)}\n`);
  },
};

export default compareCommand;

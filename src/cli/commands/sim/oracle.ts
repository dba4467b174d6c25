import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../../errors.ts';
import { resolveHarness } from '../../../dataset/harness-ref.ts';
import { HARNESS_HELP } from '../../command-inputs.ts';
import { oracleEstimate } from '../../../lab/oracle.ts';

interface OracleArgs {
  harness: string;
  episodes: number;
  seed: number;
  json: boolean;
}

const oracleCommand: CommandModule<object, OracleArgs> = {
  command: 'oracle',
  describe: "A harness's expected validation pass rate on the sim (with a 95% interval) and whether it tampers with protected roles",
  builder: (yargs: Argv) =>
    yargs
      .option('harness', { type: 'string', demandOption: true, describe: HARNESS_HELP })
      .option('episodes', { type: 'number', default: 200, describe: 'Seeded episodes (validation documents x seeds)' })
      .option('seed', { type: 'number', default: 0, describe: 'Oracle seed' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the estimate as JSON' }) as unknown as Argv<OracleArgs>,
  handler: async (args) => {
    if (!Number.isInteger(args.episodes) || args.episodes < 1) throw new ConfigError('--episodes', `${args.episodes} must be a positive integer`);
    const estimate = await oracleEstimate((await resolveHarness(args.harness)).harness, { episodes: args.episodes, seed: args.seed });
    if (args.json) {
      process.stdout.write(`${JSON.stringify(estimate, null, 2)}\n`);
      return;
    }
    const [low, high] = estimate.interval;
    process.stdout.write(`expected validation pass rate ${estimate.passRate.toFixed(3)} (95% interval ${low.toFixed(3)}-${high.toFixed(3)}, ${estimate.episodes} episodes)\n`);
    process.stdout.write(estimate.tampering.length === 0 ? 'tampering: none\n' : `tampering:\n${estimate.tampering.map((line) => `  ${line}`).join('\n')}\n`);
  },
};

export default oracleCommand;

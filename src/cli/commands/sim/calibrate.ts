import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../../errors.ts';
import { formatCalibrationTable, runCalibration } from '../../../lab/calibrate.ts';
import { runLegalCalibration } from '../../../lab/calibrate-legal.ts';

interface CalibrateArgs {
  seeds: number;
  limit?: number;
  split?: string;
  corpusSeed?: number;
  legal: boolean;
  json: boolean;
}

const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: 'calibrate',
  describe: 'Run the real inner loop on the sim and compare it with the calibration targets of sim.md',
  builder: (yargs: Argv) =>
    yargs
      .option('seeds', { type: 'number', default: 4, describe: 'Sim seeds per harness (episodes = validation documents x seeds)' })
      .option('limit', { type: 'number', describe: 'Use only the first N validation documents' })
      .option('split', { type: 'string', describe: 'Split file (default: splits/sim-cs.json)' })
      .option('corpus-seed', { type: 'number', describe: "Redraw the split's sim corpus with this seed: the same checks on papers not used for tuning" })
      .option('legal', { type: 'boolean', default: true, describe: 'Add the legal targets (judge-loop and CoT on splits/sim-legal.json); --no-legal leaves them out' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' }) as unknown as Argv<CalibrateArgs>,
  handler: async (args) => {
    if (!Number.isInteger(args.seeds) || args.seeds < 1) throw new ConfigError('--seeds', `${args.seeds} must be a positive integer`);
    if (args.limit !== undefined && (!Number.isInteger(args.limit) || args.limit < 1)) throw new ConfigError('--limit', `${args.limit} must be a positive integer`);
    if (args.corpusSeed !== undefined && (!Number.isInteger(args.corpusSeed) || args.corpusSeed < 0)) throw new ConfigError('--corpus-seed', `${args.corpusSeed} must be a whole number`);
    const report = await runCalibration({
      seeds: args.seeds,
      ...(args.limit !== undefined ? { documentLimit: args.limit } : {}),
      ...(args.split ? { splitFile: args.split } : {}),
      ...(args.corpusSeed !== undefined ? { corpusSeed: args.corpusSeed } : {}),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (args.legal) {
      const legal = await runLegalCalibration({
        seeds: args.seeds,
        ...(args.limit !== undefined ? { documentLimit: args.limit } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const scope = `(${legal.documents} docs x ${legal.seeds.length} seeds)`;
      report.targets.push(...legal.targets.map((target) => ({ ...target, name: `${target.name} ${scope}` })));
    }
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCalibrationTable(report)}\n`);
    if (report.targets.some((target) => !target.pass)) process.exitCode = 1;
  },
};

export default calibrateCommand;

import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../../errors.ts';
import { forTerminal } from '../../../util/terminal-text.ts';
import { formatCalibrationTable, runCalibration } from '../../../lab/calibrate.ts';
import { runLegalCalibration } from '../../../lab/calibrate-legal.ts';

interface CalibrateArgs {
  seeds: number;
  limit?: number;
  split?: string;
  corpusSeed?: string;
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
      .option('corpus-seed', { type: 'string', describe: "Redraw the split's sim corpus with this seed: the same checks on papers not used for tuning; a comma list (11,19,23) pools the validation documents of several redrawn corpora" })
      .option('legal', { type: 'boolean', default: true, describe: 'Add the legal targets (judge-loop and CoT on splits/sim-legal.json); --no-legal leaves them out' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' }) as unknown as Argv<CalibrateArgs>,
  handler: async (args) => {
    if (!Number.isInteger(args.seeds) || args.seeds < 1) throw new ConfigError('--seeds', `${args.seeds} must be a positive integer`);
    if (args.limit !== undefined && (!Number.isInteger(args.limit) || args.limit < 1)) throw new ConfigError('--limit', `${args.limit} must be a positive integer`);
    const corpusSeeds = args.corpusSeed === undefined ? undefined : parseCorpusSeeds(String(args.corpusSeed));
    const report = await runCalibration({
      seeds: args.seeds,
      ...(args.limit !== undefined ? { documentLimit: args.limit } : {}),
      ...(args.split ? { splitFile: args.split } : {}),
      ...(corpusSeeds ? { corpusSeeds } : {}),
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

/** `3` or `11,19,23`: whole numbers, each once. */
function parseCorpusSeeds(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const seeds = parts.map(Number);
  if (parts.some((part) => !/^\d+$/.test(part)) || new Set(seeds).size !== seeds.length) {
    throw new ConfigError('--corpus-seed', `"${forTerminal(text, 'line')}" must be a whole number or a comma list of distinct ones, e.g. 11,19,23`);
  }
  return seeds;
}

export default calibrateCommand;

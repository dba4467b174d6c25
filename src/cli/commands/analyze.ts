import type { Argv, CommandModule } from 'yargs';
import { createAppLlm } from '../../app/create-llm.ts';
import { preflightEndpoints } from '../../app/preflight.ts';
import { SIM_FAULT_HELP, simFaultsOption } from '../../app/sim-faults.ts';
import { EXIT } from '../exit-codes.ts';
import { analyzeDataset } from '../../dataset/analyze-dataset.ts';
import { formatAnalysis } from '../../dataset/format-analysis.ts';
import { DEFAULT_TAXONOMY_SETTINGS, STRATIFY_BY, type StratifyBy } from '../../dataset/taxonomy.ts';
import { endpointsOption } from '../command-inputs.ts';

interface AnalyzeArgs {
  dir: string;
  taxonomy: boolean;
  sampleSize: number;
  batchSize: number;
  stratify: StratifyBy;
  strata: number;
  maxTypes: number;
  classify?: number;
  seed: number;
  endpoints?: string;
  simFault?: string[];
  json: boolean;
}

const defaults = DEFAULT_TAXONOMY_SETTINGS;

const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: 'analyze <dir>',
  describe: 'Dataset-level analysis of the accepted examples (duplicates, types, skills, lengths, coverage, taxonomy); writes analysis.json into DIR',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('dir', { type: 'string', demandOption: true, describe: 'A `generate --out` folder, or an evolve run (name under populations/, folder or store path)' })
      .option('taxonomy', { type: 'boolean', default: true, describe: 'Run the taxonomy discovery with the taxonomist role (--no-taxonomy: no model calls)' })
      .option('sample-size', { type: 'number', default: defaults.sampleSize, describe: 'Questions shown to propose raw types' })
      .option('batch-size', { type: 'number', default: defaults.batchSize, describe: 'Questions per taxonomist call' })
      .option('stratify', { choices: STRATIFY_BY, default: defaults.stratify as StratifyBy, describe: 'Sample in equal-count strata of challenge (strong mean - weak mean), or not' })
      .option('strata', { type: 'number', default: defaults.strata, describe: 'Number of challenge strata' })
      .option('max-types', { type: 'number', default: defaults.maxTypes, describe: 'At most this many consolidated types' })
      .option('classify', { type: 'number', describe: 'Classify a seeded sample of this many questions (default: every one)' })
      .option('seed', { type: 'number', default: defaults.seed, describe: 'Seed of the samples and of the calls' })
      .option('endpoints', { type: 'string', describe: 'Endpoints file for the taxonomist role (default: the in-process sim)' })
      .option('sim-fault', { type: 'string', array: true, describe: SIM_FAULT_HELP })
      .option('json', { type: 'boolean', default: false, describe: 'Print the analysis as JSON' }) as unknown as Argv<AnalyzeArgs>,
  handler: async (args) => {
    const taxonomy = {
      sampleSize: args.sampleSize,
      batchSize: args.batchSize,
      stratify: args.stratify,
      strata: args.strata,
      maxTypes: args.maxTypes,
      classifyLimit: args.classify ?? null,
      seed: args.seed,
    };
    let llm;
    if (args.taxonomy) {
      const configured = endpointsOption(args.endpoints);
      const simFaults = simFaultsOption(args.simFault, configured.endpoints);
      const endpoints = await preflightEndpoints({ endpoints: configured.endpoints, roles: ['taxonomist'], log: (text) => process.stderr.write(`${text}\n`) });
      // No store: a fresh analysis is asked afresh, not replayed from a cache.
      llm = createAppLlm({ endpoints, simSeed: args.seed, simFaults });
    }
    const { analysis, file } = await analyzeDataset({ source: args.dir, taxonomy, ...(llm ? { llm } : {}) });
    process.stdout.write(args.json ? `${JSON.stringify(analysis, null, 2)}\n` : `${formatAnalysis(analysis, file)}\n`);
    // The taxonomist's endpoint stopped answering: the rest is written; fix it and run again.
    if (analysis.taxonomyHalted !== undefined) process.exitCode = EXIT.halted;
  },
};

export default analyzeCommand;

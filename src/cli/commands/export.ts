import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_TEST_FRACTION, EXPORT_FORMATS, exportDataset, type ExportFormat } from '../../dataset/export-dataset.ts';
import { formatExportSummary } from '../../dataset/format-export.ts';
import { EXIT } from '../exit-codes.ts';

interface ExportArgs {
  source: string;
  out: string;
  testFraction: number;
  seed: number;
  format: ExportFormat;
  dedup: boolean;
  harness?: string[];
  license: string;
  reverifiedOnly: boolean;
  json: boolean;
}

const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export <source>',
  describe: 'Write the accepted examples of a generate output folder or an evolve run as a dataset (train/test by document, rejections, the harness)',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('source', { type: 'string', demandOption: true, describe: 'A `generate --out` folder, or an evolve run (name under populations/, folder or store path)' })
      .option('out', { type: 'string', demandOption: true, describe: 'New (or empty) folder for the dataset' })
      .option('test-fraction', { type: 'number', default: DEFAULT_TEST_FRACTION, describe: 'Share of the documents (not examples) held out as test, strictly between 0 and 1' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the train/test split' })
      .option('format', { choices: EXPORT_FORMATS, default: 'jsonl' as ExportFormat, describe: 'Data files: jsonl (every field), trl (prompt/completion rows, rubric as reward spec), verl (Parquet)' })
      .option('dedup', { type: 'boolean', default: false, describe: 'Drop examples whose question repeats an earlier one (after normalising case, punctuation and spacing)' })
      .option('harness', { type: 'string', array: true, describe: 'Where to find the harness that made the examples when the source does not record it: folder or RUN:CANDIDATE' })
      .option('license', { type: 'string', default: 'unknown', describe: "License id for DATA_CARD.md's front matter (the documents' license decides it)" })
      .option('reverified-only', { type: 'boolean', default: false, describe: 'Keep only the examples that survived `autodata reverify` (its reverify.json in the source)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the summary as JSON' }) as unknown as Argv<ExportArgs>,
  handler: async (args) => {
    const { summary } = await exportDataset({
      source: args.source,
      outDir: args.out,
      format: args.format,
      testFraction: args.testFraction,
      seed: args.seed,
      dedup: args.dedup,
      license: args.license,
      reverifiedOnly: args.reverifiedOnly,
      ...(args.harness ? { harnesses: args.harness } : {}),
    });
    process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatExportSummary(summary, args.out)}\n`);
    // Written, but something was left out that a rerun or a look could bring back: say so in the exit code.
    if (summary.incomplete.length > 0 || summary.failedRecheck.length > 0) process.exitCode = EXIT.incomplete;
  },
};

export default exportCommand;

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { canonicalDocumentsSpec, DEFAULT_DOCUMENTS, resolveDocuments } from '../../app/resolve-documents.ts';
import { makeSplit, writeSplit } from '../../documents/index.ts';
import { warnSkipped } from '../command-inputs.ts';

interface SplitArguments {
  documents: string;
  seed: number;
  train: number;
  validation: number;
  out: string;
  json: boolean;
}

const splitCommand: CommandModule<object, SplitArguments> = {
  command: 'split',
  describe: 'Make a seeded train/validation/test split of a document corpus',
  builder: (yargs: Argv) =>
    yargs
      .option('documents', { type: 'string', default: DEFAULT_DOCUMENTS, describe: 'a folder of .txt/.md, a .jsonl, or sim:cs?n=N&seed=S' })
      .option('seed', { type: 'number', default: 0, describe: 'shuffle seed' })
      .option('train', { type: 'number', default: 50, describe: 'documents in train' })
      .option('validation', { type: 'number', default: 25, describe: 'documents in validation (the rest is test)' })
      .option('out', { type: 'string', demandOption: true, describe: 'split file to write (JSON)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as Argv<SplitArguments>,
  handler: (argv: ArgumentsCamelCase<SplitArguments>) => {
    const { documents, skipped } = resolveDocuments(argv.documents);
    warnSkipped(skipped);
    const split = makeSplit(
      documents.map((document) => document.id),
      { documents: canonicalDocumentsSpec(argv.documents), seed: argv.seed, train: argv.train, validation: argv.validation },
    );
    writeSplit(argv.out, split);
    if (argv.json) {
      const summary = { out: argv.out, documents: split.documents, seed: split.seed, counts: split.counts, skipped };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      const { train, validation, test } = split.counts;
      process.stdout.write(
        `wrote ${argv.out}: ${train} train, ${validation} validation, ${test} test (seed ${split.seed}, documents ${split.documents}, ${skipped.length} skipped)\n`,
      );
    }
  },
};

export default splitCommand;

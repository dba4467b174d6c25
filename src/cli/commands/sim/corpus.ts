import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../../errors.ts';
import { generateSimCorpus, writeSimCorpus } from '../../../sim/index.ts';

interface CorpusArgs {
  n: number;
  seed: number;
  out: string;
  json: boolean;
}

const corpusCommand: CommandModule<object, CorpusArgs> = {
  command: 'corpus',
  describe: 'Write a procedural corpus of simulated CS papers (one Markdown file per paper)',
  builder: (yargs: Argv) =>
    yargs
      .option('n', { type: 'number', default: 100, describe: 'Number of papers' })
      .option('seed', { type: 'number', default: 0, describe: 'Corpus seed (same n and seed: identical files)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output folder (created if missing)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the written papers as JSON' }) as unknown as Argv<CorpusArgs>,
  handler: (args) => {
    if (!Number.isInteger(args.n) || args.n < 1 || args.n > 9999) throw new ConfigError('--n', `${args.n} must be an integer from 1 to 9999`);
    if (!Number.isInteger(args.seed)) throw new ConfigError('--seed', `${args.seed} is not an integer`);
    const documents = generateSimCorpus({ n: args.n, seed: args.seed });
    const files = writeSimCorpus(documents, args.out);
    if (args.json) {
      const rows = documents.map((document, index) => ({ id: document.id, title: document.title, file: files[index] }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      process.stdout.write(`wrote ${files.length} simulated papers to ${args.out}\n`);
    }
  },
};

export default corpusCommand;

import type { Argv, CommandModule } from 'yargs';
import { resolveDocuments } from '../../../app/resolve-documents.ts';
import { ConfigError } from '../../../errors.ts';
import { writeSimCorpus } from '../../../sim/index.ts';

const KINDS = ['cs', 'verifiable', 'legal'] as const;

interface CorpusArgs {
  kind: (typeof KINDS)[number];
  n: number;
  seed: number;
  out: string;
  json: boolean;
}

const corpusCommand: CommandModule<object, CorpusArgs> = {
  command: 'corpus',
  describe: 'Write a procedural sim corpus, one Markdown file per document (CS papers by default)',
  builder: (yargs: Argv) =>
    yargs
      .option('kind', { choices: KINDS, default: 'cs' as const, describe: 'cs: synthetic CS papers; verifiable: short-answer problems; legal: a statute, facts and a question' })
      .option('n', { type: 'number', default: 100, describe: 'Number of documents' })
      .option('seed', { type: 'number', default: 0, describe: 'Corpus seed (same kind, n and seed: identical files)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output folder (created if missing)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the written documents as JSON' }) as unknown as Argv<CorpusArgs>,
  handler: (args) => {
    if (!Number.isInteger(args.n) || args.n < 1 || args.n > 9999) throw new ConfigError('--n', `${args.n} must be an integer from 1 to 9999`);
    if (!Number.isInteger(args.seed) || args.seed < 0) throw new ConfigError('--seed', `${args.seed} must be a whole number`);
    // The same generators a `sim:KIND?n=N&seed=S` documents spec reads, so the files hold exactly those documents.
    const { documents } = resolveDocuments(`sim:${args.kind}?n=${args.n}&seed=${args.seed}`);
    const files = writeSimCorpus(documents, args.out);
    if (args.json) {
      const rows = documents.map((document, index) => ({ id: document.id, title: document.title, file: files[index] }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      process.stdout.write(`wrote ${files.length} simulated ${args.kind === 'cs' ? 'papers' : `${args.kind} documents`} to ${args.out}\n`);
    }
  },
};

export default corpusCommand;

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../exit-codes.ts';
import { createAppLlm } from '../../app/create-llm.ts';
import { SPLIT_PARTS, type SplitPart } from '../../documents/index.ts';
import { resolveHarness } from '../../dataset/harness-ref.ts';
import { compareMethods, formatComparison } from '../../inner/compare-methods.ts';
import { createProgress } from '../../report/progress.ts';
import { endpointsOption, loadSplitPart, requirePositiveIntegers } from '../command-inputs.ts';

interface CompareArgs {
  methods: string;
  split: string;
  part: SplitPart;
  limit?: number;
  endpoints?: string;
  seed: number;
  concurrency: number;
  json: boolean;
}

const compareMethodsCommand: CommandModule<object, CompareArgs> = {
  command: 'compare-methods',
  describe: "Run several methods (baseline harnesses) on the same documents and print the paper's Table 1 side by side",
  builder: (yargs) =>
    (yargs as Argv<object>)
      .option('methods', {
        type: 'string',
        default: 'cot-self-instruct,agentic-self-instruct',
        describe: 'Comma-separated names under baselines/, harness folders, or RUN:CANDIDATE / RUN:best candidates of evolve runs',
      })
      .option('split', { type: 'string', default: 'splits/sim-cs.json', describe: 'Split file' })
      .option('part', { choices: SPLIT_PARTS, default: 'validation' as SplitPart, describe: 'Part of the split to run on' })
      .option('limit', { type: 'number', describe: 'Only the first N documents of the part' })
      .option('endpoints', { type: 'string', describe: 'Endpoints file (default: the in-process sim)' })
      .option('seed', { type: 'number', default: 0, describe: 'Run seed' })
      .option('concurrency', { type: 'number', default: 4, describe: 'Documents in flight at once' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }) as Argv<CompareArgs>,
  handler: async (args) => {
    requirePositiveIntegers({ '--limit': args.limit, '--concurrency': args.concurrency });
    const names = args.methods.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const methods = await Promise.all(
      names.map(async (name) => {
        // A bare name is a baseline; a path or RUN:CANDIDATE is resolved as --harness is.
        const bare = !name.includes('/') && (!name.includes(':') || existsSync(path.join('baselines', name)));
        const resolved = await resolveHarness(bare ? path.join('baselines', name) : name);
        // RUN:best names the candidate it stood for, so the table says which one ran.
        const label = resolved.candidate && !name.endsWith(`:${resolved.candidate.id}`) ? `${name} (${resolved.candidate.id})` : name;
        return { name: resolved.candidate ? label : path.basename(name), harness: resolved.harness };
      }),
    );
    const { documents } = loadSplitPart({ split: args.split, part: args.part, limit: args.limit });
    const { endpoints, simulated } = endpointsOption(args.endpoints);
    const progress = createProgress({ total: documents.length * methods.length, label: 'compare-methods' });
    const rows = await compareMethods({
      methods,
      documents,
      llm: createAppLlm({ endpoints, simSeed: args.seed }),
      seed: args.seed,
      concurrency: args.concurrency,
      simulated,
      onDocumentDone: (method) => progress.tick({ method }),
    });
    progress.stop();
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ simulated, documents: documents.length, methods: rows }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatComparison(rows)}\n${simulated ? '* simulated lab (sim endpoints), not real model data\n' : ''}`);
    }
    const errored = rows.reduce((sum, row) => sum + row.summary.errored, 0);
    if (errored > 0) {
      process.stderr.write(`${errored} document run(s) ended on an infrastructure error and are left out of the figures; run again to retry them\n`);
      process.exitCode = EXIT.incomplete;
    }
  },
};

export default compareMethodsCommand;

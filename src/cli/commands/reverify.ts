import type { Argv, CommandModule } from 'yargs';
import { createAppLlm } from '../../app/create-llm.ts';
import { preflightEndpoints } from '../../app/preflight.ts';
import { resolveDocuments } from '../../app/resolve-documents.ts';
import { SIM_FAULT_HELP, simFaultsOption } from '../../app/sim-faults.ts';
import { formatReverify } from '../../dataset/format-reverify.ts';
import { reverifyDataset } from '../../dataset/reverify.ts';
import { EXIT } from '../exit-codes.ts';
import { endpointsOption, requirePositiveIntegers } from '../command-inputs.ts';

interface ReverifyArgs {
  dir: string;
  endpoints?: string;
  documents?: string;
  harness?: string[];
  seed: number;
  concurrency: number;
  simFault?: string[];
  json: boolean;
}

const reverifyCommand: CommandModule<object, ReverifyArgs> = {
  command: 'reverify <dir>',
  describe: "A fresh quality-verifier pass over every accepted example (optionally another model); writes reverify.json into DIR for `export --reverified-only`",
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('dir', { type: 'string', demandOption: true, describe: 'A `generate --out` folder, or an evolve run (name under populations/, folder or store path)' })
      .option('endpoints', { type: 'string', describe: "Endpoints file; its qualityVerifier role does the pass (default: the in-process sim)" })
      .option('documents', { type: 'string', describe: 'Documents spec the examples were made from (default: the one the source recorded)' })
      .option('harness', { type: 'string', array: true, describe: 'Where to find the harness when the source does not record it: folder or RUN:CANDIDATE' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed of the verifier calls (a new seed asks a new sample)' })
      .option('concurrency', { type: 'number', default: 4, describe: 'Verifier calls in flight at once' })
      .option('sim-fault', { type: 'string', array: true, describe: SIM_FAULT_HELP })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }) as unknown as Argv<ReverifyArgs>,
  handler: async (args) => {
    requirePositiveIntegers({ '--concurrency': args.concurrency });
    const configured = endpointsOption(args.endpoints);
    const simFaults = simFaultsOption(args.simFault, configured.endpoints);
    const endpoints = await preflightEndpoints({ endpoints: configured.endpoints, roles: ['qualityVerifier'], log: (text) => process.stderr.write(`${text}\n`) });
    const { result, file } = await reverifyDataset({
      source: args.dir,
      // No store, so no call cache: the pass is asked afresh.
      llm: createAppLlm({ endpoints, simSeed: args.seed, simFaults }),
      endpoints,
      resolveDocuments,
      ...(args.documents !== undefined ? { documents: args.documents } : {}),
      ...(args.harness ? { harnesses: args.harness } : {}),
      seed: args.seed,
      concurrency: args.concurrency,
    });
    process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatReverify(result, file)}\n`);
    // The endpoint stopped answering: the verdicts made are written; fix it and run again.
    if (result.halted) process.exitCode = EXIT.halted;
    // Some examples got no verdict: a rerun may re-verify them.
    else if (result.notReverified.length > 0) process.exitCode = EXIT.incomplete;
  },
};

export default reverifyCommand;

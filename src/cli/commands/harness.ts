import type { Argv, CommandModule } from 'yargs';
import { exportHarness } from '../../dataset/export-harness.ts';
import { candidateHarness } from '../../dataset/harness-ref.ts';
import { forTerminal } from '../../util/terminal-text.ts';

interface HarnessExportArgs {
  run: string;
  candidate: string;
  out: string;
}

const exportSubcommand: CommandModule<object, HarnessExportArgs> = {
  command: 'export <run> <candidate>',
  describe: 'Write a candidate of an evolve run as a harness folder (loads with --harness DIR)',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('run', { type: 'string', demandOption: true, describe: 'Run name under populations/, or a run folder / store path' })
      .positional('candidate', { type: 'string', demandOption: true, describe: 'Candidate id (c0007 or 7), baseline, or best (the one `status` calls best)' })
      .option('out', { type: 'string', demandOption: true, describe: 'New (or empty) folder to write the harness into' }) as Argv<HarnessExportArgs>,
  handler: async (args) => {
    const resolved = await candidateHarness(args.run, String(args.candidate));
    const hash = exportHarness(resolved.harness, args.out);
    process.stdout.write(`candidate ${resolved.candidate?.id} of ${forTerminal(args.run, 'line')} written to ${forTerminal(args.out, 'line')} (content hash ${hash.slice(0, 12)})\n`);
  },
};

const harnessCommand: CommandModule = {
  command: 'harness <command>',
  describe: 'Harnesses of an evolve run as folders',
  builder: (yargs: Argv) => yargs.command(exportSubcommand as unknown as CommandModule).demandCommand(1, 'Name a harness command; `autodata harness --help` lists them.'),
  handler: () => {},
};

export default harnessCommand;

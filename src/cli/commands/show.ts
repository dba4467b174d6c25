import type { Argv, CommandModule } from 'yargs';
import { candidateDetails, formatCandidateDetails, readRun } from '../../outer/inspect-run.ts';
import { forTerminal } from '../../util/terminal-text.ts';

interface ShowArgs {
  run: string;
  candidate: string;
  json: boolean;
}

const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <run> <candidate>',
  describe: 'Show one candidate of a run: its diff against the baseline, the analysis behind it, its scores',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('run', { type: 'string', demandOption: true, describe: 'Run name under populations/, or a run folder / store path' })
      .positional('candidate', { type: 'string', demandOption: true, describe: 'Candidate id, e.g. c0007 (or 7)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }) as Argv<ShowArgs>,
  handler: (args) => {
    const details = readRun(args.run, (store) => candidateDetails(store, String(args.candidate)));
    process.stdout.write(args.json ? `${JSON.stringify(details, null, 2)}\n` : `${forTerminal(formatCandidateDetails(details))}\n`);
  },
};

export default showCommand;

import type { Argv, CommandModule } from 'yargs';
import { formatRunStatus, readRun, runStatus } from '../../outer/inspect-run.ts';
import { forTerminal } from '../../util/terminal-text.ts';

interface StatusArgs {
  run: string;
  json: boolean;
}

const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status <run>',
  describe: 'Show a meta-optimization run: config, candidates by status, the best, the history log',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('run', { type: 'string', demandOption: true, describe: 'Run name under populations/, or a run folder / store path' })
      .option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }) as Argv<StatusArgs>,
  handler: (args) => {
    const status = readRun(args.run, runStatus);
    process.stdout.write(args.json ? `${JSON.stringify(status, null, 2)}\n` : `${forTerminal(formatRunStatus(status))}\n`);
  },
};

export default statusCommand;

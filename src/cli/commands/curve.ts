import type { Argv, CommandModule } from 'yargs';
import { curvePoints, readRun } from '../../outer/inspect-run.ts';
import { renderCurve } from '../../report/curve.ts';
import { forTerminal } from '../../util/terminal-text.ts';

interface CurveArgs {
  run: string;
  json: boolean;
}

const curveCommand: CommandModule<object, CurveArgs> = {
  command: 'curve <run>',
  describe: 'Plot the best validation pass rate per iteration of a run',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('run', { type: 'string', demandOption: true, describe: 'Run name under populations/, or a run folder / store path' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the points as JSON' }) as Argv<CurveArgs>,
  handler: (args) => {
    const points = readRun(args.run, curvePoints);
    process.stdout.write(args.json ? `${JSON.stringify(points, null, 2)}\n` : `${forTerminal(renderCurve(points))}\n`);
  },
};

export default curveCommand;

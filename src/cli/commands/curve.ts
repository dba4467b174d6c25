import type { Argv, CommandModule } from 'yargs';
import { curvePoints, locateRunStore } from '../../outer/inspect-run.ts';
import { renderCurve } from '../../report/curve.ts';
import { openStore } from '../../store/index.ts';

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
    const store = openStore(locateRunStore(args.run), { readonly: true });
    try {
      const points = curvePoints(store);
      process.stdout.write(args.json ? `${JSON.stringify(points, null, 2)}\n` : `${renderCurve(points)}\n`);
    } finally {
      store.close();
    }
  },
};

export default curveCommand;

import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../errors.ts';
import { oracleEstimate } from '../../lab/oracle.ts';
import { curvePoints, readRun } from '../../outer/inspect-run.ts';
import { curveChartSpec } from '../../report/chart-spec.ts';
import { renderCurve } from '../../report/curve.ts';
import { writeChart } from '../../report/render-chart.ts';
import { locateAblation } from '../../workflow/ablation-manifest.ts';
import { CURVE_X_AXES, curveChart, curveChartWithOracle } from '../../workflow/curve-series.ts';
import { requirePositiveIntegers } from '../command-inputs.ts';
import { forTerminal } from '../../util/terminal-text.ts';

interface CurveArgs {
  runs: string[];
  out: string | undefined;
  x: (typeof CURVE_X_AXES)[number];
  json: boolean;
  oracle?: number;
}

const curveCommand: CommandModule<object, CurveArgs> = {
  command: 'curve <runs..>',
  describe: 'Plot the best candidate\'s validation score (its pass rate pooled over its validation evaluations so far) after each iteration: one run in the terminal, or runs and ablations to an SVG/PNG',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('runs', {
        type: 'string', array: true, demandOption: true,
        describe: 'Run names under populations/ or run folders / store paths, or ablation folders (one mean line per arm)',
      })
      .option('out', { type: 'string', describe: 'Write the chart to FILE.svg or FILE.png, and its Vega-Lite spec to FILE.vl.json' })
      .option('x', { choices: CURVE_X_AXES, default: 'iteration' as const, describe: 'x axis of the chart: iteration, or cumulative paid calls or tokens' })
      .option('oracle', {
        type: 'number',
        describe: 'On the sim: mark the end of each line with the oracle\'s true pass rate of the best candidate (an arm: mean over seeds), from N episodes each (e.g. --oracle 100)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the points (with --out or several runs: the chart series) as JSON' }) as Argv<CurveArgs>,
  handler: async (args) => {
    requirePositiveIntegers({ '--oracle': args.oracle });
    const [first, ...rest] = args.runs;
    if (!args.out && first !== undefined && rest.length === 0 && !locateAblation(first)) {
      if (args.oracle !== undefined) throw new ConfigError('--oracle', 'marks the chart: add --out FILE.svg|FILE.png');
      if (args.x !== 'iteration') throw new ConfigError('--x', 'the terminal curve is per iteration; add --out FILE.svg|FILE.png to plot against calls or tokens');
      const points = readRun(first, curvePoints);
      process.stdout.write(args.json ? `${JSON.stringify(points, null, 2)}\n` : `${forTerminal(renderCurve(points))}\n`);
      return;
    }
    if (!args.out && !args.json) throw new ConfigError('--out', 'several runs or an ablation are plotted to a file: add --out FILE.svg or FILE.png (or --json for the series)');
    const warn = (message: string) => process.stderr.write(`${forTerminal(message, 'line')}\n`);
    const episodes = args.oracle;
    const chart = episodes === undefined
      ? curveChart(args.runs, { x: args.x, warn })
      : await curveChartWithOracle(args.runs, {
          x: args.x, warn, episodes, oracle: async (harness) => (await oracleEstimate(harness, { episodes, seed: 0 })).passRate,
        });
    const written = args.out ? await writeChart(curveChartSpec(chart), args.out) : null;
    if (args.json) process.stdout.write(`${JSON.stringify(written ? { ...written, chart } : chart, null, 2)}\n`);
    else if (written) process.stdout.write(`${forTerminal(`wrote ${written.image} (Vega-Lite spec: ${written.spec})`, 'line')}\n`);
  },
};

export default curveCommand;

import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../exit-codes.ts';
import { EARLY_STOP_HELP } from '../command-inputs.ts';
import { resumeCommand } from '../resume-command.ts';
import { runExperiment } from '../../app/run-experiment.ts';
import { SIM_FAULT_HELP } from '../../app/sim-faults.ts';
import { loadExperiment } from '../../config/experiment.ts';
import { describeEvent } from '../../outer/event-lines.ts';
import type { Emit } from '../../outer/events.ts';
import { formatFinalTest } from '../../outer/final-test.ts';
import { curvePoints, readRun } from '../../outer/inspect-run.ts';
import { costAmount, costSummary, hasCost } from '../../llm/cost-text.ts';
import { renderCurve } from '../../report/curve.ts';
import { createProgress, type Progress } from '../../report/progress.ts';

interface EvolveArgs {
  experiment: string;
  resume: boolean;
  iterations?: number;
  seed?: number;
  name?: string;
  out?: string;
  simFault?: string[];
  earlyStop?: boolean;
  allowEndpointChange: boolean;
  json: boolean;
}

const evolveCommand: CommandModule<object, EvolveArgs> = {
  command: 'evolve <experiment>',
  describe: 'Meta-optimize the harness (the outer loop) as an experiment config describes',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Experiment config, e.g. experiments/quickstart.json' })
      .option('resume', { type: 'boolean', default: false, describe: 'Continue the run already stored in the run folder' })
      .option('iterations', { type: 'number', describe: 'Override outer.iterations (also extends a resumed run)' })
      .option('seed', { type: 'number', describe: 'Override the run seed' })
      .option('name', { type: 'string', describe: 'Override the run name (the folder under populations/)' })
      .option('out', { type: 'string', describe: 'Run folder (default: populations/<name>)' })
      .option('sim-fault', { type: 'string', array: true, describe: SIM_FAULT_HELP })
      .option('early-stop', { type: 'boolean', describe: EARLY_STOP_HELP })
      .option('allow-endpoint-change', { type: 'boolean', default: false, describe: "With --resume: continue although the run's endpoints.json records other models or sampling settings (the run then mixes them)" })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }) as unknown as Argv<EvolveArgs>,
  handler: async (args) => {
    const overrides = { iterations: args.iterations, seed: args.seed, name: args.name };
    const experiment = loadExperiment(args.experiment, { overrides });
    const runDir = args.out ?? path.join('populations', experiment.config.name);
    const controller = new AbortController();
    // The first Ctrl-C lets in-flight work finish and be recorded; a second one uses Node's default (exit).
    process.once('SIGINT', () => {
      process.stderr.write('interrupt: finishing in-flight work (Ctrl-C again to quit at once; --resume continues either way)\n');
      controller.abort();
    });
    const result = await runExperiment({
      experiment,
      runDir,
      resume: args.resume,
      allowEndpointChange: args.allowEndpointChange,
      ...(args.simFault ? { simFaults: args.simFault } : {}),
      ...(args.earlyStop === undefined ? {} : { earlyStop: args.earlyStop }),
      emit: createDisplay(process.stderr),
      signal: controller.signal,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const points = readRun(result.storePath, curvePoints);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...result, curve: points }, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderCurve(points)}\n`);
      if (result.finalTest) process.stdout.write(`${formatFinalTest(result.finalTest)}\n`);
      if (result.documentFit.windows.length > 0) process.stdout.write(`${result.documentFit.line}\n`);
      if (hasCost(result.progress)) process.stdout.write(`${costSummary(result.progress, result.progress.acceptedExamples)}\n`);
      process.stdout.write(`run ${result.runId} stored in ${result.runDir} (store ${result.storePath}, git workspace ${path.join(result.runDir, 'workspace')})\n`);
    }
    if (result.stopReason === 'interrupted') {
      process.stderr.write(`interrupted; continue with: ${resumeCommand(process.argv.slice(2))}\n`);
      process.exitCode = EXIT.interrupted;
    }
  },
};

/** A bar of iterations on a terminal; otherwise one plain line per event (readable in logs). */
function createDisplay(stream: NodeJS.WriteStream): Emit {
  if (!stream.isTTY) {
    return (event) => {
      const line = describeEvent(event);
      if (line) stream.write(`${line}\n`);
    };
  }
  let bar: Progress | undefined;
  return (event) => {
    if (event.type === 'run-started') {
      stream.write(`${describeEvent(event)}\n`);
      bar = createProgress({ total: event.plannedIterations, label: 'evolve', stream });
      for (let done = 1; done < event.completedIterations; done += 1) bar.tick();
    } else if (event.type === 'iteration-finished' && event.record.iteration > 0) {
      const { progress } = event;
      bar?.tick({
        best: progress.bestScore === null ? 'n/a' : progress.bestScore.toFixed(3),
        accepted: progress.accepted,
        refused: progress.refused,
        calls: progress.calls,
        tokens: progress.tokens,
        // Cache hits are free; "at least" when some paid calls had no price.
        ...(hasCost(progress) ? { cost: `${costAmount(progress)} (cache hits free)` } : {}),
      });
    } else if (event.type === 'documents-fitted') {
      stream.write(`${describeEvent(event)}\n`);
    } else if (event.type === 'final-test-started' || event.type === 'final-test-finished') {
      bar?.stop();
      bar = undefined;
      stream.write(`${describeEvent(event)}\n`);
    } else if (event.type === 'run-stopped') {
      bar?.stop();
      stream.write(`${describeEvent(event)}\n`);
    }
  };
}

export default evolveCommand;

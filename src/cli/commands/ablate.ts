import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { SIM_FAULT_HELP } from '../../app/sim-faults.ts';
import { loadExperiment } from '../../config/experiment.ts';
import { ConfigError } from '../../errors.ts';
import { describeEvent } from '../../outer/event-lines.ts';
import type { EvolveEvent } from '../../outer/events.ts';
import { runAblation, type CellOutcome, type MatrixBudgets } from '../../workflow/ablate.ts';
import { requirePositiveIntegers } from '../command-inputs.ts';
import type { AblationCell } from '../../workflow/ablation-manifest.ts';
import { parseVary } from '../../workflow/vary.ts';
import { EXIT } from '../exit-codes.ts';
import { resumeCommand } from '../resume-command.ts';

interface AblateArgs {
  experiment: string;
  seeds: string;
  vary?: string[];
  name?: string;
  out?: string;
  parallel: number;
  resume: boolean;
  simFault?: string[];
  shareCache: boolean;
  budgetCalls?: number;
  budgetTokens?: number;
  budgetMinutes?: number;
  json: boolean;
}

const ablateCommand: CommandModule<object, AblateArgs> = {
  command: 'ablate <experiment>',
  describe: 'Run an experiment over seeds x varied settings (an ablation); every cell is an ordinary evolve run',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('experiment', { type: 'string', demandOption: true, describe: 'Base experiment config, e.g. experiments/quickstart.json' })
      .option('seeds', { type: 'string', demandOption: true, describe: 'Run seeds, comma-separated: --seeds 1,2,3' })
      .option('vary', {
        type: 'string',
        array: true,
        describe: 'KEY=V1,V2: a dotted config key and its values (JSON or bare strings), repeatable: --vary outer.parentSelection.kind=boltzmann,greedy',
      })
      .option('name', { type: 'string', describe: 'Ablation name (default: <experiment name>-ablation)' })
      .option('out', { type: 'string', describe: 'Ablation folder (default: populations/<name>)' })
      .option('parallel', { type: 'number', default: 2, describe: 'Cells run at once (they share each endpoint\'s concurrency limit)' })
      .option('resume', { type: 'boolean', default: false, describe: 'Finish the cells of this ablation that are missing' })
      .option('share-cache', {
        type: 'boolean',
        default: false,
        describe: 'One call cache for every cell: arms with the same seed pay once for shared calls (then a cell\'s paid cost depends on which cell ran first)',
      })
      .option('budget-calls', { type: 'number', describe: 'Stop the matrix once its cells together have paid this many calls' })
      .option('budget-tokens', { type: 'number', describe: 'Stop the matrix once its cells together have paid this many tokens' })
      .option('budget-minutes', { type: 'number', describe: 'Stop the matrix after this much wall time in this process' })
      .option('sim-fault', { type: 'string', array: true, describe: SIM_FAULT_HELP })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }) as unknown as Argv<AblateArgs>,
  handler: async (args) => {
    const seeds = parseSeeds(args.seeds);
    const vary = (args.vary ?? []).map((text) => parseVary(text));
    if (!Number.isInteger(args.parallel) || args.parallel < 1) throw new ConfigError('--parallel', `must be a positive integer, got ${args.parallel}`);
    const baseName = loadExperiment(args.experiment).config.name;
    const name = args.name ?? `${baseName}-ablation`;
    const dir = args.out ?? path.join('populations', name);
    const controller = new AbortController();
    process.once('SIGINT', () => {
      process.stderr.write('interrupt: finishing in-flight work in every cell (Ctrl-C again to quit at once; --resume continues either way)\n');
      controller.abort();
    });
    const display = createDisplay(process.stderr);
    let result;
    try {
      result = await runAblation({
        experimentFile: args.experiment,
        seeds,
        vary,
        dir,
        name,
        parallel: args.parallel,
        resume: args.resume,
        shareCache: args.shareCache,
        budgets: matrixBudgets(args),
        ...(args.simFault ? { simFaults: args.simFault } : {}),
        signal: controller.signal,
        onCellEvent: display.event,
        onCellDone: display.done,
      });
    } finally {
      display.stop();
    }
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ dir: result.dir, manifest: result.manifest, outcomes: result.outcomes.map(summarizeOutcome) }, null, 2)}\n`);
    } else {
      for (const { cell, outcome } of result.outcomes) process.stdout.write(`${cellLabel(cell)}: ${describeOutcome(outcome)}\n`);
      process.stdout.write(`ablation ${result.manifest.name} stored in ${result.dir} (${result.manifest.arms.length} arm(s) x ${result.manifest.seeds.length} seed(s)); compare with: autodata compare ${result.dir}\n`);
    }
    if (result.outcomes.some(({ outcome }) => outcome.kind === 'interrupted')) {
      process.stderr.write(`interrupted; continue with: ${resumeCommand(process.argv.slice(2))}\n`);
      process.exitCode = EXIT.interrupted;
    }
  },
};

function matrixBudgets(args: AblateArgs): MatrixBudgets {
  requirePositiveIntegers({ '--budget-calls': args.budgetCalls, '--budget-tokens': args.budgetTokens });
  if (args.budgetMinutes !== undefined && !(args.budgetMinutes > 0)) throw new ConfigError('--budget-minutes', `must be a positive number, got ${args.budgetMinutes}`);
  return {
    ...(args.budgetCalls !== undefined ? { calls: args.budgetCalls } : {}),
    ...(args.budgetTokens !== undefined ? { tokens: args.budgetTokens } : {}),
    ...(args.budgetMinutes !== undefined ? { wallTimeMinutes: args.budgetMinutes } : {}),
  };
}

function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  if (seeds.length === 0 || seeds.some((seed) => !Number.isInteger(seed) || seed < 0)) {
    throw new ConfigError('--seeds', `"${text}" is not a comma-separated list of whole numbers (e.g. --seeds 1,2,3)`);
  }
  return seeds;
}

const cellLabel = (cell: AblationCell) => `[${cell.arm} seed ${cell.seed}]`;

function describeOutcome(outcome: CellOutcome): string {
  switch (outcome.kind) {
    case 'done': {
      const { progress } = outcome.result;
      const best = progress.bestCandidateId === null ? 'n/a' : `${progress.bestScore?.toFixed(3)} (${progress.bestCandidateId})`;
      return `${outcome.result.stopReason}, ${progress.iterationsDone} iterations, best ${best}, calls ${progress.calls}`;
    }
    case 'already-complete':
      return 'already complete';
    case 'budget-spent':
      return 'not run: the matrix budget is spent (--resume with a larger one continues)';
    case 'halted':
      return `stopped: ${outcome.message}`;
    case 'interrupted':
      return 'not finished';
  }
}

function summarizeOutcome({ cell, outcome }: { cell: AblationCell; outcome: CellOutcome }) {
  return outcome.kind === 'done'
    ? { ...cell, outcome: 'done', stopReason: outcome.result.stopReason, progress: outcome.result.progress, finalTest: outcome.result.finalTest }
    : { ...cell, outcome: outcome.kind, ...(outcome.kind === 'halted' ? { message: outcome.message } : {}) };
}

/** One bar per cell on a terminal; otherwise one plain line per event, prefixed with the cell. */
function createDisplay(stream: NodeJS.WriteStream): {
  event: (cell: AblationCell, event: EvolveEvent) => void;
  done: (cell: AblationCell, outcome: CellOutcome) => void;
  stop: () => void;
} {
  if (!stream.isTTY) {
    return {
      event: (cell, event) => {
        const line = describeEvent(event);
        if (line) stream.write(`${cellLabel(cell)} ${line}\n`);
      },
      done: (cell, outcome) => stream.write(`${cellLabel(cell)} ${describeOutcome(outcome)}\n`),
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar(
    { format: '{cell} [{bar}] {value}/{total} {status}', stream, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const byCell = new Map<string, cliProgress.SingleBar>();
  const barFor = (cell: AblationCell, total: number) => {
    const key = cellLabel(cell);
    let bar = byCell.get(key);
    if (!bar) {
      bar = bars.create(Math.max(1, total), 0, { cell: key, status: 'starting' });
      byCell.set(key, bar);
    }
    return bar;
  };
  return {
    event: (cell, event) => {
      if (event.type === 'run-started') {
        barFor(cell, event.plannedIterations).update(event.completedIterations, { status: event.resumed ? 'resumed' : 'running' });
      } else if (event.type === 'iteration-finished') {
        const { progress } = event;
        barFor(cell, progress.plannedIterations).update(progress.iterationsDone, {
          status: `best ${progress.bestScore === null ? 'n/a' : progress.bestScore.toFixed(3)}, accepted ${progress.accepted}, calls ${progress.calls}`,
        });
      } else if (event.type === 'final-test-started') {
        barFor(cell, 1).update({ status: 'held-out test' });
      }
    },
    done: (cell, outcome) => barFor(cell, 1).update({ status: describeOutcome(outcome) }),
    stop: () => bars.stop(),
  };
}

export default ablateCommand;

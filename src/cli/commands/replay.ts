import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { oracleEstimate } from '../../lab/oracle.ts';
import { acceptanceRuleSchema, type AcceptanceRule } from '../../outer/accept-child.ts';
import { locateRunStore, readRun } from '../../outer/inspect-run.ts';
import { plateauRuleSchema } from '../../outer/plateau.ts';
import { racingSchema, type Racing } from '../../outer/race-rule.ts';
import { forTerminal } from '../../util/terminal-text.ts';
import { replayPlateau, withPlateauOracle } from '../../workflow/replay-plateau.ts';
import { replayRacing } from '../../workflow/replay-racing.ts';
import { recordedValidations } from '../../workflow/replay-run.ts';
import { formatPlateauReplay, formatRacingReplays } from '../../workflow/replay-text.ts';
import { requirePositiveIntegers } from '../command-inputs.ts';

const DEFAULT_RACING = ['exact', 'futility:0.05'];

interface RacingArgs {
  run: string;
  racing: string | string[] | undefined;
  acceptance: string | undefined;
  inFlight?: number;
  json: boolean;
}

interface PlateauArgs {
  run: string;
  iterations: number;
  minImprovement?: string;
  oracle?: number;
  json: boolean;
}

/**
 * A flag written as `KIND[:NUMBER]` turned into the config's object and checked by the config's own
 * schema (`numberKey`: the field the number fills), so a flag accepts exactly what the experiment file does.
 */
function flagValue<T>(flag: string, text: string, schema: z.ZodType<T>, numberKey: string | null, expected: string): T {
  const [kind, number, ...rest] = text.split(':');
  const value = number === undefined ? kind : numberKey && rest.length === 0 ? { kind, [numberKey]: Number(number) } : undefined;
  // The schemas take a kind alone as a string ('exact') or as an object ({ kind: 'strict' }): try both.
  for (const candidate of typeof value === 'string' ? [value, { kind: value }] : [value]) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  throw new ConfigError(flag, `expected ${expected}, got ${JSON.stringify(text)}`);
}

export function parseRacingFlag(text: string): Exclude<Racing, 'off'> {
  const racing = flagValue('--racing', text, racingSchema, 'errorRate', 'exact or futility[:RATE] with 0 < RATE < 1');
  if (racing === 'off') throw new ConfigError('--racing', 'off races nothing: name exact or futility[:RATE]');
  return racing;
}

export function parseAcceptanceFlag(text: string): AcceptanceRule {
  return flagValue('--acceptance', text, acceptanceRuleSchema, 'alpha', 'strict or paired-test[:ALPHA] with 0 < ALPHA < 1');
}

const racingSubcommand: CommandModule<object, RacingArgs> = {
  command: 'racing <run>',
  describe: 'Replay a run validated in full (racing off) through outer.racing: decisions kept, documents read, validation calls saved',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('run', { type: 'string', demandOption: true, describe: 'Run name under populations/, or a run folder / store path' })
      .option('racing', {
        type: 'string',
        describe: `A racing rule: exact or futility[:RATE] (errorRate, default 0.05); repeat for several (default: ${DEFAULT_RACING.join(' and ')})`,
      })
      .option('acceptance', {
        type: 'string',
        describe: 'Decide under this acceptance rule, strict or paired-test[:ALPHA], compared with what the full validation decides under it (default: the run\'s own, compared with its recorded decisions)',
      })
      .option('in-flight', {
        type: 'number',
        describe: 'Documents per side still running when a race settles, paid for (default: inner.documentConcurrency - 1, the most a live race can have started past the prefix)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the replays (with every iteration) as JSON' }) as Argv<RacingArgs>,
  handler: (args) => {
    if (args.inFlight !== undefined && !(Number.isInteger(args.inFlight) && args.inFlight >= 0)) throw new ConfigError('--in-flight', `must be an integer >= 0, got ${args.inFlight}`);
    const rules = (args.racing === undefined ? DEFAULT_RACING : [args.racing].flat()).map((text) => parseRacingFlag(String(text)));
    const acceptance = args.acceptance === undefined ? undefined : parseAcceptanceFlag(args.acceptance);
    const { setup, validations, undecided } = readRun(args.run, (store) => recordedValidations(store, args.run));
    const inFlight = args.inFlight ?? setup.documentConcurrency - 1;
    const replays = rules.map((racing) => replayRacing(validations, setup, { racing, acceptance: acceptance ?? setup.acceptance, inFlight }));
    process.stdout.write(
      args.json ? `${JSON.stringify({ run: args.run, undecided, replays }, null, 2)}\n` : `${forTerminal(formatRacingReplays(args.run, replays, undecided))}\n`,
    );
  },
};

const plateauSubcommand: CommandModule<object, PlateauArgs> = {
  command: 'plateau <run>',
  describe: 'Replay budgets.plateau on a stored run: after which iteration it would have stopped, the calls paid by then, the best candidate then and at the end',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('run', { type: 'string', demandOption: true, describe: 'Run name under populations/, or a run folder / store path' })
      .option('iterations', { type: 'number', demandOption: true, describe: 'K: stop when no candidate accepted in the last K iterations beat the earlier best by more than the margin' })
      .option('min-improvement', {
        type: 'string',
        default: 'standard-error',
        describe: 'The margin: a number of pass-rate points (e.g. 0.05), or standard-error (one standard error of the difference, the evaluation noise)',
      })
      .option('oracle', {
        type: 'number',
        describe: 'On the sim: the true expected pass rate of the best candidate as of the stop and of the run\'s final best, from N oracle episodes each (e.g. --oracle 100)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the replay as JSON' }) as Argv<PlateauArgs>,
  handler: async (args) => {
    requirePositiveIntegers({ '--iterations': args.iterations, '--oracle': args.oracle });
    const text = args.minImprovement ?? 'standard-error';
    const margin = text === 'standard-error' ? text : Number(text);
    const parsed = plateauRuleSchema.safeParse({ iterations: args.iterations, minImprovement: margin });
    if (!parsed.success) throw new ConfigError('--min-improvement', `expected a number from 0 to 1 or standard-error, got ${JSON.stringify(text)}`);
    const storePath = locateRunStore(args.run);
    let replay = readRun(storePath, (store) => replayPlateau(store, parsed.data));
    const episodes = args.oracle;
    if (episodes !== undefined) {
      replay = await withPlateauOracle(replay, path.dirname(storePath), async (harness) => (await oracleEstimate(harness, { episodes, seed: 0 })).passRate);
      if (!replay.oracle) process.stderr.write('no oracle: the run is not on the sim (only the sim knows the true pass rate)\n');
    }
    process.stdout.write(args.json ? `${JSON.stringify({ run: args.run, ...replay }, null, 2)}\n` : `${forTerminal(formatPlateauReplay(args.run, replay))}\n`);
  },
};

const replayCommand: CommandModule = {
  command: 'replay <command>',
  describe: "Replay a stored run's recorded evaluations through a cost rule (racing, the plateau rule) without calling a model",
  builder: (yargs: Argv) =>
    yargs
      .command(racingSubcommand as unknown as CommandModule)
      .command(plateauSubcommand as unknown as CommandModule)
      .demandCommand(1, 'Name a replay command; `autodata replay --help` lists them.'),
  handler: () => {},
};

export default replayCommand;

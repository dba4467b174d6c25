// settings.json of a harness: the strategy knobs of the inner loop. Strict: unknown keys are errors.
// Every number has bounds (SETTING_BOUNDS): the implementer writes settings.json too, and a value
// such as agentStepBudget 1000000000 must be refused before a child is evaluated with it.
import { z } from 'zod';

export interface SettingBounds {
  min: number;
  max: number;
  integer: boolean;
}

/**
 * The allowed range of every numeric setting (dotted path -> bounds), wide enough for any
 * experiment a researcher would run and narrow enough that one evaluation stays affordable.
 * baselines/README.md lists the same table.
 */
export const SETTING_BOUNDS: ReadonlyMap<string, SettingBounds> = new Map([
  ['solverAttempts.weak', { min: 1, max: 16, integer: true }],
  ['solverAttempts.strong', { min: 1, max: 16, integer: true }],
  ['solverTemperature', { min: 0, max: 2, integer: false }],
  ['roundBudget', { min: 1, max: 50, integer: true }],
  ['agentStepBudget', { min: 1, max: 200, integer: true }],
  ['agentWindowRounds', { min: 0, max: 50, integer: true }],
  ['challengersPerRound', { min: 1, max: 8, integer: true }],
  ['strongSolver.samples', { min: 2, max: 8, integer: true }],
  ['judgeMaxRetries', { min: 0, max: 10, integer: true }],
  ['evaluationRetries', { min: 0, max: 10, integer: true }],
  ['loopJudge.maxQuestionChars', { min: 100, max: 20_000, integer: true }],
  ['loopJudge.minWeakMean', { min: 0, max: 1, integer: false }],
  ['loopJudge.maxWeakMean', { min: 0, max: 1, integer: false }],
  ['loopJudge.minGap', { min: -1, max: 1, integer: false }],
]);

function bounded(settingPath: string): z.ZodNumber {
  const bounds = SETTING_BOUNDS.get(settingPath)!;
  const number = bounds.integer ? z.number().int() : z.number();
  return number.min(bounds.min).max(bounds.max);
}

export const solverAttemptsSchema = z
  .strictObject({
    weak: bounded('solverAttempts.weak').describe('Answers drawn from the weak solver per evaluated question.'),
    strong: bounded('solverAttempts.strong').describe('Answers drawn from the strong solver per evaluated question.'),
  })
  .describe('Solver attempts per question (the paper: 3 each for rubric mode, 4 each for verifiable mode).');

/**
 * The code overrides of the judge-loop orchestrator: a loop judge's accept is checked against each,
 * and any one violated turns it into improve (overruled and counted). Only read by that orchestrator.
 */
export const loopJudgeSettingsSchema = z
  .strictObject({
    maxQuestionChars: bounded('loopJudge.maxQuestionChars')
      .default(1000)
      .describe('Longest question body (characters, context not counted) that may be accepted.'),
    minWeakMean: bounded('loopJudge.minWeakMean').default(0).describe('Lowest weak-solver mean that may be accepted (0: no floor).'),
    maxWeakMean: bounded('loopJudge.maxWeakMean').default(1).describe('Highest weak-solver mean that may be accepted (1: no ceiling).'),
    minGap: bounded('loopJudge.minGap').default(-1).describe('Smallest strong-minus-weak gap that may be accepted (-1: no floor).'),
  })
  .describe('Code overrides of the judge-loop orchestrator (absent: the defaults, of which only maxQuestionChars binds).');

export const STRONG_SOLVER_MODES = ['separate', 'samples', 'document'] as const;

export const strongSolverSchema = z
  .strictObject({
    mode: z
      .enum(STRONG_SOLVER_MODES)
      .default('separate')
      .describe(
        "separate: the strongSolver endpoint answers (the default). samples: the weak solver's model answers `samples` times " +
          "with the strong prompt and then writes one answer from those samples. document: the weak solver's model answers " +
          'with the strong prompt, which then must carry {{document}} (privileged information).',
      ),
    samples: bounded('strongSolver.samples')
      .default(4)
      .describe('Samples drawn per strong attempt before the aggregation step (read only in samples mode).'),
  })
  .describe('What the strong solver is: a separate model, or the weak model with more samples or with the source document.');

export const harnessSettingsSchema = z
  .strictObject({
    orchestrator: z
      .enum(['agentic', 'scripted', 'single-shot', 'judge-loop'])
      .default('agentic')
      .describe(
        'Who drives the rounds: an LLM main agent with tools (agentic), the same workflow in code (scripted), ' +
          'one challenger call with no refinement (single-shot, the CoT Self-Instruct baseline), ' +
          "or rounds in code whose acceptance a loop judge decides from a diagnostic packet, checked against code overrides (judge-loop, the paper's legal variant).",
      ),
    mode: z
      .enum(['rubric', 'verifiable'])
      .default('rubric')
      .describe('rubric: the judge scores weighted criteria 0/1; verifiable: the judge says correct or not against the reference.'),
    acceptance: z
      .enum(['paper-prompt', 'paper-prose', 'verifiable'])
      .default('paper-prompt')
      .describe(
        "Acceptance preset: the paper's deployed prompt (default), the thresholds in its prose, or the verifiable counting rule.",
      ),
    weakZeroRule: z
      .enum(['any', 'all'])
      .default('any')
      .describe('How "no zeros" on the weak side reads: reject if any weak attempt scores 0 (default) or only if all do.'),
    solverAttempts: solverAttemptsSchema.default({ weak: 3, strong: 3 }),
    earlyStop: z
      .boolean()
      .default(true)
      .describe(
        'Make solver attempts one at a time and stop a stage once the attempts left cannot change its outcome under the acceptance ' +
          'preset (same decisions, about a third fewer solver and judge calls; means are then over the attempts made). ' +
          "Off (or --no-early-stop): every attempt, in parallel, the paper's full pattern.",
      ),
    strongSolver: strongSolverSchema.default({ mode: 'separate', samples: 4 }),
    solverTemperature: bounded('solverTemperature')
      .default(1.0)
      .describe('Sampling temperature of both solvers (1.0 in the paper).'),
    roundBudget: bounded('roundBudget').default(10).describe('Most rounds (challenger attempts) spent on one document before giving up.'),
    agentStepBudget: bounded('agentStepBudget')
      .default(60)
      .describe('Most tool calls the main agent may make on one document (agentic orchestrator only).'),
    agentWindowRounds: bounded('agentWindowRounds')
      .default(0)
      .describe(
        "0: the main agent's conversation only grows, which a server with prefix caching serves best. N: once N rounds have " +
          'finished since it began or was last folded, the conversation restarts from the main-agent prompt and one summary ' +
          '(the failed rounds, the refinement message, the rounds left): fewer prompt tokens, more of them uncached (agentic orchestrator only).',
      ),
    challengersPerRound: bounded('challengersPerRound')
      .default(1)
      .describe(
        'Challenger examples drafted in parallel per round. Scripted: that many drafts, the first that passes QV is evaluated. ' +
          'Agentic: the main agent may give call_challenger up to that many angles; every draft that passes a stage goes on, and the ' +
          'best-separating one is kept (inner/parallel-drafts.ts).',
      ),
    judgeMaxRetries: bounded('judgeMaxRetries')
      .default(2)
      .describe('Extra judge calls for one answer when the judge reply is unusable, before the answer counts as unscored.'),
    loopJudge: loopJudgeSettingsSchema.optional(),
    evaluationRetries: bounded('evaluationRetries')
      .default(2)
      .describe(
        'Times an evaluation is repeated when it failed for infrastructure reasons (every solver call failed, empty output), ' +
          'before the round is recorded as an error rather than a verdict.',
      ),
  })
  .superRefine((settings, context) => {
    if (settings.orchestrator === 'judge-loop' && settings.mode !== 'rubric') {
      context.addIssue({ code: 'custom', path: ['mode'], message: 'the judge-loop orchestrator reads per-criterion scores: it needs mode "rubric"' });
    }
    if (settings.loopJudge && settings.loopJudge.minWeakMean > settings.loopJudge.maxWeakMean) {
      context.addIssue({ code: 'custom', path: ['loopJudge', 'minWeakMean'], message: 'minWeakMean is above maxWeakMean; no round could be accepted' });
    }
    if ((settings.mode === 'verifiable') !== (settings.acceptance === 'verifiable')) {
      context.addIssue({
        code: 'custom',
        path: ['acceptance'],
        message: `acceptance "${settings.acceptance}" does not fit mode "${settings.mode}"; use "verifiable" exactly when mode is "verifiable"`,
      });
    }
  });

export type HarnessSettings = z.infer<typeof harnessSettingsSchema>;
export type HarnessSettingsInput = z.input<typeof harnessSettingsSchema>;
export const SETTINGS_KEYS = Object.keys(harnessSettingsSchema.shape) as Array<keyof HarnessSettings>;

/** Parses settings JSON text; returns a one-line problem naming the key instead of throwing. */
export function parseSettings(text: string): { ok: true; settings: HarnessSettings } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = harnessSettingsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problem: formatZodIssues(parsed.error.issues, raw) };
}

/** The value at `issuePath` inside `raw`, through own properties only (the keys may be model-written). */
function valueAt(raw: unknown, issuePath: ReadonlyArray<PropertyKey>): unknown {
  let value = raw;
  for (const key of issuePath) {
    if (value === null || typeof value !== 'object' || typeof key === 'symbol' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function describeBounds(bounds: SettingBounds): string {
  return `${bounds.integer ? 'an integer' : 'a number'} from ${bounds.min} to ${bounds.max}`;
}

/**
 * One line for a list of zod issues. With `raw` (the parsed input), a value outside the bounds of
 * a setting is named with the value and the bounds: `"agentStepBudget" is 1000000000; allowed: an integer from 1 to 200`.
 * Keys are printed as JSON strings, so a key with control characters stays visible as escapes.
 */
export function formatZodIssues(issues: ReadonlyArray<z.core.$ZodIssue>, raw?: unknown): string {
  const lines = issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => [...issue.path.map(String), key].join('.'));
      return `unknown key ${keys.map((key) => JSON.stringify(key)).join(', ')}`;
    }
    const bounds = SETTING_BOUNDS.get(where);
    if (bounds && raw !== undefined && (issue.code === 'too_big' || issue.code === 'too_small' || issue.code === 'invalid_type')) {
      return `"${where}" is ${JSON.stringify(valueAt(raw, issue.path)) ?? 'missing'}; allowed: ${describeBounds(bounds)}`;
    }
    return `${where}: ${issue.message}`;
  });
  // One value can break two checks (1e300 is neither a safe integer nor <= 200): say it once.
  return [...new Set(lines)].join('; ');
}

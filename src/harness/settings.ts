// settings.json of a harness: the strategy knobs of the inner loop. Strict: unknown keys are errors.
import { z } from 'zod';

const positiveInt = z.number().int().min(1);

export const solverAttemptsSchema = z
  .strictObject({
    weak: positiveInt.describe('Answers drawn from the weak solver per evaluated question.'),
    strong: positiveInt.describe('Answers drawn from the strong solver per evaluated question.'),
  })
  .describe('Solver attempts per question (the paper: 3 each for rubric mode, 4 each for verifiable mode).');

export const harnessSettingsSchema = z
  .strictObject({
    orchestrator: z
      .enum(['agentic', 'scripted', 'single-shot'])
      .default('agentic')
      .describe(
        'Who drives the rounds: an LLM main agent with tools (agentic), the same workflow in code (scripted), ' +
          'or one challenger call with no refinement (single-shot, the CoT Self-Instruct baseline).',
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
    solverTemperature: z
      .number()
      .min(0)
      .max(2)
      .default(1.0)
      .describe('Sampling temperature of both solvers (1.0 in the paper).'),
    roundBudget: positiveInt.default(10).describe('Most rounds (challenger attempts) spent on one document before giving up.'),
    agentStepBudget: positiveInt
      .default(60)
      .describe('Most tool calls the main agent may make on one document (agentic orchestrator only).'),
    challengersPerRound: positiveInt
      .max(8)
      .default(1)
      .describe('Challenger examples drafted in parallel per round, each from a different angle; the first that passes QV is evaluated.'),
    judgeMaxRetries: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe('Extra judge calls for one answer when the judge reply is unusable, before the answer counts as unscored.'),
    evaluationRetries: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe(
        'Times an evaluation is repeated when it failed for infrastructure reasons (every solver call failed, empty output), ' +
          'before the round is recorded as an error rather than a verdict.',
      ),
  })
  .superRefine((settings, context) => {
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
  return { ok: false, problem: formatZodIssues(parsed.error.issues) };
}

export function formatZodIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string {
  return issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => [...issue.path, key].join('.'));
        return `unknown key ${keys.map((key) => `"${key}"`).join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

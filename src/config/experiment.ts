// An experiment config describes one meta-optimization run completely. Parsed once here, with
// defaults applied and unknown keys rejected; every error names the file and the field.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { formatConfigIssues } from './format-issues.ts';
import { DEFAULT_LONG_DOCUMENT_POLICY, LONG_DOCUMENT_POLICIES } from '../inner/fit-document.ts';
import { acceptanceRuleSchema } from '../outer/accept-child.ts';
import { racingSchema } from '../outer/race-rule.ts';
import { plateauRuleSchema } from '../outer/plateau.ts';
import { parentSelectionSchema } from '../outer/select-parent.ts';

const positiveInt = z.number().int().min(1);
const optionalLimit = positiveInt.nullable().default(null);

export const experimentSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-" (it names the run folder)')
    .describe('Run name; the run is stored in populations/<name>/.'),
  description: z.string().default(''),
  baseline: z.string().min(1).default('baselines/agentic-self-instruct').describe('Folder of the baseline harness.'),
  metaPrompts: z.string().min(1).default('baselines/meta-optimizer').describe('Folder with analyzer.md and implementer.md.'),
  documents: z.string().min(1).default('sim:cs?n=100&seed=0').describe('Documents: a folder, a .jsonl file or a sim: corpus spec.'),
  split: z.string().min(1).default('splits/sim-cs.json').describe('Split file (train / validation / test ids).'),
  // No default: a run on real endpoints that forgot this field must not quietly run on the sim.
  endpoints: z.string().min(1).describe('Required: "sim" for the in-process simulated lab, or an endpoints file.'),
  simSeed: z.number().int().min(0).default(0).describe('Seed of the simulated lab (ignored by real endpoints).'),
  seed: z.number().int().min(0).default(0).describe('Run seed: parent choices, minibatches and every request seed derive from it.'),
  inner: z
    .strictObject({
      documentConcurrency: positiveInt.default(4).describe('Documents evaluated at once within one evaluation.'),
      longDocuments: z
        .enum(LONG_DOCUMENT_POLICIES)
        .default(DEFAULT_LONG_DOCUMENT_POLICY)
        .describe(
          "A document too long for the challenger's or quality verifier's contextWindow: truncate (title, abstract, the leading whole sections that fit) or skip (never sent, not in any pass rate).",
        ),
    })
    .prefault({}),
  outer: z
    .strictObject({
      iterations: positiveInt.default(233).describe('Iterations after the baseline evaluation (iteration 0).'),
      concurrentIterations: positiveInt.default(4).describe('Iterations in flight at once (one wave).'),
      trainMinibatchSize: positiveInt.default(5).describe('Training documents the parent runs on before analysis.'),
      validationLimit: optionalLimit.describe('Use the first N validation documents of the split; null = all.'),
      parentSelection: parentSelectionSchema.default({ kind: 'boltzmann', temperature: 0.1 }),
      acceptance: acceptanceRuleSchema.default({ kind: 'strict' }),
      racing: racingSchema.default('off'),
      implementerRetries: z.number().int().min(0).default(2).describe('Extra implementer attempts after a refused edit.'),
      historyLimit: z.number().int().min(0).default(40).describe('Most recent history entries shown to the analyzer and implementer; 0 shows none.'),
      finalTest: z.boolean().default(true).describe('After the last iteration, evaluate the baseline and the best candidate on the held-out test documents.'),
      testLimit: optionalLimit.describe('Use the first N test documents of the split in the final test; null = all.'),
      maxErroredFraction: z
        .number()
        .min(0)
        .max(1)
        .default(0.2)
        .describe('An evaluation in which more than this share of documents ended on an infrastructure error is void: the run stops, resumably.'),
    })
    .prefault({}),
  budgets: z
    .strictObject({
      iterations: optionalLimit.describe('Stop after this many iterations (in addition to outer.iterations).'),
      calls: optionalLimit.describe('Stop once this many paid model calls have been made (cache hits excluded, a re-ask counted; src/llm/call-count.ts).'),
      tokens: optionalLimit.describe('Stop once this many tokens (prompt + completion) have been used.'),
      wallTimeMinutes: z.number().positive().nullable().default(null).describe('Stop after this much wall time in this process.'),
      usd: z
        .number()
        .positive()
        .max(1_000_000)
        .nullable()
        .default(null)
        .describe("Stop once this many US dollars have been spent (every role the run calls needs a price in the endpoints file)."),
      plateau: plateauRuleSchema
        .nullable()
        .default(null)
        .describe('Stop when the last `iterations` iterations improved nothing beyond the evaluation noise (src/outer/plateau.ts); null = off.'),
    })
    .prefault({}),
});

export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;

/** Absolute locations of everything the config names; `documents` stays a spec when it is `sim:...`. */
export interface ResolvedExperimentPaths {
  baseline: string;
  metaPrompts: string;
  documents: string;
  split: string;
  /** 'sim' or an absolute endpoints file path. */
  endpoints: string;
}

export interface LoadedExperiment {
  file: string;
  config: ExperimentConfig;
  paths: ResolvedExperimentPaths;
}

export interface ExperimentOverrides {
  iterations?: number;
  seed?: number;
  name?: string;
}

/** Reads, validates and resolves an experiment file (JSON or YAML). Paths are relative to `cwd`. */
export function loadExperiment(file: string, options: { cwd?: string; overrides?: ExperimentOverrides } = {}): LoadedExperiment {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) {
    throw new ConfigError(file, 'experiment file not found; pass a path such as experiments/quickstart.json');
  }
  const text = readFileSync(absolute, 'utf8');
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(absolute) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, `not valid ${/\.ya?ml$/i.test(absolute) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`);
  }
  const config = applyOverrides(parseExperiment(raw, file), options.overrides ?? {}, file);
  return { file, config, paths: resolveExperimentPaths(config, file, cwd) };
}

/** Validates a parsed value; the error names every offending field and the file. */
export function parseExperiment(value: unknown, source: string): ExperimentConfig {
  const parsed = experimentSchema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const missingEndpoints = parsed.error.issues.length === 1 && parsed.error.issues[0]!.path.join('.') === 'endpoints';
  if (missingEndpoints && typeof value === 'object' && value !== null && !Object.hasOwn(value, 'endpoints')) {
    // The one problem is the field with no default: say what to write there.
    throw new ConfigError(
      'experiment.endpoints',
      `required: write "sim" for the in-process simulated lab, or the path of an endpoints file (in ${source})`,
    );
  }
  throw formatConfigIssues(parsed.error.issues, 'experiment', source);
}

export function applyOverrides(config: ExperimentConfig, overrides: ExperimentOverrides, source: string): ExperimentConfig {
  const checked = (name: string, value: number | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value < min) throw new ConfigError(source, `--${name} must be an integer >= ${min}, got ${value}`);
    return value;
  };
  const iterations = checked('iterations', overrides.iterations, 1);
  const seed = checked('seed', overrides.seed, 0);
  const withOverrides = {
    ...config,
    name: overrides.name ?? config.name,
    seed: seed ?? config.seed,
    outer: { ...config.outer, iterations: iterations ?? config.outer.iterations },
  };
  return parseExperiment(withOverrides, source);
}

export function resolveExperimentPaths(config: ExperimentConfig, source: string, cwd: string): ResolvedExperimentPaths {
  const folder = (field: 'baseline' | 'metaPrompts', what: string): string => {
    const absolute = path.resolve(cwd, config[field]);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
      throw new ConfigError(source, `${field}: ${what} folder not found: ${config[field]} (paths are relative to ${cwd})`);
    }
    return absolute;
  };
  const file = (field: 'split' | 'endpoints', what: string): string => {
    const absolute = path.resolve(cwd, config[field]);
    if (!existsSync(absolute) || !statSync(absolute).isFile()) {
      throw new ConfigError(source, `${field}: ${what} file not found: ${config[field]} (paths are relative to ${cwd})`);
    }
    return absolute;
  };
  return {
    baseline: folder('baseline', 'harness'),
    metaPrompts: folder('metaPrompts', 'meta prompts'),
    documents: config.documents.startsWith('sim:') ? config.documents : path.resolve(cwd, config.documents),
    split: file('split', 'split'),
    endpoints: config.endpoints === 'sim' ? 'sim' : file('endpoints', 'endpoints'),
  };
}

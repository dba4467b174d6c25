import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { compareIds, type Document } from './document.ts';

export const SPLIT_PARTS = ['train', 'validation', 'test'] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

const count = z.number().int().nonnegative();
const ids = z.array(z.string().min(1));

export const splitSchema = z
  .strictObject({
    /** The documents spec the split was made from (`sim:cs?n=100&seed=0`, a folder, a .jsonl). */
    documents: z.string().min(1),
    seed: z.number().int(),
    counts: z.strictObject({ train: count, validation: count, test: count }),
    train: ids,
    validation: ids,
    test: ids,
  })
  .superRefine((split, context) => {
    const partOf = new Map<string, SplitPart>();
    for (const part of SPLIT_PARTS) {
      if (split.counts[part] !== split[part].length) {
        context.addIssue({
          code: 'custom',
          path: ['counts', part],
          message: `says ${split.counts[part]} but ${part} lists ${split[part].length} ids`,
        });
      }
      split[part].forEach((id, index) => {
        const earlier = partOf.get(id);
        if (earlier) {
          const where = earlier === part ? `listed twice in ${part}` : `also in ${earlier}`;
          context.addIssue({ code: 'custom', path: [part, index], message: `id ${JSON.stringify(id)} is ${where}; parts must not overlap` });
        } else {
          partOf.set(id, part);
        }
      });
    }
  });
export type Split = z.infer<typeof splitSchema>;

export interface MakeSplitOptions {
  seed: number;
  train: number;
  validation: number;
  /** The documents spec recorded in the split, so a reader knows which corpus it indexes. */
  documents?: string;
}

/**
 * A seeded split: the ids are sorted (so the caller's order does not matter), shuffled with
 * seedrandom(seed), and cut into train, validation and the rest as test. Each part keeps the
 * shuffled order, so taking the first N of a part is a random sample of it.
 */
export function makeSplit(documentIds: string[], options: MakeSplitOptions): Split {
  for (const field of ['seed', 'train', 'validation'] as const) {
    const value = options[field];
    if (!Number.isInteger(value) || (field !== 'seed' && value < 0)) {
      throw new ConfigError(field, `must be ${field === 'seed' ? 'an' : 'a non-negative'} integer, got ${value}`);
    }
  }
  const sorted = [...documentIds].sort(compareIds);
  const duplicate = sorted.find((id, index) => index > 0 && sorted[index - 1] === id);
  if (duplicate !== undefined) throw new ConfigError('documents', `duplicate document id ${JSON.stringify(duplicate)}; ids must be unique`);
  const wanted = options.train + options.validation;
  if (wanted > sorted.length) {
    throw new ConfigError(
      'split',
      `train ${options.train} + validation ${options.validation} = ${wanted} documents, but the corpus has only ${sorted.length}; lower --train or --validation`,
    );
  }
  const rng = seedrandom(String(options.seed));
  for (let index = sorted.length - 1; index > 0; index -= 1) {
    const other = Math.floor(rng() * (index + 1));
    [sorted[index], sorted[other]] = [sorted[other] as string, sorted[index] as string];
  }
  const train = sorted.slice(0, options.train);
  const validation = sorted.slice(options.train, wanted);
  const test = sorted.slice(wanted);
  return {
    documents: options.documents ?? 'unspecified',
    seed: options.seed,
    counts: { train: train.length, validation: validation.length, test: test.length },
    train,
    validation,
    test,
  };
}

/** Reads and validates a split file; every error names the file and the field. */
export function loadSplit(file: string): Split {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(file, 'split file not found; make one with `autodata split --out FILE` or use splits/sim-cs.json');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = splitSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(describeIssue);
    throw new ConfigError(file, issues[0] ?? 'invalid split', issues);
  }
  return parsed.data;
}

function formatPath(parts: ReadonlyArray<PropertyKey>): string {
  if (parts.length === 0) return '(root)';
  return parts.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}

/** `field: problem`, naming an unknown key as the field itself. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key; remove it`).join('; ');
  }
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** Writes a split as pretty JSON (with a final newline, so it diffs cleanly in git). */
export function writeSplit(file: string, split: Split): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(splitSchema.parse(split), null, 2)}\n`);
}

export function splitPart(split: Split, part: SplitPart): string[] {
  return split[part];
}

/** The documents of one part, in the split's order; a split id missing from `documents` is an error. */
export function documentsForPart(documents: Document[], split: Split, part: SplitPart): Document[] {
  const byId = new Map(documents.map((document) => [document.id, document]));
  const missing = split[part].filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new ConfigError(
      `split.${part}`,
      `${missing.length} of ${split[part].length} ids are not in the documents (first: ${JSON.stringify(missing[0])}); the split was made for ${split.documents}, load those documents`,
    );
  }
  return split[part].map((id) => byId.get(id) as Document);
}

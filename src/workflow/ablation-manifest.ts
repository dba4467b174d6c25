// The record of an ablation: a matrix of arms (values of the varied keys) x seeds, each cell an
// ordinary evolve run in its own folder. Written once when the ablation starts (atomically), read
// by `ablate --resume`, `compare`, `curve` and `report`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { writeFileAtomically } from '../util/write-file-atomically.ts';

export const ABLATION_FILE = 'ablation.json';

const varySchema = z.strictObject({
  /** Dotted path in the experiment config, e.g. outer.parentSelection.kind. */
  key: z.string().min(1),
  values: z.array(z.unknown()).min(1),
});

const armSchema = z.strictObject({
  /** Folder-safe id: a1, a2, ... in the order the matrix was expanded. */
  id: z.string().regex(/^a\d+$/),
  /** What a person reads: `outer.parentSelection.kind=greedy, outer.historyLimit=0`. */
  label: z.string(),
  /** The varied keys and the value each takes in this arm. */
  values: z.array(z.strictObject({ key: z.string(), value: z.unknown() })),
});

const cellSchema = z.strictObject({
  arm: z.string(),
  seed: z.number().int().min(0),
  /** Relative to the ablation folder: the cell's run folder (run.sqlite, workspace/). */
  runDir: z.string(),
  /** Relative to the ablation folder: the resolved experiment; `autodata evolve FILE --out DIR` runs the cell alone. */
  experimentFile: z.string(),
});

export const ablationManifestSchema = z.strictObject({
  kind: z.literal('ablation'),
  name: z.string().min(1),
  /** The base experiment file as given (the cells hold their resolved copies). */
  experiment: z.string(),
  seeds: z.array(z.number().int().min(0)).min(1),
  vary: z.array(varySchema),
  arms: z.array(armSchema).min(1),
  cells: z.array(cellSchema).min(1),
  createdAt: z.string(),
});
export type AblationManifest = z.infer<typeof ablationManifestSchema>;
export type AblationArm = AblationManifest['arms'][number];
export type AblationCell = AblationManifest['cells'][number];

export function writeAblationManifest(dir: string, manifest: AblationManifest): void {
  writeFileAtomically(path.join(dir, ABLATION_FILE), `${JSON.stringify(ablationManifestSchema.parse(manifest), null, 2)}\n`);
}

export function isAblationDir(dir: string): boolean {
  return existsSync(path.join(dir, ABLATION_FILE));
}

export function readAblationManifest(dir: string): AblationManifest {
  const file = path.join(dir, ABLATION_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, `cannot read the ablation record (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = ablationManifestSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, `is not an ablation record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The ablation folder NAME names: a path, or a name under `<cwd>/populations/`; undefined if neither holds one. */
export function locateAblation(name: string, cwd = process.cwd()): string | undefined {
  return [path.resolve(cwd, name), path.resolve(cwd, 'populations', name)].find(isAblationDir);
}

/** Absolute run folder of a cell. */
export function cellRunDir(ablationDir: string, cell: AblationCell): string {
  return path.join(ablationDir, cell.runDir);
}

// manifest.json: what the meta-optimizer may not touch. It protects itself.
import { z } from 'zod';
import { SETTINGS_KEYS } from './settings.ts';

export const MANIFEST_FILE = 'manifest.json';
export const SETTINGS_FILE = 'settings.json';

export const harnessManifestSchema = z.strictObject({
  name: z.string().min(1).describe('Short name of the harness, e.g. agentic-self-instruct.'),
  description: z.string().default('').describe('One or two sentences on what this harness is.'),
  protectedFiles: z
    .array(z.string().min(1))
    .describe('Relative paths no edit may touch (solver and judge prompts, this manifest).'),
  protectedSettings: z
    .array(z.enum(SETTINGS_KEYS as [string, ...string[]]))
    .describe('settings.json keys whose value no edit may change (the evaluator: acceptance, budgets, solver sampling).'),
});

export type HarnessManifest = z.infer<typeof harnessManifestSchema>;

export function isProtectedFile(manifest: HarnessManifest, file: string): boolean {
  return file === MANIFEST_FILE || manifest.protectedFiles.includes(file);
}

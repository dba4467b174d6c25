// A harness in memory: its files (exact bytes as text), parsed settings and manifest, and a hash.
// Validation produces one-line problems naming the file; `harnessFromFiles` turns the first into a ConfigError.
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import { ConfigError } from '../errors.ts';
import { ownValue } from '../util/own-property.ts';
import { formatZodIssues, parseSettings, type HarnessSettings } from './settings.ts';
import { harnessManifestSchema, MANIFEST_FILE, SETTINGS_FILE, type HarnessManifest } from './manifest.ts';
import { optionalPlaceholders, requiredPlaceholders, requiredRoles, ROLE_PROMPT_FILES, roleForPromptFile } from './roles.ts';
import { placeholderProblems } from './placeholders.ts';

export interface Harness {
  /** Relative posix path -> exact file content. */
  files: Record<string, string>;
  settings: HarnessSettings;
  manifest: HarnessManifest;
  /** sha256 of the canonical JSON of `files`. */
  contentHash: string;
  /** Relative paths that were symbolic links in the source folder; never read, never editable. */
  symlinks: string[];
}

export type HarnessProblemKind = 'path' | 'manifest' | 'settings' | 'missing-prompt' | 'unknown-prompt' | 'placeholder';

export interface HarnessProblem {
  kind: HarnessProblemKind;
  /** The relative file the problem is in. */
  file: string;
  message: string;
}

/** The files of a harness, or the argument itself when it already is a plain files record. */
export function filesOf(value: Harness | Record<string, string>): Record<string, string> {
  const maybeHarness = value as Partial<Harness>;
  const isHarness = typeof maybeHarness.contentHash === 'string' && typeof maybeHarness.files === 'object' && maybeHarness.manifest !== undefined;
  return isHarness ? (maybeHarness.files as Record<string, string>) : (value as Record<string, string>);
}

export function contentHash(files: Record<string, string>): string {
  return sha256Hex(canonicalJson(files));
}

/** Why a relative path cannot be a harness file, or undefined when it is fine. */
export function unsafePathReason(file: string): string | undefined {
  if (file.length === 0) return 'empty path';
  if (file.includes('\\')) return 'backslashes are not allowed; use / between folders';
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) return 'absolute paths are not allowed';
  if (file.includes('\0')) return 'NUL in path';
  const parts = file.split('/');
  if (parts.some((part) => part === '..')) return '".." leaves the harness folder';
  if (parts.some((part) => part === '' || part === '.')) return 'use a normalized relative path (no "//", "./" or trailing "/")';
  if (parts[0] === '.git') return '.git is not part of a harness';
  return undefined;
}

type Checked = { ok: true; harness: Harness } | { ok: false; problems: HarnessProblem[] };

/** Validates a set of files as a harness without throwing. */
export function checkHarnessFiles(files: Record<string, string>, symlinks: string[] = []): Checked {
  const problems: HarnessProblem[] = [];
  for (const file of Object.keys(files)) {
    const reason = unsafePathReason(file);
    if (reason) problems.push({ kind: 'path', file, message: reason });
  }

  const manifestText = ownValue(files, MANIFEST_FILE);
  let manifest: HarnessManifest | undefined;
  if (manifestText === undefined) {
    problems.push({ kind: 'manifest', file: MANIFEST_FILE, message: 'missing; every harness folder needs a manifest.json' });
  } else {
    manifest = parseManifest(manifestText, files, problems);
  }

  const settingsText = ownValue(files, SETTINGS_FILE);
  let settings: HarnessSettings | undefined;
  if (settingsText === undefined) {
    problems.push({ kind: 'settings', file: SETTINGS_FILE, message: 'missing; every harness folder needs a settings.json' });
  } else {
    const parsed = parseSettings(settingsText);
    if (parsed.ok) settings = parsed.settings;
    else problems.push({ kind: 'settings', file: SETTINGS_FILE, message: parsed.problem });
  }

  if (settings) problems.push(...promptProblems(files, settings));
  if (problems.length > 0 || !manifest || !settings) return { ok: false, problems };

  const sortedFiles = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    ok: true,
    harness: { files: sortedFiles, settings, manifest, contentHash: contentHash(sortedFiles), symlinks: [...symlinks].sort() },
  };
}

/**
 * Builds a validated harness from its files. Throws a ConfigError naming the first bad file
 * (prefixed with `source`, the folder, when given); `issues` lists every problem found.
 */
export function harnessFromFiles(
  files: Record<string, string>,
  options: { source?: string; symlinks?: string[] } = {},
): Harness {
  const checked = checkHarnessFiles(files, options.symlinks);
  if (checked.ok) return checked.harness;
  const located = checked.problems.map((problem) => ({
    ...problem,
    file: options.source ? `${options.source.replace(/\/+$/, '')}/${problem.file}` : problem.file,
  }));
  const first = located[0]!;
  throw new ConfigError(
    first.file,
    first.message,
    located.map((problem) => `${problem.file}: ${problem.message}`),
  );
}

function parseManifest(text: string, files: Record<string, string>, problems: HarnessProblem[]): HarnessManifest | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    problems.push({ kind: 'manifest', file: MANIFEST_FILE, message: `not valid JSON (${(error as Error).message})` });
    return undefined;
  }
  const parsed = harnessManifestSchema.safeParse(raw);
  if (!parsed.success) {
    problems.push({ kind: 'manifest', file: MANIFEST_FILE, message: formatZodIssues(parsed.error.issues) });
    return undefined;
  }
  for (const file of parsed.data.protectedFiles) {
    if (!Object.hasOwn(files, file)) {
      problems.push({ kind: 'manifest', file: MANIFEST_FILE, message: `protectedFiles names "${file}", which is not in the harness` });
    }
  }
  return parsed.data;
}

function promptProblems(files: Record<string, string>, settings: HarnessSettings): HarnessProblem[] {
  const problems: HarnessProblem[] = [];
  for (const role of requiredRoles(settings)) {
    const file = ROLE_PROMPT_FILES[role];
    if (!Object.hasOwn(files, file)) {
      problems.push({ kind: 'missing-prompt', file, message: `missing; the ${settings.orchestrator} orchestrator needs the ${role} prompt` });
    }
  }
  for (const [file, text] of Object.entries(files)) {
    if (!file.startsWith('prompts/')) continue;
    const role = roleForPromptFile(file);
    if (!role) {
      const known = Object.values(ROLE_PROMPT_FILES).join(', ');
      problems.push({ kind: 'unknown-prompt', file, message: `not a role prompt; prompt files are ${known}` });
      continue;
    }
    for (const message of placeholderProblems(text, requiredPlaceholders(role, settings.mode, settings.strongSolver.mode), optionalPlaceholders(role))) {
      problems.push({ kind: 'placeholder', file, message });
    }
  }
  return problems;
}

// Applying an implementer's search/replace edits to a harness: all or nothing, and every refusal
// carries a reason (src/errors.ts EditRefusalReason) and a message the model can act on.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EditRefused, type EditRefusalReason } from '../errors.ts';
import { canonicalJson } from '../util/hash.ts';
import { ownValue } from '../util/own-property.ts';
import { forTerminal } from '../util/terminal-text.ts';
import { checkHarnessFiles, unsafePathReason, type Harness } from './harness.ts';
import { isProtectedFile, SETTINGS_FILE } from './manifest.ts';
import { parseSettings } from './settings.ts';
import { notFoundHint } from './closest-lines.ts';

export const harnessEditSchema = z.strictObject({
  file: z.string().describe('Relative path of an existing, editable harness file.'),
  search: z.string().describe('Text copied exactly from the current file; must occur exactly once.'),
  replace: z.string().describe('The text that takes its place.'),
});
export type HarnessEdit = z.infer<typeof harnessEditSchema>;

export type ApplyEditsResult =
  | { ok: true; harness: Harness; changedFiles: string[] }
  | { ok: false; refusal: EditRefused };

export interface ApplyEditsOptions {
  /** The folder the harness was loaded from: paths that are symlinks there are refused too. */
  dir?: string;
}

/** Applies `edits` in order to a copy of the harness; the parent is never modified. */
export function applyEdits(harness: Harness, edits: ReadonlyArray<HarnessEdit>, options: ApplyEditsOptions = {}): ApplyEditsResult {
  const refuse = (reason: EditRefusalReason, message: string, file?: string): ApplyEditsResult => ({
    ok: false,
    refusal: new EditRefused(reason, message, file),
  });

  if (!Array.isArray(edits) || edits.length === 0) return refuse('malformed-edits', 'no edits given; send at least one {file, search, replace}');
  // A Map, not a copy of the record: the file names are model-written, and "constructor" or
  // "__proto__" must never find something on Object.prototype.
  const files = new Map(Object.entries(harness.files));
  const changed = new Set<string>();

  for (const [offset, rawEdit] of edits.entries()) {
    const label = `edit ${offset + 1}`;
    const parsed = harnessEditSchema.safeParse(rawEdit);
    if (!parsed.success) return refuse('malformed-edits', `${label}: each edit needs string fields file, search and replace`);
    const edit = parsed.data;
    const file = edit.file.replace(/^(\.\/)+/, '');
    if (edit.search.length === 0) {
      return refuse('malformed-edits', `${label} (${forTerminal(file, 'line')}): empty search text; copy a unique piece of the current file`, file);
    }

    const outside = outsideReason(harness, files, file, options.dir);
    if (outside) return refuse('outside-harness', `${label}: "${forTerminal(edit.file, 'line')}" is outside the harness: ${outside}`, edit.file);
    if (isProtectedFile(harness.manifest, file)) {
      return refuse('protected-file', `${label}: ${file} is protected (it defines how the harness is evaluated); edit another file`, file);
    }

    const content = files.get(file)!;
    const positions = occurrences(content, edit.search);
    if (positions.length === 0) {
      return refuse('search-not-found', `${label}: search text not found in ${file}; ${notFoundHint(content, edit.search)}`, file);
    }
    if (positions.length > 1) {
      const lines = [...new Set(positions.map((position) => content.slice(0, position).split('\n').length))];
      return refuse(
        'search-not-unique',
        `${label}: search text occurs ${positions.length} times in ${file} (lines ${lines.join(', ')}); include more surrounding text so it matches once`,
        file,
      );
    }
    const position = positions[0]!;
    // Slicing, not String.replace: `$&` and friends in the replacement must stay literal.
    files.set(file, content.slice(0, position) + edit.replace + content.slice(position + edit.search.length));
    changed.add(file);
  }

  const changedFiles = [...changed].filter((file) => files.get(file) !== ownValue(harness.files, file)).sort();
  if (changedFiles.length === 0) return refuse('no-op', 'the edits leave every file exactly as it was; change something');

  if (changedFiles.includes(SETTINGS_FILE)) {
    const parsed = parseSettings(files.get(SETTINGS_FILE)!);
    if (!parsed.ok) return refuse('invalid-settings', `${SETTINGS_FILE}: ${parsed.problem}`, SETTINGS_FILE);
    for (const key of harness.manifest.protectedSettings) {
      const before = harness.settings[key as keyof typeof harness.settings];
      const after = parsed.settings[key as keyof typeof parsed.settings];
      if (canonicalJson(before) !== canonicalJson(after)) {
        return refuse(
          'protected-setting',
          `${SETTINGS_FILE}: "${key}" is protected and must stay ${JSON.stringify(before)} (the edit makes it ${JSON.stringify(after)})`,
          SETTINGS_FILE,
        );
      }
    }
  }

  const checked = checkHarnessFiles(Object.fromEntries(files), harness.symlinks);
  if (!checked.ok) {
    const problem = checked.problems[0]!;
    const reason: EditRefusalReason = problem.kind === 'placeholder' ? 'placeholder-lost' : 'invalid-settings';
    return refuse(reason, `${problem.file}: ${problem.message}`, problem.file);
  }
  return { ok: true, harness: checked.harness, changedFiles };
}

function outsideReason(harness: Harness, files: ReadonlyMap<string, string>, file: string, dir: string | undefined): string | undefined {
  const unsafe = unsafePathReason(file);
  if (unsafe) return unsafe;
  const parts = file.split('/');
  const prefixes = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  const linked = prefixes.find((prefix) => harness.symlinks.includes(prefix) || isSymlinkOnDisk(dir, prefix));
  if (linked !== undefined) return `${linked} is a symbolic link`;
  if (!files.has(file)) {
    return `not a file of this harness (new files are not allowed); files: ${[...files.keys()].join(', ')}`;
  }
  return undefined;
}

function isSymlinkOnDisk(dir: string | undefined, relative: string): boolean {
  if (!dir) return false;
  try {
    return fs.lstatSync(path.join(dir, relative)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Start offsets of every (possibly overlapping) occurrence of `search` in `content`. */
function occurrences(content: string, search: string): number[] {
  const found: number[] = [];
  for (let index = content.indexOf(search); index !== -1; index = content.indexOf(search, index + 1)) found.push(index);
  return found;
}

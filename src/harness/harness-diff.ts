// A candidate harness is stored as a multi-file unified diff against the baseline (`a/` `b/` headers,
// git style). Made and applied with the `diff` package; the round trip is exact to the byte.
import { applyPatch, formatPatch, parsePatch, structuredPatch, FILE_HEADERS_ONLY } from 'diff';
import { AutodataError } from '../errors.ts';
import { ownValue } from '../util/own-property.ts';
import { filesOf, type Harness } from './harness.ts';

const NO_FILE = '/dev/null';

type FilesOrHarness = Harness | Record<string, string>;

/** The unified diff that turns `base` into `candidate` ('' when they are identical). Files sorted by path. */
export function createHarnessDiff(base: FilesOrHarness, candidate: FilesOrHarness): string {
  const before = filesOf(base);
  const after = filesOf(candidate);
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const parts: string[] = [];
  for (const file of paths) {
    const oldText = ownValue(before, file);
    const newText = ownValue(after, file);
    if (oldText === newText) continue;
    const oldName = oldText === undefined ? NO_FILE : `a/${file}`;
    const newName = newText === undefined ? NO_FILE : `b/${file}`;
    const patch = structuredPatch(oldName, newName, oldText ?? '', newText ?? '', undefined, undefined, { context: 3 });
    parts.push(`diff --git a/${file} b/${file}\n${formatPatch(patch, FILE_HEADERS_ONLY)}`);
  }
  return parts.join('');
}

/** Applies a diff made by `createHarnessDiff` to the base files. Throws if it does not fit. */
export function applyHarnessDiff(baseFiles: FilesOrHarness, diff: string): Record<string, string> {
  // File names come from the diff text: a Map, so no name reaches Object.prototype.
  const files = new Map(Object.entries(filesOf(baseFiles)));
  if (diff.trim().length === 0) return sortedRecord(files);
  for (const patch of parsePatch(diff)) {
    const oldName = stripPrefix(patch.oldFileName, 'a/');
    const newName = stripPrefix(patch.newFileName, 'b/');
    const file = newName ?? oldName;
    if (file === undefined) throw new AutodataError('DIFF_APPLY', 'diff has a file section without file names');
    const source = oldName === undefined ? '' : files.get(oldName);
    if (source === undefined) throw new AutodataError('DIFF_APPLY', `diff changes ${oldName}, which is not in the base harness`);
    const result = patch.hunks.length === 0 ? source : applyPatch(source, patch, { autoConvertLineEndings: false });
    if (result === false) throw new AutodataError('DIFF_APPLY', `diff does not apply to ${oldName}: the base file differs from the one the diff was made from`);
    if (oldName !== undefined && oldName !== newName) files.delete(oldName);
    if (newName !== undefined) files.set(newName, result);
  }
  return sortedRecord(files);
}

function sortedRecord(files: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Paths a diff touches (new names; old names for deleted files). */
export function diffFiles(diff: string): string[] {
  if (diff.trim().length === 0) return [];
  return parsePatch(diff)
    .map((patch) => stripPrefix(patch.newFileName, 'b/') ?? stripPrefix(patch.oldFileName, 'a/'))
    .filter((file): file is string => file !== undefined);
}

function stripPrefix(name: string | undefined, prefix: string): string | undefined {
  if (name === undefined || name === NO_FILE || name === '') return undefined;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

// Reading a harness folder from disk and writing one back. Symbolic links are recorded, never followed.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { filesOf, harnessFromFiles, unsafePathReason, type Harness } from './harness.ts';

/** Loads and validates the harness in `dir`; a ConfigError names the offending file. */
export function loadHarness(dir: string): Harness {
  const { files, symlinks } = readHarnessFolder(dir);
  return harnessFromFiles(files, { source: dir, symlinks });
}

/** Every regular file under `dir` (except .git/) as text, plus the relative paths of symlinks. */
export function readHarnessFolder(dir: string): { files: Record<string, string>; symlinks: string[] } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new ConfigError(dir, 'harness folder not found; pass a folder with manifest.json, settings.json and prompts/');
  }
  if (!stat.isDirectory()) throw new ConfigError(dir, 'not a folder; a harness is a folder with manifest.json, settings.json and prompts/');
  // Entries, then Object.fromEntries: a file named `__proto__` becomes an own property, not the prototype.
  const fileEntries: Array<[string, string]> = [];
  const symlinks: string[] = [];
  const walk = (relative: string): void => {
    const entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.name === '.git' && relative === '') continue;
      if (entry.isSymbolicLink()) symlinks.push(child);
      else if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) fileEntries.push([child, fs.readFileSync(path.join(dir, child), 'utf8')]);
    }
  };
  walk('');
  return { files: Object.fromEntries(fileEntries), symlinks };
}

/**
 * Writes the harness files under `dir` (created if needed). With `clean`, first removes every
 * other file in it except .git/, so the folder holds exactly the harness.
 */
export function writeHarness(dir: string, harness: Harness | Record<string, string>, options: { clean?: boolean } = {}): void {
  const files = filesOf(harness);
  fs.mkdirSync(dir, { recursive: true });
  if (options.clean) {
    for (const entry of fs.readdirSync(dir)) {
      if (entry !== '.git') fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
  }
  for (const [file, content] of Object.entries(files)) {
    const reason = unsafePathReason(file);
    if (reason) throw new ConfigError(file, `cannot write this harness file: ${reason}`);
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

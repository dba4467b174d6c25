// Export folders are written fresh: never over an earlier export or unrelated files.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { ConfigError } from '../errors.ts';

/** Creates `dir`, which must not exist yet or be an empty folder. */
export function freshOutputFolder(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ConfigError(dir, 'is a file; --out names a folder to create');
    if (readdirSync(dir).length > 0) throw new ConfigError(dir, 'is not empty; pass a new or empty folder to --out');
  }
  mkdirSync(dir, { recursive: true });
}

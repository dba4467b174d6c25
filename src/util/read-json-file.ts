// A JSON file a command wrote earlier and another reads back (analysis.json, reverify.json,
// endpoints.json): absent is undefined; a damaged one is a ConfigError naming it and what to do.
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';

export function readJsonFile(file: string, remedy: string, isValid: (value: unknown) => boolean): unknown {
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, `is not valid JSON (${error instanceof Error ? error.message : String(error)}); ${remedy}`);
  }
  if (!isValid(value)) throw new ConfigError(file, `is not a file this version wrote; ${remedy}`);
  return value;
}

/** An object with an array under each of `keys`: enough to read the rest with optional chaining. */
export function hasArrays(value: unknown, keys: readonly string[]): boolean {
  return value !== null && typeof value === 'object' && keys.every((key) => Array.isArray((value as Record<string, unknown>)[key]));
}

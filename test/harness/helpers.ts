import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASELINES = fileURLToPath(new URL('../../baselines/', import.meta.url));
export const AGENTIC_DIR = path.join(BASELINES, 'agentic-self-instruct');
export const COT_DIR = path.join(BASELINES, 'cot-self-instruct');
export const VERIFIABLE_DIR = path.join(BASELINES, 'verifiable-self-instruct');
export const META_DIR = path.join(BASELINES, 'meta-optimizer');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
}

/** A writable copy of a baseline harness folder. */
export function copyHarness(source: string): string {
  const target = path.join(tempDir(), 'harness');
  fs.cpSync(source, target, { recursive: true });
  return target;
}

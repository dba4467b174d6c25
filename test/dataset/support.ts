// A small generate output folder on the in-process sim, made once per test file and copied by the
// tests that damage it (a half-written file, a tampered score, no accepted example).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { documentResultSchema, runGeneration, type DocumentResult } from '../../src/inner/index.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(repoRoot, 'bin/autodata.js');

export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `autodata-${prefix}-`));
}

/** `generate` with the agentic baseline over the first `documents` training documents of the sim split. */
export async function generateOnSim(runDir: string, documents: number): Promise<void> {
  const split = loadSplit(path.join(repoRoot, 'splits/sim-cs.json'));
  const loaded = resolveDocuments(split.documents);
  const harnessName = 'agentic-self-instruct';
  await runGeneration({
    harness: loadHarness(path.join(repoRoot, 'baselines', harnessName)),
    harnessName,
    documents: documentsForPart(loaded.documents, split, 'train').slice(0, documents),
    runDir,
    createLlm: (store) => createAppLlm({ endpoints: defaultSimEndpoints(), ...(store ? { store } : {}), simSeed: 0, cacheMode: 'use' }),
    seed: 0,
    concurrency: 4,
    simulated: true,
    source: { split: 'splits/sim-cs.json', part: 'train' },
  });
}

export function readResults(runDir: string): Array<{ file: string; result: DocumentResult }> {
  const dir = path.join(runDir, 'results');
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ file: path.join(dir, name), result: documentResultSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))) }));
}

export function readJsonl<T = Record<string, unknown>>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

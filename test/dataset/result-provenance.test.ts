// Every document result names the evaluation it belongs to (`provenance`: run, candidate, split
// part, iteration), so a reader needs no knowledge of the `repeat` convention: an evolve run's
// stored results, a generate folder made from RUN:best, a stored episode reused by another
// evaluation, and a result.json written before provenance existed (it still parses and exports).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { exportDataset } from '../../src/dataset/export-dataset.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { documentResultSchema, runGeneration, type DocumentResult } from '../../src/inner/index.ts';
import { findDocumentResult } from '../../src/inner/document-results.ts';
import { runStatus } from '../../src/outer/index.ts';
import { listCandidates, listEvaluations } from '../../src/outer/population-store.ts';
import { readRun } from '../../src/outer/inspect-run.ts';
import { openStore } from '../../src/store/index.ts';
import { loadTiny, runInProcess, writeTinyExperiment } from '../outer/support.ts';
import { bin, readJsonl, readResults, repoRoot, tempFolder } from './support.ts';

const temp = tempFolder('result-provenance');
const runDir = path.join(temp, 'run');
const RUN_NAME = 'tiny-provenance';
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
beforeAll(async () => {
  // Seed 2 accepts a child that beats the baseline (test/dataset/harness-ref.test.ts), so the final test has two candidates.
  const file = writeTinyExperiment(temp, RUN_NAME, {
    outer: {
      iterations: 2, concurrentIterations: 2, trainMinibatchSize: 2, validationLimit: 3, testLimit: 3,
      parentSelection: { kind: 'boltzmann', temperature: 0.1 }, acceptance: { kind: 'strict' }, implementerRetries: 1, finalTest: true,
    },
  });
  await runInProcess(loadTiny(file, { iterations: 2, seed: 2 }), runDir);
}, 120_000);

describe('provenance of an evolve run', () => {
  it("every evaluation's stored results name its run, candidate, split part and iteration", () => {
    const store = openStore(path.join(runDir, 'run.sqlite'), { readonly: true });
    try {
      const hashOf = new Map(listCandidates(store).map((candidate) => [candidate.id, candidate.contentHash]));
      const evaluations = listEvaluations(store);
      // The baseline's validation, a child's validation, a training minibatch and the final test are all there.
      expect(evaluations.some((row) => row.candidateId === 'c0000' && row.splitPart === 'validation' && row.iteration === 0)).toBe(true);
      expect(evaluations.some((row) => row.candidateId !== 'c0000' && row.splitPart === 'validation')).toBe(true);
      expect(evaluations.some((row) => row.splitPart === 'train')).toBe(true);
      expect(evaluations.filter((row) => row.splitPart === 'test').map((row) => row.candidateId).sort()).toEqual(['c0000', readRun(runDir, runStatus).best!.id].sort());
      let checked = 0;
      for (const evaluation of evaluations) {
        for (const outcome of evaluation.outcomes.filter((entry) => entry.error === undefined)) {
          const key = { harnessHash: hashOf.get(evaluation.candidateId)!, documentId: outcome.documentId, seed: evaluation.seed, repeat: evaluation.repeat };
          const stored = findDocumentResult(store, key);
          expect(stored?.provenance, `${evaluation.candidateId} ${evaluation.splitPart} ${evaluation.iteration} ${outcome.documentId}`).toEqual({
            run: RUN_NAME, candidate: evaluation.candidateId, split_part: evaluation.splitPart, iteration: evaluation.iteration,
          });
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(10);
    } finally {
      store.close();
    }
  });
});

describe('provenance of a generate folder', () => {
  it('generate --harness RUN:best names the candidate and the part; export lists that candidate, and an old result.json still exports', async () => {
    const best = readRun(runDir, runStatus).best!.id;
    expect(best).not.toBe('c0000');
    const generated = path.join(temp, 'gen');
    execFileSync(process.execPath, [bin, 'generate', '--harness', `${runDir}:best`, '--part', 'test', '--limit', '3', '--out', generated], {
      cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    const storedRunId = readRun(generated, (store) => store.db.prepare("SELECT id FROM run WHERE kind = 'generate'").get() as { id: string }).id;
    const results = readResults(generated);
    expect(results).toHaveLength(3);
    for (const { result } of results) expect(result.provenance).toEqual({ run: storedRunId, candidate: best, split_part: 'test', iteration: null });

    const exported = await exportDataset({ source: generated, outDir: path.join(temp, 'gen-export'), format: 'jsonl', testFraction: 0.5, seed: 0, dedup: false, cwd: repoRoot });
    expect(exported.rows.length).toBeGreaterThan(0);
    for (const row of exported.rows) expect(row.candidates).toEqual([best]);
    // Each row names the evaluation that made it, in JSONL, in verl's Parquet, and counted in the card.
    for (const row of exported.rows) expect(row.origin).toEqual({ run: storedRunId, candidate: best, split_part: 'test', iteration: null });
    const card = fs.readFileSync(path.join(temp, 'gen-export', 'DATA_CARD.md'), 'utf8');
    expect(card).toContain(`- ${exported.rows.length} example(s) made by run \`${storedRunId}\`, candidate ${best}, test part (the rows' \`origin\`).`);
    const verlDir = path.join(temp, 'gen-verl');
    await exportDataset({ source: generated, outDir: verlDir, format: 'verl', testFraction: 0.5, seed: 0, dedup: false, cwd: repoRoot });
    const parquetRows = (
      await Promise.all(['train', 'test'].map(async (split) => {
        const buffer = fs.readFileSync(path.join(verlDir, 'data', `${split}.parquet`));
        return parquetReadObjects({ file: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) });
      }))
    ).flat() as Array<{ extra_info: Record<string, unknown> }>;
    expect(parquetRows).toHaveLength(exported.rows.length);
    for (const { extra_info: info } of parquetRows) expect([info.origin_run, info.origin_candidate, info.origin_split_part, info.origin_iteration]).toEqual([storedRunId, best, 'test', null]);

    // The same folder as an older version wrote it: no provenance. It parses, and exports the same rows without a candidate.
    const old = path.join(temp, 'gen-old');
    fs.cpSync(generated, old, { recursive: true });
    for (const { file } of readResults(old)) {
      const { provenance: _dropped, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8')) as DocumentResult;
      fs.writeFileSync(file, `${JSON.stringify(rest, null, 2)}\n`);
    }
    for (const { result } of readResults(old)) expect(result.provenance).toBeUndefined();
    const oldExport = await exportDataset({ source: old, outDir: path.join(temp, 'old-export'), format: 'jsonl', testFraction: 0.5, seed: 0, dedup: false, cwd: repoRoot });
    expect(oldExport.rows.map((row) => row.id)).toEqual(exported.rows.map((row) => row.id));
    for (const row of readJsonl<{ candidates: string[]; origin: unknown }>(path.join(temp, 'old-export', 'examples.jsonl'))) {
      expect(row.candidates).toEqual([]);
      expect(row.origin).toBeNull();
    }
    expect(fs.readFileSync(path.join(temp, 'old-export', 'DATA_CARD.md'), 'utf8')).toContain('example(s) made by not recorded (made before autodata recorded it)');
  }, 60_000);

  it("a reused stored episode: result.json names the evaluation that reused it, the store keeps the one that ran it", async () => {
    const split = loadSplit(path.join(repoRoot, 'splits/sim-cs.json'));
    const documents = documentsForPart(resolveDocuments(split.documents).documents, split, 'validation').slice(0, 2);
    const harness = loadHarness(path.join(repoRoot, 'baselines/agentic-self-instruct'));
    const folder = path.join(temp, 'reuse');
    const generate = (candidate: string) =>
      runGeneration({
        harness, harnessName: 'agentic-self-instruct', documents, runDir: folder, seed: 0, concurrency: 2, simulated: true,
        createLlm: (store) => createAppLlm({ endpoints: defaultSimEndpoints(), ...(store ? { store } : {}), simSeed: 0, cacheMode: 'use' }),
        provenance: { candidate, splitPart: 'validation' }, source: { split: 'splits/sim-cs.json', part: 'validation' },
      });
    const first = await generate('first');
    const firstResults = readResults(folder).map(({ result }) => result);
    const second = await generate('second');
    expect(first.reused).toBe(0);
    expect(second.reused).toBe(2);
    const secondResults = readResults(folder).map(({ result }) => result);
    for (const result of secondResults) expect(result.provenance?.candidate).toBe('second');
    // Only the provenance differs: the episode itself is the stored one, byte for byte.
    const without = (result: DocumentResult) => JSON.stringify({ ...result, provenance: null });
    expect(secondResults.map(without)).toEqual(firstResults.map(without));
    const stored = readRun(folder, (store) =>
      (store.db.prepare('SELECT result_json FROM document_result ORDER BY document_id').all() as Array<{ result_json: string }>).map((row) =>
        documentResultSchema.parse(JSON.parse(row.result_json)),
      ),
    );
    expect(stored.map((result) => result.provenance?.candidate)).toEqual(['first', 'first']);
  }, 60_000);
});

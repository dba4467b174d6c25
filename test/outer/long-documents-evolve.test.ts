// Long documents in an evolve run: the policy is applied once, before the baseline, so the baseline,
// every parent and child, the training minibatches and the final test see the same texts, and a
// skipped document is in no evaluation at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints, type Endpoints } from '../../src/config/endpoints.ts';
import { documentResultSchema } from '../../src/inner/index.ts';
import type { Llm } from '../../src/llm/types.ts';
import { describeEvent } from '../../src/outer/event-lines.ts';
import type { EvolveEvent } from '../../src/outer/events.ts';
import * as population from '../../src/outer/population-store.ts';
import { DOCUMENT_FIT_FILE, runEvolution } from '../../src/outer/run-evolution.ts';
import { generateSimCorpus } from '../../src/sim/index.ts';
import { configHash, openStore } from '../../src/store/index.ts';
import { canonicalJson } from '../../src/util/hash.ts';
import { loadTiny, writeTinyExperiment } from './support.ts';

const filler = (topic: string, chars: number) => {
  const sentence = `The ${topic} measurements show that batching reduces latency because fewer requests wait in the queue. `;
  return sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars).trim();
};

function smallWindowEndpoints(): Endpoints {
  const endpoints = defaultSimEndpoints();
  endpoints.roles.challenger.contextWindow = 12_000;
  endpoints.roles.qualityVerifier.contextWindow = 16_000;
  return endpoints;
}

/** Six short sim papers, three long papers (eight appendix sections each), two long texts without headings. */
function writeCorpus(folder: string): void {
  fs.mkdirSync(folder, { recursive: true });
  const papers = generateSimCorpus({ n: 9, seed: 21 });
  papers.slice(0, 6).forEach((paper, index) => fs.writeFileSync(path.join(folder, `s${index + 1}.md`), paper.text));
  ['long-a', 'long-b', 'long-c'].forEach((id, index) => {
    const appendix = Array.from({ length: 8 }, (_, section) => `## Appendix ${section + 1}\n\n${filler(`${id} ${section + 1}`, 3000)}\n`);
    fs.writeFileSync(path.join(folder, `${id}.md`), `${papers[6 + index]!.text.trimEnd()}\n\n${appendix.join('\n')}`);
  });
  for (const id of ['plain-a', 'plain-b']) fs.writeFileSync(path.join(folder, `${id}.txt`), filler(id, 30_000));
}

describe('evolve with long documents and small context windows', () => {
  it('truncates or skips once for every harness, reports the counts, records them, and resumes', async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-long-evolve-'));
    const documentsDir = path.join(temp, 'documents');
    writeCorpus(documentsDir);
    const splitFile = path.join(temp, 'split.json');
    const split = {
      documents: documentsDir, seed: 0, counts: { train: 5, validation: 4, test: 2 },
      train: ['s1', 's2', 's3', 'long-c', 'plain-b'], validation: ['s4', 'long-a', 's5', 'plain-a'], test: ['s6', 'long-b'],
    };
    fs.writeFileSync(splitFile, JSON.stringify(split));
    const file = writeTinyExperiment(temp, 'long-docs', {
      documents: documentsDir,
      split: splitFile,
      outer: {
        iterations: 1, concurrentIterations: 1, trainMinibatchSize: 4, validationLimit: null, implementerRetries: 1, finalTest: true,
        parentSelection: { kind: 'greedy' }, acceptance: { kind: 'strict' },
      },
    });
    const runDir = path.join(temp, 'run');
    const endpoints = smallWindowEndpoints();
    const prompts: string[] = [];
    const recording = (llm: Llm): Llm => ({
      ...llm,
      text: (request) => (prompts.push(...request.messages.map((message) => message.content ?? '')), llm.text(request)),
      structured: (request) => (prompts.push(...request.messages.map((message) => message.content ?? '')), llm.structured(request)),
    });
    const run = async (iterations: number, resume: boolean) => {
      const experiment = loadTiny(file, { iterations });
      const events: EvolveEvent[] = [];
      const result = await runEvolution({
        experiment,
        documents: resolveDocuments(experiment.paths.documents).documents,
        runDir,
        resume,
        endpointLimits: endpoints.roles,
        createLlm: (store) => recording(createAppLlm({ endpoints, store, simSeed: 0, cacheMode: 'use' })),
        emit: (event) => events.push(event),
      });
      return { result, events };
    };

    const { result, events } = await run(1, false);
    expect(experimentDefault(loadTiny(file))).toBe('truncate');

    // The counts where a researcher sees them: one line before the baseline, and in the result.
    const fitted = events.find((event) => event.type === 'documents-fitted');
    const window = "challenger's 12000-token window";
    const expectedLine =
      `context windows (challenger 12000, qualityVerifier 16000 tokens; long documents: truncate): ` +
      `train (5): 1 document truncated to fit ${window}, 1 skipped (too long for the context window); ` +
      `validation (4): 1 document truncated to fit ${window}, 1 skipped (too long for the context window); ` +
      `test (2): 1 document truncated to fit ${window}`;
    expect(fitted && describeEvent(fitted)).toBe(expectedLine);
    expect(events.findIndex((event) => event.type === 'documents-fitted')).toBeLessThan(events.findIndex((event) => event.type === 'baseline-started'));
    expect(events.find((event) => event.type === 'baseline-started')).toMatchObject({ documents: 3 });
    expect(result.documentFit.line).toBe(expectedLine);
    expect(result.documentFit.parts.validation!.skipped.map((entry) => entry.documentId)).toEqual(['plain-a']);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, DOCUMENT_FIT_FILE), 'utf8'))).toEqual(JSON.parse(JSON.stringify(result.documentFit)));

    // Every evaluation, of every candidate, on the same documents: the skipped ones nowhere.
    const store = openStore(result.storePath, { readonly: true });
    const evaluations = population.listEvaluations(store);
    const validation = evaluations.filter((evaluation) => evaluation.splitPart === 'validation');
    expect(new Set(validation.map((evaluation) => evaluation.candidateId)).size).toBeGreaterThan(1);
    for (const evaluation of validation) expect(evaluation.outcomes.map((outcome) => outcome.documentId)).toEqual(['s4', 'long-a', 's5']);
    for (const evaluation of evaluations.filter((row) => row.splitPart === 'train')) {
      expect(evaluation.outcomes.map((outcome) => outcome.documentId).sort()).toEqual(['long-c', 's1', 's2', 's3']);
    }
    for (const evaluation of evaluations.filter((row) => row.splitPart === 'test')) expect(evaluation.outcomes.map((outcome) => outcome.documentId)).toEqual(['s6', 'long-b']);
    // The truncated document's stored episodes say so, for every harness.
    const rows = store.db.prepare(`SELECT harness_hash, result_json FROM document_result WHERE document_id = 'long-a'`).all() as Array<{ harness_hash: string; result_json: string }>;
    expect(new Set(rows.map((row) => row.harness_hash)).size).toBeGreaterThan(1);
    for (const row of rows) expect(documentResultSchema.parse(JSON.parse(row.result_json)).document_fit).toMatchObject({ action: 'truncated', role: 'challenger' });
    store.close();
    expect(prompts.some((prompt) => prompt.includes('plain-a measurements') || prompt.includes('plain-b measurements'))).toBe(false);
    expect(prompts.some((prompt) => prompt.includes('long-a 1 measurements'))).toBe(true);
    expect(prompts.some((prompt) => prompt.includes('long-a 8 measurements'))).toBe(false);

    // A run recorded before inner.longDocuments existed resumes: the missing setting is its default.
    const writable = openStore(result.storePath);
    const recorded = JSON.parse((writable.db.prepare('SELECT config_json FROM run').get() as { config_json: string }).config_json) as { inner: Record<string, unknown> };
    delete recorded.inner.longDocuments;
    writable.db.prepare('UPDATE run SET config_json = ?, config_hash = ?').run(canonicalJson(recorded), configHash(recorded));
    writable.close();
    const resumed = await run(2, true);
    expect(resumed.result.progress.iterationsDone).toBe(2);
    expect(resumed.events.some((event) => event.type === 'documents-fitted')).toBe(true);
  }, 300_000);

  it('refuses to start when no validation document can be sent', async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-long-evolve-none-'));
    const documentsDir = path.join(temp, 'documents');
    writeCorpus(documentsDir);
    const splitFile = path.join(temp, 'split.json');
    fs.writeFileSync(splitFile, JSON.stringify({
      documents: documentsDir, seed: 0, counts: { train: 2, validation: 2, test: 0 },
      train: ['s1', 's2'], validation: ['long-a', 'plain-a'], test: [],
    }));
    const file = writeTinyExperiment(temp, 'none-fit', { documents: documentsDir, split: splitFile, inner: { documentConcurrency: 2, longDocuments: 'skip' },
      outer: { iterations: 1, trainMinibatchSize: 2, validationLimit: null, finalTest: false },
    });
    const experiment = loadTiny(file);
    const endpoints = smallWindowEndpoints();
    await expect(
      runEvolution({
        experiment, documents: resolveDocuments(experiment.paths.documents).documents, runDir: path.join(temp, 'run'), resume: false,
        endpointLimits: endpoints.roles, createLlm: (store) => createAppLlm({ endpoints, store, simSeed: 0 }),
      }),
    ).rejects.toThrow(/no validation document can be sent \(2 skipped as too long for the context window; inner.longDocuments is skip\)/);
  });
});

function experimentDefault(experiment: ReturnType<typeof loadTiny>): string {
  return experiment.config.inner.longDocuments;
}

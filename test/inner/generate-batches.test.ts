// Batched generation through the sim endpoint: learnings written after each batch reach the next
// batch's challenger and main agent, the first batch sends exactly what an unbatched run sends,
// and a resumed run reuses the stored learnings instead of asking the learner again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { loadHarness } from '../../src/harness/index.ts';
import { learningsFile, readAllLearnings } from '../../src/inner/batch-learnings.ts';
import { runGeneration, type GenerationOptions } from '../../src/inner/run-generation.ts';
import type { Llm, Role } from '../../src/llm/types.ts';
import { parseFaultOption, type FaultSpec } from '../../src/sim/index.ts';
import { canonicalJson } from '../../src/util/hash.ts';

const harness = loadHarness('baselines/agentic-self-instruct');
const documents = resolveDocuments('sim:cs?n=6&seed=4').documents;

interface Sent {
  role: Role;
  request: string;
  prompt: string;
}

async function generate(runDir: string, options: Partial<GenerationOptions>, simFaults: FaultSpec[] = []): Promise<{ result: Awaited<ReturnType<typeof runGeneration>>; sent: Sent[] }> {
  const sent: Sent[] = [];
  const recording = (llm: Llm): Llm => ({
    ...llm,
    text: (request) => {
      sent.push({ role: request.role, request: canonicalJson({ ...request, tools: undefined }), prompt: request.messages[0]?.content ?? '' });
      return llm.text(request);
    },
    structured: (request) => {
      sent.push({ role: request.role, request: canonicalJson({ ...request, schema: undefined }), prompt: request.messages[0]?.content ?? '' });
      return llm.structured(request);
    },
  });
  const endpoints = defaultSimEndpoints();
  const result = await runGeneration({
    harness,
    harnessName: 'agentic-self-instruct',
    documents,
    runDir,
    createLlm: (store) => recording(createAppLlm({ endpoints, ...(store ? { store } : {}), simSeed: 0, cacheMode: 'use', simFaults })),
    seed: 0,
    concurrency: 2,
    simulated: true,
    source: { split: 'test' },
    ...options,
  });
  return { result, sent };
}

/** The title the challenger's document tag and the main agent's prompt both carry. */
const mentions = (sent: Sent, title: string) => sent.prompt.includes(title);

describe('generate --batches', () => {
  it('learns after each batch, gives the lessons to the next batch only, and resumes with the stored ones', async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-batches-'));
    const batchedDir = path.join(temp, 'batched');
    const { result, sent } = await generate(batchedDir, { batches: { count: 2, size: 3 } });

    // One learner call per batch, each stored; the per-batch figures are the batch's own.
    expect(sent.filter((entry) => entry.role === 'learner')).toHaveLength(2);
    const stored = readAllLearnings(batchedDir);
    expect(stored.map((entry) => entry.documents)).toEqual([documents.slice(0, 3).map((d) => d.id), documents.slice(3, 6).map((d) => d.id)]);
    expect(stored[0]!.learnings.length).toBeGreaterThan(0);
    expect(result.batches!.map((batch) => [batch.batch, batch.completed, batch.withLearnings])).toEqual([[1, 3, false], [2, 3, true]]);
    for (const batch of result.batches!) {
      const outcomes = result.evaluation.outcomes.slice(batch.first - 1, batch.last);
      expect(batch.accepted).toBe(outcomes.filter((outcome) => outcome.accepted).length);
      expect(batch.passRate).toBeCloseTo(batch.accepted / batch.completed, 10);
      const gaps = outcomes.filter((outcome) => outcome.accepted).map((outcome) => outcome.gap!);
      if (gaps.length > 0) expect(batch.gap).toBeCloseTo(gaps.reduce((a, b) => a + b, 0) / gaps.length, 10);
    }

    // Batch 2's challenger and main agent prompts carry batch 1's lessons; batch 1's carry none.
    const block = `<learnings>\n${stored[0]!.text}\n</learnings>`;
    const inBatch = (entry: Sent, batch: number) => documents.slice((batch - 1) * 3, batch * 3).some((document) => mentions(entry, document.title));
    const prompting = sent.filter((entry) => entry.role === 'challenger' || entry.role === 'mainAgent');
    const second = prompting.filter((entry) => inBatch(entry, 2));
    expect(second.length).toBeGreaterThan(3);
    for (const entry of second) expect(entry.prompt).toContain(block);
    for (const entry of prompting.filter((item) => inBatch(item, 1))) expect(entry.prompt).not.toContain('<learnings>');
    // Every other role's requests stay free of them.
    for (const entry of sent.filter((item) => item.role !== 'challenger' && item.role !== 'mainAgent' && item.role !== 'learner')) {
      expect(entry.prompt).not.toContain('<learnings>');
    }

    // Batch 1 sends byte for byte what an unbatched run over the same documents sends.
    const unbatched = await generate(path.join(temp, 'plain'), { documents: documents.slice(0, 3) });
    const prompted = (list: Sent[]) => list.filter((entry) => (entry.role === 'challenger' || entry.role === 'mainAgent') && inBatch(entry, 1)).map((entry) => entry.request).sort();
    expect(prompted(unbatched.sent)).toEqual(prompted(sent));
    // Every other request of the unbatched run (solvers, judge, verifier) was sent by the batched one too.
    const batchedRequests = new Set(sent.map((entry) => entry.request));
    expect(unbatched.sent.filter((entry) => !batchedRequests.has(entry.request)).length).toBe(0);

    // A resumed run asks nothing: the episodes come from the store, the learnings from the folder.
    const before = fs.readFileSync(learningsFile(batchedDir, 1), 'utf8');
    const resumed = await generate(batchedDir, { batches: { count: 2, size: 3 } });
    expect(resumed.sent).toEqual([]);
    expect(resumed.result.batches!.map((batch) => batch.learningsReused)).toEqual([true, true]);
    expect(resumed.result.reused).toBe(6);
    expect(fs.readFileSync(learningsFile(batchedDir, 1), 'utf8')).toBe(before);

    // An unbatched rerun of a batched folder is refused: its stored episodes ran with learnings.
    await expect(generate(batchedDir, {})).rejects.toThrow(/different config/);
  }, 60_000);

  it('lets a harness place the lessons with {{learnings}}, and says "None yet." there before any', async () => {
    const files = { ...harness.files };
    files['prompts/challenger.md'] = files['prompts/challenger.md']!.replace('## Earlier attempts', '## What earlier batches taught\n\n{{learnings}}\n\n## Earlier attempts');
    const { harnessFromFiles } = await import('../../src/harness/index.ts');
    const placed = harnessFromFiles(files);
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-batches-placed-'));
    const { sent } = await generate(path.join(temp, 'run'), { harness: placed, batches: { count: 2, size: 2 } });
    const challenger = sent.filter((entry) => entry.role === 'challenger');
    const stored = readAllLearnings(path.join(temp, 'run'));
    const placedBlock = `## What earlier batches taught\n\n<learnings>\n${stored[0]!.text}\n</learnings>\n\n## Earlier attempts`;
    expect(challenger.some((entry) => entry.prompt.includes(placedBlock))).toBe(true);
    expect(challenger.some((entry) => entry.prompt.includes('<learnings>\nNone yet.\n</learnings>'))).toBe(true);
    // Never both: the placeholder takes the place of the appended block.
    for (const entry of challenger) expect(entry.prompt.split('<learnings>').length).toBe(2);
    expect(() => harnessFromFiles({ ...files, 'prompts/challenger.md': `${files['prompts/challenger.md']}\n{{learnings}}` })).toThrow(/appears 2 times/);
  }, 60_000);

  it('stops after a batch whose learner call failed, writes no learnings for it, and a rerun goes on from there', async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-batches-fault-'));
    const runDir = path.join(temp, 'run');
    const failing = await generate(runDir, { batches: { count: 2, size: 2 } }, [parseFaultOption('empty@batch_learnings')]);
    expect(failing.result.stopped).toMatch(/^batch 1: the learner's call failed \(empty: .*\), so later batches did not run$/);
    expect(failing.result.batches!.map((batch) => [batch.batch, batch.learnings])).toEqual([[1, undefined]]);
    expect(failing.result.evaluation.summary.documents).toBe(2);
    expect(fs.existsSync(learningsFile(runDir, 1))).toBe(false);

    const rerun = await generate(runDir, { batches: { count: 2, size: 2 } });
    expect(rerun.result.stopped).toBeUndefined();
    expect(rerun.result.reused).toBe(2);
    expect(rerun.sent.filter((entry) => entry.role === 'learner')).toHaveLength(2);
    expect(readAllLearnings(runDir).map((entry) => entry.batch)).toEqual([1, 2]);
  }, 60_000);
});

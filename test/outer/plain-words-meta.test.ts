// The sim's analyzer and implementer write for people: over a short sim evolve, no analysis and no
// edit summary names one of the sim's directive identifiers (the edits themselves carry prompt
// sentences, which is what they are for). The history the next iterations read is plain too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Llm } from '../../src/llm/types.ts';
import * as population from '../../src/outer/population-store.ts';
import { DIRECTIVE_IDS } from '../../src/sim/directives.ts';
import { openStore } from '../../src/store/index.ts';
import { loadTiny, runInProcess, writeTinyExperiment } from './support.ts';

describe('the sim meta personas in plain words', () => {
  it('write analyses and edit summaries without a directive identifier over a short evolve', async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-plain-meta-'));
    const file = writeTinyExperiment(temp, 'plain-words', { outer: { iterations: 4, concurrentIterations: 2, trainMinibatchSize: 2, validationLimit: 3, parentSelection: { kind: 'boltzmann', temperature: 0.1 }, acceptance: { kind: 'strict' }, implementerRetries: 1, finalTest: false } });
    const replies: Array<{ role: string; text: string }> = [];
    const recording = (llm: Llm): Llm => ({
      ...llm,
      structured: async (request) => {
        const result = await llm.structured(request);
        if (result.ok && (request.role === 'analyzer' || request.role === 'implementer')) {
          const value = result.value as { failure_modes?: unknown; summary?: unknown; edits?: Array<{ file: string }> };
          // An implementer's edits are prompt text; its summary and the files it names are what it says.
          const said = request.role === 'implementer' ? { summary: value.summary, files: (value.edits ?? []).map((edit) => edit.file) } : value;
          replies.push({ role: request.role, text: JSON.stringify(said) });
        }
        return result;
      },
    });
    const result = await runInProcess(loadTiny(file), path.join(temp, 'run'), { wrapLlm: recording });

    expect(replies.filter((reply) => reply.role === 'analyzer').length).toBeGreaterThanOrEqual(3);
    expect(replies.filter((reply) => reply.role === 'implementer').length).toBeGreaterThanOrEqual(3);
    for (const reply of replies) for (const id of DIRECTIVE_IDS) expect(reply.text, `${reply.role} names ${id}`).not.toContain(id);
    // A fix still quotes an instruction to add, and an edit summary what it added or took out.
    expect(replies.some((reply) => reply.role === 'analyzer' && /an instruction such as \u201c/.test(reply.text))).toBe(true);
    expect(replies.some((reply) => reply.role === 'implementer' && /(Add|Take) \u201c/.test(reply.text))).toBe(true);

    const store = openStore(result.storePath, { readonly: true });
    try {
      for (const record of population.listIterations(store)) {
        for (const id of DIRECTIVE_IDS) expect(`${record.analysisHeadline ?? ''} ${record.editSummary ?? ''}`).not.toContain(id);
      }
    } finally {
      store.close();
    }
  }, 120_000);
});

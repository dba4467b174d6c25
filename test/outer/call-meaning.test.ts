// One meaning of "calls": the paid calls each unit of work records (documents, analyzer, implementer
// attempts, iterations) add up to the call log's paid total that status and the budgets read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countingLlm } from '../../src/inner/counting-llm.ts';
import { callsOf, paidCallsOf } from '../../src/llm/call-count.ts';
import { paidUsage } from '../../src/llm/paid-usage.ts';
import type { CallUsage, Llm, LlmResult } from '../../src/llm/types.ts';
import { listIterations } from '../../src/outer/population-store.ts';
import { openStore } from '../../src/store/index.ts';
import { loadTiny, runInProcess, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-calls-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const usage = (fields: Partial<CallUsage>): CallUsage => ({
  role: 'judge', endpointId: 'e', model: 'm', promptTokens: 0, completionTokens: 0, reasoningTokens: 0, latencyMs: 0,
  attempts: 1, cacheHit: false, reasked: false, ...fields,
});

describe('what a call is', () => {
  it('counts a re-ask twice, a retry not at all, a cache hit only as an answered call, an unsent question as none', () => {
    const cases = {
      plain: usage({}),
      retried: usage({ attempts: 3 }),
      reasked: usage({ attempts: 2, reasked: true }),
      hit: usage({ attempts: 0, cacheHit: true }),
      unsent: usage({ attempts: 0 }),
    };
    const counted = Object.entries(cases).map(([name, entry]) => [name, callsOf(entry), paidCallsOf(entry)]);
    expect(counted).toEqual([['plain', 1, 1], ['retried', 1, 1], ['reasked', 2, 2], ['hit', 1, 0], ['unsent', 0, 0]]);
  });

  it("a document's usage counts paid calls, like the call log", async () => {
    const replies = [usage({ attempts: 2, reasked: true, promptTokens: 5 }), usage({ attempts: 0, cacheHit: true }), usage({ attempts: 0, cacheHit: true })];
    const inner: Llm = {
      text: () => Promise.reject(new Error('not used')),
      structured: <T,>() => Promise.resolve({ ok: true, value: {} as T, usage: replies.shift()! } as LlmResult<T>),
      usageByRole: () => { throw new Error('not used'); },
      structuredMode: () => 'json_schema',
    };
    const counting = countingLlm(inner);
    for (let call = 0; call < 3; call += 1) await counting.llm.structured({ role: 'judge', messages: [], seed: call, schemaName: 's', schema: {} as never });
    expect(counting.usage.judge).toEqual({ calls: 2, prompt_tokens: 5, completion_tokens: 0 });
  });

  it('the iterations of an uninterrupted run add up to the paid calls and tokens status reports', async () => {
    // Seed 1's child edits only the challenger prompt, so the main agent's first request on each of the
    // 3 validation documents is the parent's (3 cache hits). Pinned after the sim's retune (26e634c),
    // under which the default seed 0's child edits the main agent's prompt too and no request repeats.
    const file = writeTinyExperiment(temp, 'calls', { seed: 1, outer: { iterations: 1, concurrentIterations: 1, trainMinibatchSize: 2, validationLimit: 3, implementerRetries: 1, finalTest: false } });
    const result = await runInProcess(loadTiny(file), path.join(temp, 'calls-run'));
    const store = openStore(result.storePath, { readonly: true });
    const iterations = listIterations(store);
    const paid = paidUsage(store.db);
    store.close();
    expect(iterations.map((record) => record.iteration)).toEqual([0, 1]);
    // Parent and child share prompts on the same documents, so some calls are answered by the cache.
    expect(paid.cacheHits).toBeGreaterThan(0);
    expect(iterations.reduce((sum, record) => sum + record.calls, 0)).toBe(paid.calls);
    expect(iterations.reduce((sum, record) => sum + record.tokens, 0)).toBe(paid.tokens);
    expect(result.progress.calls).toBe(paid.calls);
  }, 120_000);
});

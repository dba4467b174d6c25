// Paid totals from the call log: cache hits cost nothing, retries are counted apart from re-asks,
// and the running totals a connection keeps equal a full recount after more rows arrive.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paidUsage, paidUsageByRole } from '../../src/llm/paid-usage.ts';
import { createUsageTracker } from '../../src/llm/usage.ts';
import { openStore } from '../../src/store/index.ts';

function call(attempts: number, options: { cacheHit?: boolean; reasked?: boolean; tokens?: number } = {}) {
  const tokens = options.tokens ?? 10;
  return {
    usage: {
      role: 'judge' as const, endpointId: 'e', model: 'm', promptTokens: tokens, completionTokens: 0, reasoningTokens: 0, latencyMs: 1,
      attempts, cacheHit: options.cacheHit ?? false, reasked: options.reasked ?? false,
    },
    outcome: 'ok' as const,
    seed: 1,
    cacheKey: 'k',
    retries: Math.max(0, attempts - 1 - (options.reasked ? 1 : 0)),
  };
}

describe('paidUsage', () => {
  it('counts what went over the wire, incrementally and exactly', () => {
    const store = openStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-paid-')), 'run.sqlite'));
    try {
      const tracker = createUsageTracker({ db: store.db });
      tracker.record(call(1));
      tracker.record(call(3)); // two retries
      tracker.record(call(0, { cacheHit: true, tokens: 0 }));
      expect(paidUsage(store.db)).toEqual({ calls: 2, requests: 4, retried: 2, tokens: 20, costUsd: 0, pricedCalls: 0, unpricedCalls: 2, cacheHits: 1 });
      tracker.record(call(2, { reasked: true })); // a re-ask is no retry, but a second (paid) call
      tracker.record(call(4, { reasked: true })); // two retries and a re-ask
      const again = paidUsage(store.db);
      expect(again).toEqual({ calls: 6, requests: 10, retried: 4, tokens: 40, costUsd: 0, pricedCalls: 0, unpricedCalls: 6, cacheHits: 1 });
      // Per role, the same filter: the cache hit is counted apart and pays nothing.
      expect(paidUsageByRole(store.db)).toEqual([{ role: 'judge', calls: 6, requests: 10, promptTokens: 40, completionTokens: 0, cacheHits: 1, costUsd: 0, pricedCalls: 0, unpricedCalls: 6 }]);
      // A fresh connection recounts everything and agrees.
      const reader = openStore(store.path, { readonly: true });
      expect(paidUsage(reader.db)).toEqual(again);
      reader.close();
    } finally {
      store.close();
    }
  });
});

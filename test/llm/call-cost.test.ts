// Prices: each logged call's cost_usd is (prompt - cached) x input + cached x cachedInput + completion
// x output per million tokens; a cache hit costs 0; a provider's own cost is what the totals use.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { parseEndpoints } from '../../src/config/endpoints.ts';
import { priceCallUsd } from '../../src/llm/call-cost.ts';
import { costSummary } from '../../src/llm/cost-text.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { paidUsage, paidUsageByRole } from '../../src/llm/paid-usage.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { closeScriptedServers, endpointsOn, recordingSleep, scripted, tempDir, userMessage } from './helpers.ts';

const PRICE = { input: 0.6, cachedInput: 0.15, output: 2.5 };

interface LogRow {
  role: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number | null;
  cache_hit: number;
  provider_cost: number | null;
  cost_usd: number | null;
}

function logRows(store: Store): LogRow[] {
  return store.db
    .prepare('SELECT role, prompt_tokens, completion_tokens, cached_tokens, cache_hit, provider_cost, cost_usd FROM llm_call_log ORDER BY id')
    .all() as LogRow[];
}

afterEach(closeScriptedServers);

describe('priceCallUsd', () => {
  it('charges uncached input, cached input and output at their prices per million tokens', () => {
    // 600 x 0.60 + 400 x 0.15 + 200 x 2.50 = 360 + 60 + 500 = 920 micro-dollars.
    expect(priceCallUsd(PRICE, { promptTokens: 1000, cachedTokens: 400, completionTokens: 200, cacheHit: false })).toBeCloseTo(920e-6, 12);
    // cachedInput unset: cached tokens cost the input price.
    expect(priceCallUsd({ input: 1, output: 2 }, { promptTokens: 1000, cachedTokens: 400, completionTokens: 100, cacheHit: false })).toBeCloseTo(1200e-6, 12);
    expect(priceCallUsd(PRICE, { promptTokens: 1000, cachedTokens: 0, completionTokens: 200, cacheHit: true })).toBe(0);
    expect(priceCallUsd(undefined, { promptTokens: 1000, cachedTokens: 0, completionTokens: 200, cacheHit: false })).toBeNull();
  });
});

describe('the call log on a priced endpoints file (in-process sim)', () => {
  it('records each call at its hand-computed cost, and a cache hit at 0', async () => {
    const store = openStore(path.join(tempDir(), 'run.sqlite'));
    try {
      const endpoints = parseEndpoints(
        { defaults: { baseURL: 'sim://local/v1', model: 'sim-agent' }, weakSolver: { model: 'sim-weak', price: PRICE }, strongSolver: { model: 'sim-strong' } },
        'priced test endpoints',
      );
      const llm = createAppLlm({ endpoints, store, simSeed: 0, cacheMode: 'use' });
      const ask = (seed: number, role: 'weakSolver' | 'strongSolver' = 'weakSolver') =>
        llm.text({ role, seed, messages: userMessage(`<context>\nTwo plus two.\n</context>\n<question>\nWhat is 2 + 2 (${seed})?\n</question>`) });
      for (const seed of [1, 2, 3]) expect((await ask(seed)).ok).toBe(true);
      expect((await ask(1)).usage.cacheHit).toBe(true);
      expect((await ask(4, 'strongSolver')).ok).toBe(true);

      const rows = logRows(store);
      expect(rows).toHaveLength(5);
      for (const row of rows.slice(0, 3)) {
        expect(row.prompt_tokens).toBeGreaterThan(0);
        const cached = row.cached_tokens ?? 0;
        const byHand = ((row.prompt_tokens - cached) * 0.6 + cached * 0.15 + row.completion_tokens * 2.5) / 1_000_000;
        expect(row.cost_usd).toBeCloseTo(byHand, 12);
      }
      expect(rows[3]).toMatchObject({ cache_hit: 1, cost_usd: 0 });
      // The strong solver has no price: its cost is unknown, not zero.
      expect(rows[4]).toMatchObject({ role: 'strongSolver', cost_usd: null });

      const paid = paidUsage(store.db);
      const sum = rows.slice(0, 3).reduce((total, row) => total + row.cost_usd!, 0);
      expect(paid).toMatchObject({ calls: 4, pricedCalls: 3, unpricedCalls: 1, cacheHits: 1 });
      expect(paid.costUsd).toBeCloseTo(sum, 12);
      const weak = paidUsageByRole(store.db).find((row) => row.role === 'weakSolver')!;
      expect(weak).toMatchObject({ calls: 3, cacheHits: 1, pricedCalls: 3, unpricedCalls: 0 });
      expect(weak.costUsd).toBeCloseTo(sum, 12);
      // With an unpriced call the figure is a lower bound, and says so.
      expect(costSummary(paid, 2)).toMatch(/^cost at least \$\S+, at least \$\S+ per accepted example \(cache hits free: 1; 1 of 4 paid calls unpriced\)$/);
    } finally {
      store.close();
    }
  });

  it("uses the provider's reported cost when there is one, and keeps the priced cost beside it", async () => {
    const body = JSON.stringify({
      id: 'chatcmpl-cost', object: 'chat.completion', created: 1, model: 'sim-agent',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Four.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300, prompt_tokens_details: { cached_tokens: 1000 }, cost: 0.0042 },
    });
    const server = await scripted((_request, _incoming, outgoing) => {
      outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      outgoing.end(body);
    });
    const store = openStore(path.join(tempDir(), 'run.sqlite'));
    try {
      const llm = createLlm({ endpoints: endpointsOn(server.baseURL, { price: PRICE }), store, sleep: recordingSleep().sleep });
      expect((await llm.text({ role: 'judge', seed: 7, messages: userMessage('What is 2 + 2?') })).ok).toBe(true);
      const [row] = logRows(store);
      // 1000 x 0.60 + 1000 x 0.15 + 300 x 2.50 = 600 + 150 + 750 = 1500 micro-dollars at the configured price.
      expect(row).toMatchObject({ prompt_tokens: 2000, cached_tokens: 1000, completion_tokens: 300, provider_cost: 0.0042 });
      expect(row!.cost_usd).toBeCloseTo(1500e-6, 12);
      const paid = paidUsage(store.db);
      expect(paid).toMatchObject({ calls: 1, pricedCalls: 1, unpricedCalls: 0 });
      expect(paid.costUsd).toBeCloseTo(0.0042, 12);
      expect(costSummary(paid, 1)).toBe('cost $0.0042, $0.0042 per accepted example (cache hits free)');
    } finally {
      store.close();
    }
  });

  it('counts a provider-reported cost on a role without a price, with cost_usd left null', async () => {
    const body = JSON.stringify({
      id: 'chatcmpl-cost', object: 'chat.completion', created: 1, model: 'sim-agent',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Four.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23, cost: 0.00025 },
    });
    const server = await scripted((_request, _incoming, outgoing) => {
      outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      outgoing.end(body);
    });
    const store = openStore(path.join(tempDir(), 'run.sqlite'));
    try {
      const llm = createLlm({ endpoints: endpointsOn(server.baseURL), store, sleep: recordingSleep().sleep });
      expect((await llm.text({ role: 'judge', seed: 7, messages: userMessage('What is 2 + 2?') })).ok).toBe(true);
      expect(logRows(store)[0]).toMatchObject({ provider_cost: 0.00025, cost_usd: null });
      expect(paidUsage(store.db)).toMatchObject({ calls: 1, pricedCalls: 1, unpricedCalls: 0, costUsd: 0.00025 });
    } finally {
      store.close();
    }
  });
});

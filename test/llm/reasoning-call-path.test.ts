// Reasoning models on the call path, against the in-process sim serving thinking models: JSON is read
// from the answer only, the re-ask quotes the answer only, the reasoning reaches callers and the
// cache, a reply that only reasoned is truncated or empty with a message that says so, and the call
// log keeps the reasoning tokens.
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints, SIM_BASE_URL, type EndpointSettings } from '../../src/config/endpoints.ts';
import { createCallCache } from '../../src/llm/call-cache.ts';
import { createLlm, type CreateLlmOptions } from '../../src/llm/create-llm.ts';
import { createSimFetch, type FaultSpec } from '../../src/sim/index.ts';
import type { Store } from '../../src/store/index.ts';
import { openTempStore, userMessage, verdictSchema } from './helpers.ts';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

const store = (): Store => openTempStore((close) => cleanup.push(close));

interface Sent {
  messages: Array<{ role: string; content: string | null }>;
}

/** Every role on the in-process sim, with `model`; the bodies sent are kept. */
function simLlm(
  model: string,
  options: { faults?: FaultSpec[]; settings?: Partial<EndpointSettings> } & Omit<CreateLlmOptions, 'endpoints'> = {},
) {
  const { faults = [], settings = {}, ...rest } = options;
  const simFetch = createSimFetch({ seed: 5, faults });
  const sent: Sent[] = [];
  const recording: typeof fetch = async (input, init) => {
    if (init?.body) sent.push(JSON.parse(String(init.body)) as Sent);
    return simFetch(input, init);
  };
  const endpoints = parseEndpoints({ defaults: { baseURL: SIM_BASE_URL, model, timeoutMs: 5000, maxRetries: 0, ...settings } }, 'test endpoints', {});
  return { llm: createLlm({ endpoints, fetchFor: () => recording, cacheMode: 'off', ...rest }), sent };
}

const question = userMessage('Is the sky blue on a clear day? Answer with a verdict.');
const verdict = { role: 'judge' as const, schemaName: 'test_verdict', schema: verdictSchema, messages: question, seed: 9 };

describe('structured replies from thinking models', () => {
  it.each(['think-tags', 'closing-tag', 'kimi', 'field', 'field-legacy'])(
    'reads the JSON from the answer only (reasoning shape %s), with no re-ask',
    async (shape) => {
      const plain = await simLlm('sim-agent').llm.structured(verdict);
      const { llm, sent } = simLlm(`sim-agent?reasoning=${shape}`);

      const result = await llm.structured(verdict);

      expect(plain.ok).toBe(true);
      expect(result.ok).toBe(true);
      if (!result.ok || !plain.ok) return;
      expect(Object.keys(result.value).sort()).toEqual(['correct', 'reason']);
      expect(result.usage).toMatchObject({ reasked: false, attempts: 1 });
      expect(result.usage.reasoningTokens).toBeGreaterThan(0);
      expect(sent).toHaveLength(1);
    },
  );

  it('re-asks with the answer alone as the assistant message, never the reasoning, and pays for both replies', async () => {
    const clean = await simLlm('sim-agent?reasoning=think-tags').llm.structured(verdict);
    const { llm, sent } = simLlm('sim-agent?reasoning=think-tags', { faults: [{ kind: 'malformed', malformedShape: 'hopeless' }] });

    const result = await llm.structured(verdict);

    expect(result).toMatchObject({ ok: false, failure: { kind: 'invalid-output' }, usage: { reasked: true, attempts: 2 } });
    // The re-ask's prompt holds the first one, so both together cost more than twice the first.
    expect(result.usage.promptTokens).toBeGreaterThan(2 * clean.usage.promptTokens);
    expect(result.usage.reasoningTokens).toBeGreaterThan(clean.usage.reasoningTokens);
    expect(sent).toHaveLength(2);
    const assistant = sent[1]!.messages[1]!;
    expect(assistant.role).toBe('assistant');
    expect(assistant.content!.startsWith('I am not able')).toBe(true);
    expect(assistant.content).not.toContain('think>');
    if (!result.ok) expect(result.failure.rawText).toBe(assistant.content);
  });
});

describe('text replies from thinking models', () => {
  it('gives the caller the answer in content and the thinking in reasoning', async () => {
    const plain = await simLlm('sim-weak').llm.text({ role: 'weakSolver', messages: question, seed: 4 });
    const { llm } = simLlm('sim-weak?reasoning=think-tags');

    const result = await llm.text({ role: 'weakSolver', messages: question, seed: 4 });

    expect(result.ok && plain.ok).toBe(true);
    if (!result.ok || !plain.ok) return;
    expect(plain.value.reasoning).toBeNull();
    expect(result.value.reasoning).toMatch(/\S/);
    expect(result.value.content).not.toContain('<think>');
    expect(result.value.content).not.toContain(result.value.reasoning!);
    expect(result.usage.reasoningTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeGreaterThan(result.usage.reasoningTokens);
  });

  it('fails a reply that ran out of tokens while still reasoning as truncated, saying so', async () => {
    const { llm } = simLlm('sim-weak?reasoning=field', { settings: { maxTokens: 8 } });

    const result = await llm.text({ role: 'weakSolver', messages: question, seed: 4 });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe('truncated');
    expect(result.failure.message).toBe(
      'weakSolver: the model ran out of tokens while still reasoning, before any answer (maxTokens 8); raise maxTokens for this role or lower its reasoningEffort',
    );
    expect(result.usage.reasoningTokens).toBeGreaterThan(0);
  });

  it('fails a finished reply with reasoning and no answer as empty, saying so', async () => {
    const { llm } = simLlm('sim-weak?reasoning=field', { faults: [{ kind: 'empty' }] });

    const result = await llm.text({ role: 'weakSolver', messages: question, seed: 4 });

    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'empty', message: 'weakSolver: the model returned only reasoning, with no answer and no tool call after it' },
    });
  });
});

describe('reasoning in the store', () => {
  it('keeps the reasoning with the cached reply, and logs reasoning tokens (NULL for a cache hit)', async () => {
    const run = store();
    const { llm, sent } = simLlm('sim-weak?reasoning=field', { store: run, cacheMode: 'use' });
    const request = { role: 'weakSolver' as const, messages: question, seed: 4 };

    const first = await llm.text(request);
    const again = createLlm({
      endpoints: parseEndpoints({ defaults: { baseURL: SIM_BASE_URL, model: 'sim-weak?reasoning=field' } }, 'test endpoints', {}),
      fetchFor: () => createSimFetch({ seed: 5 }),
      store: run,
    });
    const second = await again.text(request);

    expect(sent).toHaveLength(1);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.usage.cacheHit).toBe(true);
    expect(second.value).toEqual(first.value);
    expect(second.value.reasoning).toMatch(/\S/);
    const rows = run.db
      .prepare('SELECT cache_hit AS cacheHit, reasoning_tokens AS reasoningTokens, cached_tokens AS cachedTokens, provider_cost AS providerCost FROM llm_call_log ORDER BY id')
      .all();
    expect(rows).toEqual([
      // The sim reports its prefix cache (cold here: 0); a call-cache hit reports nothing.
      { cacheHit: 0, reasoningTokens: first.usage.reasoningTokens, cachedTokens: 0, providerCost: null },
      { cacheHit: 1, reasoningTokens: null, cachedTokens: null, providerCost: null },
    ]);
    expect(first.usage.reasoningTokens).toBeGreaterThan(0);
    expect(again.usageByRole().weakSolver.reasoningTokens).toBe(0);
    expect(llm.usageByRole().weakSolver.reasoningTokens).toBe(first.usage.reasoningTokens);
  });

  it('reads a cached reply stored before reasoning was kept as one without reasoning', () => {
    const run = store();
    run.db
      .prepare(
        `INSERT INTO llm_call_cache (key, endpoint_id, model, reply_json, prompt_tokens, completion_tokens, created_at)
         VALUES ('old', 'ep-1', 'm', '{"content":"An answer.","toolCalls":[],"finishReason":"stop"}', 7, 3, '2026-01-01')`,
      )
      .run();
    const cache = createCallCache({ db: run.db });

    expect(cache.get('old')).toEqual({ content: 'An answer.', reasoning: null, toolCalls: [], finishReason: 'stop', promptTokens: 7, completionTokens: 3 });
    cache.put('new', { endpointId: 'ep-1', model: 'm', reply: { content: 'Yes.', reasoning: 'Think {first}.', toolCalls: [], finishReason: 'stop', promptTokens: 1, completionTokens: 2 } });
    expect(cache.get('new')?.reasoning).toBe('Think {first}.');
  });
});

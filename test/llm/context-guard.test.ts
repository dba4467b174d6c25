// The context guard: with a contextWindow set, a request whose estimated prompt plus maxTokens does not
// fit is never sent. It fails as 'too-long', is logged, and is no failure of the endpoint.
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints, SIM_BASE_URL, type EndpointSettings } from '../../src/config/endpoints.ts';
import { createLlm, type CreateLlmOptions } from '../../src/llm/create-llm.ts';
import { responseFormatFor } from '../../src/llm/structured.ts';
import { estimatePromptTokens } from '../../src/llm/token-estimate.ts';
import type { ToolSpec } from '../../src/llm/types.ts';
import { createSimFetch } from '../../src/sim/index.ts';
import type { Store } from '../../src/store/index.ts';
import { openTempStore, userMessage, verdictSchema } from './helpers.ts';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

const store = (): Store => openTempStore((close) => cleanup.push(close));

/** Every role on the in-process sim with these settings; the number of requests sent is counted. */
function simLlm(settings: Partial<EndpointSettings>, options: Omit<CreateLlmOptions, 'endpoints'> & { spoilFirst?: boolean } = {}) {
  const { spoilFirst = false, ...rest } = options;
  const simFetch = createSimFetch({ seed: 6 });
  const sent = { requests: 0 };
  const counting: typeof fetch = async (input, init) => {
    sent.requests += 1;
    const response = await simFetch(input, init);
    if (!spoilFirst || sent.requests > 1) return response;
    const envelope = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    envelope.choices[0]!.message.content = '{"correct": "maybe"}';
    return new Response(JSON.stringify(envelope), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const endpoints = parseEndpoints(
    { defaults: { baseURL: SIM_BASE_URL, model: 'sim-agent', maxRetries: 0, maxConsecutiveFailures: 1, ...settings } },
    'test endpoints',
    {},
  );
  return { llm: createLlm({ endpoints, fetchFor: () => counting, cacheMode: 'off', ...rest }), sent };
}

const messages = userMessage(`Is the sky blue on a clear day? Answer with a verdict. ${'Some context. '.repeat(20)}`);
const promptTokens = estimatePromptTokens({ messages });

describe('the context guard', () => {
  it('fails a text call whose prompt plus maxTokens exceeds the window as too-long, sends nothing, and logs it', async () => {
    const run = store();
    const { llm, sent } = simLlm({ contextWindow: 1000, maxTokens: 1001 - promptTokens }, { store: run });

    const first = await llm.text({ role: 'weakSolver', messages, seed: 1 });
    // A second one does not open the breaker (maxConsecutiveFailures 1): too-long is no endpoint failure.
    const second = await llm.text({ role: 'weakSolver', messages, seed: 2 });

    expect(sent.requests).toBe(0);
    expect(second.ok).toBe(false);
    expect(first).toMatchObject({
      ok: false,
      failure: {
        kind: 'too-long',
        message: `weakSolver: the prompt (about ${promptTokens} tokens) plus maxTokens ${1001 - promptTokens} does not fit the context window 1000 of sim-agent; not sent`,
      },
      usage: { attempts: 0, cacheHit: false, promptTokens: 0 },
    });
    expect(run.db.prepare('SELECT outcome, attempts, error FROM llm_call_log ORDER BY id LIMIT 1').get()).toEqual({
      outcome: 'too-long',
      attempts: 0,
      error: first.ok ? null : first.failure.message,
    });
    expect(llm.usageByRole().weakSolver).toMatchObject({ calls: 2, failures: 2 });
  });

  it('sends a call that fits exactly, and a request that lowers maxTokens', async () => {
    const { llm, sent } = simLlm({ contextWindow: 1000, maxTokens: 1000 - promptTokens });

    const exact = await llm.text({ role: 'weakSolver', messages, seed: 1 });
    const lowered = await llm.text({ role: 'weakSolver', messages, seed: 2, maxTokens: 2000 - promptTokens });
    const fits = await llm.text({ role: 'weakSolver', messages, seed: 3, maxTokens: 64 });

    expect(exact.ok).toBe(true);
    expect(lowered).toMatchObject({ ok: false, failure: { kind: 'too-long' } });
    expect(fits.ok).toBe(true);
    expect(sent.requests).toBe(2);
  });

  it('counts the response_format schema of a structured call, and the tools of a text call', async () => {
    const withSchema = estimatePromptTokens({ messages, extra: [responseFormatFor('test_verdict', verdictSchema)] });
    const tools: ToolSpec[] = [
      { type: 'function', function: { name: 'submit', description: 'Submit the verdict.', parameters: { type: 'object', properties: { accepted: { type: 'boolean' } } } } },
    ];
    const withTools = estimatePromptTokens({ messages, extra: [tools] });
    expect(withSchema).toBeGreaterThan(promptTokens);
    expect(withTools).toBeGreaterThan(promptTokens);
    // Room for the messages alone.
    const { llm, sent } = simLlm({ contextWindow: 1000, maxTokens: 1000 - promptTokens });

    const plain = await llm.text({ role: 'judge', messages, seed: 1 });
    const structured = await llm.structured({ role: 'judge', messages, seed: 1, schemaName: 'test_verdict', schema: verdictSchema });
    const withToolSpecs = await llm.text({ role: 'mainAgent', messages, seed: 1, tools });

    expect(plain.ok).toBe(true);
    expect(structured).toMatchObject({ ok: false, failure: { kind: 'too-long', message: expect.stringContaining(`(about ${withSchema} tokens)`) } });
    expect(withToolSpecs).toMatchObject({ ok: false, failure: { kind: 'too-long', message: expect.stringContaining(`(about ${withTools} tokens)`) } });
    expect(sent.requests).toBe(1);
  });

  it('counts the schema block in the prompt in json_object and prompt modes', async () => {
    const { llm, sent } = simLlm({ contextWindow: 1000, maxTokens: 1000 - promptTokens - 20, structuredOutput: 'prompt' });

    const result = await llm.structured({ role: 'judge', messages, seed: 1, schemaName: 'test_verdict', schema: verdictSchema });

    expect(result).toMatchObject({ ok: false, failure: { kind: 'too-long' } });
    expect(sent.requests).toBe(0);
  });

  it('does not re-ask when the re-ask cannot fit: the reply stays invalid, and only the first request was sent', async () => {
    const withSchema = estimatePromptTokens({ messages, extra: [responseFormatFor('test_verdict', verdictSchema)] });
    const { llm, sent } = simLlm({ contextWindow: 1000, maxTokens: 1000 - withSchema, maxConsecutiveFailures: 5 }, { spoilFirst: true });

    const result = await llm.structured({ role: 'judge', messages, seed: 1, schemaName: 'test_verdict', schema: verdictSchema });

    expect(sent.requests).toBe(1);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe('invalid-output');
    expect(result.failure.rawText).toBe('{"correct": "maybe"}');
    expect(result.failure.message).toMatch(
      new RegExp(`^judge: test_verdict reply does not match the schema \\(correct: .*\\), and the re-ask was not sent: its prompt \\(about \\d+ tokens\\) plus maxTokens ${1000 - withSchema} does not fit the context window 1000 of sim-agent$`),
    );
    expect(result.usage).toMatchObject({ attempts: 1, reasked: false });
    expect(result.usage.promptTokens).toBeGreaterThan(0);
  });

  it('checks nothing when the endpoint sets no window', async () => {
    const { llm, sent } = simLlm({ maxTokens: 100_000 });

    const result = await llm.text({ role: 'weakSolver', messages, seed: 1 });

    expect(result.ok).toBe(true);
    expect(sent.requests).toBe(1);
  });
});

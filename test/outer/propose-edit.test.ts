import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AutodataError } from '../../src/errors.ts';
import { loadHarness, loadMetaPrompts } from '../../src/harness/index.ts';
import type { CallUsage, Llm, LlmResult, StructuredRequest } from '../../src/llm/types.ts';
import { analyzeFailures } from '../../src/outer/analyze.ts';
import { proposeEdit } from '../../src/outer/propose-edit.ts';
import { scriptedLlm as endpointLlm } from '../support/inner-fixtures.ts';
import { startScriptedEndpoint, type ScriptedEndpoint, type ScriptedRequest } from '../support/scripted-endpoint.ts';
import { repoRoot } from './support.ts';

const baseline = loadHarness(path.join(repoRoot, 'baselines/agentic-self-instruct'));
const metaPrompts = loadMetaPrompts(path.join(repoRoot, 'baselines/meta-optimizer'));
const challengerFirstLine = baseline.files['prompts/challenger.md']!.split('\n')[0]!;

const usage: CallUsage = {
  role: 'implementer', endpointId: 'scripted', model: 'scripted', promptTokens: 100, completionTokens: 20, reasoningTokens: 0,
  latencyMs: 0, attempts: 1, cacheHit: false, reasked: false,
};

/** An Llm whose structured replies are given in order; it keeps every request it received. */
function scriptedLlm(replies: Array<LlmResult<unknown>>): Llm & { requests: Array<StructuredRequest<unknown>> } {
  const requests: Array<StructuredRequest<unknown>> = [];
  return {
    requests,
    text: () => Promise.reject(new Error('no text calls expected')),
    structured: <T,>(request: StructuredRequest<T>) => {
      requests.push(request as StructuredRequest<unknown>);
      const reply = replies.shift();
      if (!reply) throw new Error('no scripted reply left');
      return Promise.resolve(reply as LlmResult<T>);
    },
    usageByRole: () => {
      throw new Error('not used');
    },
    structuredMode: () => 'json_schema',
  };
}

const edits = (file: string, search: string, replace: string) => ({ ok: true as const, value: { summary: `edit ${file}`, edits: [{ file, search, replace }] }, usage });
const input = (retries: number) => ({
  template: metaPrompts.implementer,
  analysis: '{"headline": "questions are too easy"}',
  history: 'No earlier iterations yet.',
  parent: baseline,
  retries,
  seedForAttempt: (attempt: number) => 1000 + attempt,
});

describe('proposeEdit', () => {
  it('sends refusals back to the model and applies the first acceptable edits', async () => {
    const llm = scriptedLlm([
      { ok: false, failure: { kind: 'invalid-output', message: 'reply does not match the schema', rawText: '{"edits": 3}' }, usage },
      edits('prompts/challenger.md', 'no such text anywhere', 'x'),
      edits('prompts/challenger.md', challengerFirstLine, `${challengerFirstLine}\nAsk about trade-offs.`),
    ]);
    const outcome = await proposeEdit(llm, input(2));

    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.harness.files['prompts/challenger.md']).toBe(
      baseline.files['prompts/challenger.md']!.replace(challengerFirstLine, `${challengerFirstLine}\nAsk about trade-offs.`),
    );
    expect(outcome.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.refusalReason, attempt.calls, attempt.tokens])).toEqual([
      [1, 'refused', 'malformed-edits', 1, 120],
      [2, 'refused', 'search-not-found', 1, 120],
      [3, 'applied', null, 1, 120],
    ]);
    expect(llm.requests.map((request) => request.seed)).toEqual([1001, 1002, 1003]);
    // The third request carries the whole exchange: prompt, bad reply, refusal, edits, refusal.
    const roles = llm.requests[2]!.messages.map((message) => message.role);
    expect(roles).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    const lastMessage = llm.requests[2]!.messages.at(-1)!.content as string;
    expect(lastMessage.startsWith('Your edits were refused (search-not-found): edit 1: search text not found in prompts/challenger.md')).toBe(true);
    expect(llm.requests[0]!.messages[0]!.content).toContain(`<file path="prompts/challenger.md">`);
    expect(llm.requests[0]!.messages[0]!.content).not.toContain(`<file path="prompts/weak-solver.md">`);
  });

  it('gives up after the retries with the last refusal as the reason', async () => {
    const weakSolverText = baseline.files['prompts/weak-solver.md']!;
    const llm = scriptedLlm([
      edits('prompts/weak-solver.md', weakSolverText.split('\n')[0]!, 'Answer briefly.'),
      edits('../outside.md', 'a', 'b'),
    ]);
    const outcome = await proposeEdit(llm, input(1));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toBe('outside-harness');
    expect(outcome.attempts.map((attempt) => attempt.refusalReason)).toEqual(['protected-file', 'outside-harness']);
    expect(outcome.message.endsWith('(after 2 attempts)')).toBe(true);
  });

  it('stops the run when the implementer endpoint is unreachable', async () => {
    const llm = scriptedLlm([{ ok: false, failure: { kind: 'transport', message: 'connect ECONNREFUSED' }, usage }]);
    const error = await proposeEdit(llm, input(2)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AutodataError);
    expect((error as AutodataError).code).toBe('RUN_HALTED');
  });
});

describe('proposeEdit over a loopback endpoint with hostile file names', () => {
  let endpoint: ScriptedEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  const implementerReplies = (replies: unknown[]) => (request: ScriptedRequest) => {
    if (request.schemaName !== 'harness_edits') return { status: 500, message: `unexpected request ${request.schemaName}` };
    return { json: replies[endpoint!.requests.length - 1] };
  };

  it('refuses an edit of file "constructor" and sends the refusal back; the corrected edit applies', async () => {
    endpoint = await startScriptedEndpoint(
      implementerReplies([
        { summary: 'rewrite the constructor', edits: [{ file: 'constructor', search: 'function', replace: 'x' }] },
        { summary: 'two prototype names', edits: [{ file: '__proto__', search: 'a', replace: 'b' }, { file: 'toString', search: 'a', replace: 'b' }] },
        { summary: 'a real edit', edits: [{ file: 'prompts/challenger.md', search: challengerFirstLine, replace: `${challengerFirstLine}\nBe specific.` }] },
      ]),
    );
    const outcome = await proposeEdit(endpointLlm(endpoint.baseURL), input(2));
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.map((attempt) => [attempt.outcome, attempt.refusalReason])).toEqual([
      ['refused', 'outside-harness'],
      ['refused', 'outside-harness'],
      ['applied', null],
    ]);
    expect(outcome.attempts[0]!.message.startsWith('edit 1: "constructor" is outside the harness: not a file of this harness')).toBe(true);
    const second = endpoint.requests[1]!.messages.at(-1)!.content!;
    expect(second.startsWith('Your edits were refused (outside-harness): edit 1: "constructor" is outside the harness')).toBe(true);
  });

  it('ends as an ordinary refusal, not an exception, when every attempt names "constructor"', async () => {
    const reply = { summary: 'x', edits: [{ file: 'constructor', search: 'function', replace: 'x' }] };
    endpoint = await startScriptedEndpoint(implementerReplies([reply, reply]));
    const outcome = await proposeEdit(endpointLlm(endpoint.baseURL), input(1));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toBe('outside-harness');
    expect(outcome.message.startsWith('outside-harness: edit 1: "constructor" is outside the harness')).toBe(true);
    expect(outcome.message.endsWith('(after 2 attempts)')).toBe(true);
  });
});

describe('analyzeFailures', () => {
  it('renders the trajectories and history into the analyzer prompt and returns the analysis', async () => {
    const analysis = { headline: 'Too easy.', failure_modes: [{ name: 'too easy', count: 2, evidence: ['Round 1: TOO EASY'], suggested_fix: 'dig deeper' }] };
    const llm = scriptedLlm([{ ok: true, value: analysis, usage: { ...usage, role: 'analyzer', reasked: true } }]);
    const outcome = await analyzeFailures(llm, {
      template: metaPrompts.analyzer,
      trajectories: [{ documentId: 'simcs-0001', accepted: false, text: 'Round 1: TOO EASY (weak mean 0.81)' }],
      history: 'No earlier iterations yet.',
      seed: 42,
    });
    expect(outcome).toEqual({ ok: true, analysis, calls: 2, tokens: 120 });
    const request = llm.requests[0]!;
    expect([request.role, request.schemaName, request.seed]).toEqual(['analyzer', 'failure_analysis', 42]);
    expect(request.messages[0]!.content).toContain('<trajectories>\n=== Document simcs-0001 (not accepted) ===\nRound 1: TOO EASY (weak mean 0.81)\n</trajectories>');
    expect(request.messages[0]!.content).toContain('<history>\nNo earlier iterations yet.\n</history>');
  });

  it('returns an invalid reply as data, not an exception', async () => {
    const llm = scriptedLlm([{ ok: false, failure: { kind: 'invalid-output', message: 'missing headline' }, usage }]);
    const outcome = await analyzeFailures(llm, { template: metaPrompts.analyzer, trajectories: [], history: '', seed: 1 });
    expect(outcome).toEqual({ ok: false, error: 'analyzer invalid-output: missing headline', calls: 1, tokens: 120 });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { runDocument } from '../../src/inner/index.ts';
import { scriptedLlm, TEST_DOCUMENT, testHarness } from '../support/inner-fixtures.ts';
import { loopResponder } from '../support/loop-responder.ts';
import { startScriptedEndpoint, type ScriptedEndpoint, type ScriptedReply, type ScriptedRequest } from '../support/scripted-endpoint.ts';

let endpoint: ScriptedEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const SEED = 11;
const call = (name: string, args: unknown = {}): ScriptedReply => ({ toolCalls: [{ name, arguments: args }] });
const toolResults = (request: ScriptedRequest) =>
  request.messages.filter((message) => message.role === 'tool').map((message) => JSON.parse(message.content ?? '{}') as Record<string, unknown>);

describe('agentic orchestrator', () => {
  it('enforces the order, overrules an early acceptance claim and recomputes acceptance itself', async () => {
    const steps: Array<(request: ScriptedRequest) => ScriptedReply> = [
      () => call('call_challenger', { instructions: 'Ask about a failure mode.' }),
      () => call('call_quality_verifier'),
      () => call('evaluate_strong'),
      () => call('submit', { accepted: true, note: 'looks good to me' }),
      () => call('evaluate_weak'),
      (request) => call('call_challenger', { instructions: String(toolResults(request).at(-1)?.refinement_message) }),
      () => call('call_quality_verifier'),
      () => call('evaluate_weak'),
      () => call('evaluate_strong'),
      () => call('submit', { accepted: true, note: 'done' }),
    ];
    const mainAgent = (request: ScriptedRequest) => steps[request.messages.filter((message) => message.role === 'assistant').length]!(request);
    endpoint = await startScriptedEndpoint(
      loopResponder({
        runSeed: SEED,
        mainAgent,
        rounds: [{ weak: [0.9, 0.9, 0.9] }, { weak: [0.3, 0.4, 0.5], strong: [0.8, 0.85, 0.9] }],
      }),
    );
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness({ orchestrator: 'agentic' }), TEST_DOCUMENT, {
      seed: SEED,
      repeat: 0,
    });

    expect(outcome.accepted).toBe(true);
    expect(outcome.acceptedRound).toBe(2);
    expect(outcome.falseAcceptanceClaims).toBe(1);
    expect(outcome.result.agent_steps).toBe(9);
    // The episode ends at acceptance: the final submit is never requested.
    expect(endpoint.countByRole('mainAgent')).toBe(9);
    expect(endpoint.countByRole('strongSolver')).toBe(3);

    const lastAgentRequest = endpoint.requests.filter((request) => request.role === 'mainAgent').at(-1)!;
    const results = toolResults(lastAgentRequest);
    expect(results[2]).toEqual({ error: 'evaluate_strong is not the next step of round 1; call evaluate_weak' });
    expect(results[3]).toEqual({
      status: 'overruled',
      error:
        'submit(accepted=true) is overruled: the framework recomputed acceptance from the recorded scores and it does not hold (the weak solver has not evaluated this example yet)',
      next_step: 'evaluate_weak',
    });
    expect(results[4]).toMatchObject({ round: 1, status: 'failed', verdict: 'TOO EASY', weak_mean: 0.9, rounds_left: 9 });

    // The challenger hears the agent's instructions as its feedback.
    const challengerPrompts = endpoint.requests.filter((request) => request.role === 'challenger').map((request) => request.prompt);
    expect(challengerPrompts[0]).toContain('<feedback>\nAsk about a failure mode.\n</feedback>');
    expect(challengerPrompts[1]).toContain('TOO EASY');
    expect(outcome.result.rounds.map((round) => [round.round, round.failure_reason, round.accepted])).toEqual([
      [1, 'too-easy', false],
      [2, null, true],
    ]);
  });

  it('nudges once after a reply without a tool call, then counts the agent as giving up', async () => {
    endpoint = await startScriptedEndpoint(
      loopResponder({ runSeed: SEED, rounds: [], mainAgent: () => ({ content: 'I think this document is hard.' }) }),
    );
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness({ orchestrator: 'agentic' }), TEST_DOCUMENT, {
      seed: SEED,
      repeat: 0,
    });
    expect(endpoint.countByRole('mainAgent')).toBe(2);
    expect(endpoint.requests[1]!.prompt).toMatch(/^Your last reply called no tool\./);
    expect(outcome.accepted).toBe(false);
    expect(outcome.failureReasons['gave-up']).toBe(1);
    expect(outcome.result.end_reason).toBe('gave-up');
  });

  it('ends at the round budget', async () => {
    const mainAgent = (request: ScriptedRequest) => {
      const last = toolResults(request).at(-1);
      return last === undefined || last.status === 'failed' ? call('call_challenger', { instructions: 'again' }) : call('call_quality_verifier');
    };
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, mainAgent, rounds: [{ qualityPasses: false }] }));
    const outcome = await runDocument(
      { llm: scriptedLlm(endpoint.baseURL) },
      testHarness({ orchestrator: 'agentic', roundBudget: 2 }),
      TEST_DOCUMENT,
      { seed: SEED, repeat: 0 },
    );
    expect(outcome.totalRounds).toBe(2);
    expect(outcome.failureReasons).toMatchObject({ 'failed-qv': 2, 'budget-exhausted': 1 });
    expect(endpoint.countByRole('mainAgent')).toBe(4);
  });

  it('answers a tool named "constructor", "__proto__" or "toString" as an unknown tool, then goes on', async () => {
    const steps: ScriptedReply[] = [
      call('constructor'),
      call('__proto__', { instructions: 'x' }),
      call('toString'),
      { toolCalls: [{ name: 'hasOwnProperty', arguments: '{"__proto__": {"accepted": true}}' }] },
      call('submit', JSON.parse('{"__proto__": {"accepted": true}, "note": "giving up"}')),
    ];
    const mainAgent = (request: ScriptedRequest) => steps[request.messages.filter((message) => message.role === 'assistant').length]!;
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: SEED, mainAgent, rounds: [] }));
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, testHarness({ orchestrator: 'agentic' }), TEST_DOCUMENT, {
      seed: SEED,
      repeat: 0,
    });

    const tools = 'call_challenger, call_quality_verifier, evaluate_weak, evaluate_strong, submit';
    const lastAgentRequest = endpoint.requests.filter((request) => request.role === 'mainAgent').at(-1)!;
    expect(toolResults(lastAgentRequest)).toEqual(
      ['constructor', '__proto__', 'toString', 'hasOwnProperty'].map((name) => ({ error: `unknown tool "${name}"; the tools are ${tools}` })),
    );
    // An inherited "accepted" is not the agent's claim: submit reads own keys, so this is a give-up.
    expect(outcome.accepted).toBe(false);
    expect(outcome.falseAcceptanceClaims).toBe(0);
    expect(outcome.result.end_reason).toBe('gave-up');
    expect(outcome.result.agent_steps).toBe(5);
  });
});

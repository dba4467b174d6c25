import { describe, expect, it } from 'vitest';
import type { CallUsage, LlmFailure, LlmResult } from '../../src/llm/types.ts';
import { retriedCall } from '../../src/inner/retried-call.ts';

const usage: CallUsage = {
  role: 'judge',
  endpointId: 'test',
  model: 'test',
  promptTokens: 0,
  completionTokens: 0,
  reasoningTokens: 0,
  latencyMs: 0,
  attempts: 1,
  cacheHit: false,
  reasked: false,
};

/** A call that replays `outcomes` in order (a failure kind, or 'ok'), recording the draw each call was given. */
function scripted(outcomes: Array<LlmFailure['kind'] | 'ok'>) {
  const draws: number[] = [];
  const call = async (draw: number): Promise<LlmResult<string>> => {
    const outcome = outcomes[draws.length] ?? 'ok';
    draws.push(draw);
    return outcome === 'ok' ? { ok: true, value: `reply ${draw}`, usage } : { ok: false, failure: { kind: outcome, message: `failure ${draws.length}` }, usage };
  };
  return { call, draws };
}

describe('retriedCall', () => {
  it('repeats the same draw after a transport failure and draws anew after an unusable reply', async () => {
    const { call, draws } = scripted(['transport', 'empty', 'truncated', 'transport', 'ok']);
    const result = await retriedCall(4, call);
    expect(result).toEqual({ ok: true, value: 'reply 2' });
    expect(draws).toEqual([0, 0, 1, 2, 2]);
  });

  it('makes retries + 1 calls at most and returns the last failure with the count', async () => {
    const { call, draws } = scripted(['empty', 'transport', 'truncated', 'ok']);
    const result = await retriedCall(2, call);
    expect(result).toEqual({ ok: false, last: { kind: 'truncated', message: 'failure 3' }, calls: 3 });
    expect(draws).toEqual([0, 1, 1]);
  });

  it('stops at once on a failure the caller calls final', async () => {
    const { call, draws } = scripted(['empty', 'invalid-output', 'ok']);
    const result = await retriedCall(5, call, (failure) => failure.kind === 'invalid-output');
    expect(result).toEqual({ ok: false, last: { kind: 'invalid-output', message: 'failure 2' }, calls: 2 });
    expect(draws).toEqual([0, 1]);
  });

  it('makes one call with no retries', async () => {
    const { call, draws } = scripted(['empty', 'ok']);
    expect(await retriedCall(0, call)).toMatchObject({ ok: false, calls: 1 });
    expect(draws).toEqual([0]);
  });
});

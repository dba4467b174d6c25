// The composition root passes sim faults to the in-process sim: a run on sim:// endpoints can be
// given a role whose every reply is unusable, and the circuit breaker then stops it.
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { EndpointUnavailable } from '../../src/errors.ts';
import { parseFaultOption } from '../../src/sim/index.ts';
import { userMessage, verdictSchema } from './helpers.ts';

const testVerdict = (seed: number) => ({
  role: 'judge' as const,
  schemaName: 'test_verdict',
  schema: verdictSchema,
  messages: userMessage(`Score answer ${seed}.`),
  seed,
});

describe('createAppLlm({ simFaults })', () => {
  it('makes every reply of the targeted schema unusable, re-asks included, until the breaker stops the run', async () => {
    const llm = createAppLlm({
      endpoints: defaultSimEndpoints(),
      simSeed: 1,
      cacheMode: 'off',
      simFaults: [parseFaultOption('malformed/hopeless:1@test_verdict')],
    });

    const other = await llm.structured({ ...testVerdict(1), schemaName: 'other_verdict' });
    expect(other.ok).toBe(true);
    for (const seed of [1, 2, 3, 4]) {
      const result = await llm.structured(testVerdict(seed));
      expect(result.ok ? undefined : result.failure.kind).toBe('invalid-output');
      expect(result.usage).toMatchObject({ attempts: 2, reasked: true });
    }
    const stopped = await llm.structured(testVerdict(5)).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(EndpointUnavailable);
    expect((stopped as Error).message.startsWith('the judge endpoint sim://local/v1 (sim-agent) failed 5 calls in a row')).toBe(true);
    // The weak solver is another endpoint (sim-weak): it still answers.
    expect((await llm.text({ role: 'weakSolver', messages: userMessage('Hello?'), seed: 1 })).ok).toBe(true);
  });

  it('without simFaults the same calls succeed', async () => {
    const llm = createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: 1, cacheMode: 'off' });
    expect((await llm.structured(testVerdict(1))).ok).toBe(true);
  });
});

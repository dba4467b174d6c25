import { describe, expect, it } from 'vitest';
import { appFetchFor, simModels } from '../../../src/app/create-llm.ts';
import { parseEndpoints } from '../../../src/config/endpoints.ts';

describe('the app\'s sim fetch lists the sim:// endpoints\' model names', () => {
  it('lists a model with serving options that an endpoints file names', async () => {
    const endpoints = parseEndpoints(
      {
        defaults: { baseURL: 'sim://local/v1', model: 'sim-agent' },
        weakSolver: { baseURL: 'sim://local/v1', model: 'sim-weak?reasoning=field&context=8192' },
        strongSolver: { baseURL: 'http://127.0.0.1:9/v1', model: 'sim-strong?reasoning=kimi' },
      },
      'test',
      {},
    );
    expect(simModels(endpoints)).toEqual(['sim-agent', 'sim-weak?reasoning=field&context=8192']);
    const fetchFor = appFetchFor(1, [], simModels(endpoints));
    const simFetch = fetchFor(endpoints.roles.weakSolver)!;
    expect(fetchFor(endpoints.roles.strongSolver)).toBeUndefined();
    const listed = (await (await simFetch('sim://local/v1/models')).json()) as { data: { id: string; max_model_len: number }[] };
    expect(listed.data.map((model) => model.id)).toContain('sim-weak?reasoning=field&context=8192');
    expect(listed.data.find((model) => model.id.startsWith('sim-weak?'))!.max_model_len).toBe(8192);
    expect(listed.data.map((model) => model.id)).not.toContain('sim-strong?reasoning=kimi');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { configHash, finishRun, getRun, listRuns, openStore, recordRun, withTransaction, type Store } from '../../src/store/index.ts';

const stores: Store[] = [];
function memoryStore(): Store {
  const store = openStore(':memory:');
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

const config = { harness: 'baselines/agentic-self-instruct', split: 'splits/sim-cs.json', repeats: 2 };

describe('run records', () => {
  it('records, reads back and finishes a run', () => {
    const store = memoryStore();
    const recorded = recordRun(store, {
      id: 'run-1',
      kind: 'generate',
      name: 'first try',
      config,
      seed: 7,
      versions: { autodata: '0.1.0' },
      createdAt: '2026-11-23T20:00:00.000Z',
    });
    expect(recorded).toEqual({
      id: 'run-1',
      kind: 'generate',
      name: 'first try',
      createdAt: '2026-11-23T20:00:00.000Z',
      config,
      configHash: configHash(config),
      seed: 7,
      versions: { autodata: '0.1.0' },
      status: 'running',
      finishedAt: null,
    });
    expect(getRun(store, 'run-1')).toEqual(recorded);
    expect(configHash({ repeats: 2, split: 'splits/sim-cs.json', harness: 'baselines/agentic-self-instruct' })).toBe(recorded.configHash);

    const finished = finishRun(store, 'run-1', 'completed', '2026-11-23T21:00:00.000Z');
    expect(finished).toEqual({ ...recorded, status: 'completed', finishedAt: '2026-11-23T21:00:00.000Z' });
    expect(listRuns(store)).toEqual([finished]);
    expect(getRun(store, 'run-2')).toBeUndefined();
  });

  it('treats the same id with the same config as a resume', () => {
    const store = memoryStore();
    const first = recordRun(store, { id: 'run-1', kind: 'evolve', name: 'e', config, seed: 1, createdAt: 'then' });
    finishRun(store, 'run-1', 'interrupted', 'later');
    const resumed = recordRun(store, { id: 'run-1', kind: 'evolve', name: 'e', config, seed: 1, createdAt: 'now' });
    expect(resumed).toEqual({ ...first, status: 'running', finishedAt: null });
    expect(getRun(store, 'run-1')).toEqual(resumed);
  });

  it('refuses the same id with a different config', () => {
    const store = memoryStore();
    recordRun(store, { id: 'run-1', kind: 'evolve', name: 'e', config, seed: 1 });
    const other = { ...config, repeats: 3 };
    let error: unknown;
    try {
      recordRun(store, { id: 'run-1', kind: 'evolve', name: 'e', config: other, seed: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `:memory:: run run-1 already exists with a different config (hash ${configHash(config).slice(0, 12)} vs ${configHash(other).slice(0, 12)}); use a new run folder or the original config`,
    );
  });

  it('throws when finishing an unknown run', () => {
    expect(() => finishRun(memoryStore(), 'ghost', 'failed')).toThrow('finishRun: no run with id ghost in :memory:');
  });
});

describe('withTransaction', () => {
  it('commits on return and rolls everything back on throw', () => {
    const store = memoryStore();
    const value = withTransaction(store, () => {
      recordRun(store, { id: 'a', kind: 'generate', name: 'a', config: {}, seed: 0 });
      return 42;
    });
    expect(value).toBe(42);
    expect(() =>
      withTransaction(store, () => {
        recordRun(store, { id: 'b', kind: 'generate', name: 'b', config: {}, seed: 0 });
        throw new Error('model call failed halfway');
      }),
    ).toThrow('model call failed halfway');
    expect(listRuns(store).map((run) => run.id)).toEqual(['a']);
  });

  it('refuses an async function, whose writes would escape the transaction', () => {
    const store = memoryStore();
    expect(() => withTransaction(store, async () => 1)).toThrow(
      'withTransaction: fn returned a Promise; transactions must be synchronous',
    );
  });
});

// Request-level figures: the sim alone (handler and in-process fetch), then the whole call path
// over the in-process sim with the cache off, on (every call a miss) and replaying (every call a hit).
import path from 'node:path';
import { createAppLlm } from '../app/create-llm.ts';
import { defaultSimEndpoints } from '../config/endpoints.ts';
import { CHALLENGER_SCHEMA_NAME, challengerExampleSchema } from '../inner/index.ts';
import type { CacheMode } from '../llm/call-cache.ts';
import type { Llm } from '../llm/types.ts';
import { createSimFetch, createSimHandler, type SimHandler } from '../sim/index.ts';
import { openStore } from '../store/index.ts';
import { inTempDir, timed, type ChallengerCall } from './bench-fixtures.ts';
import { ratio, type BenchFigure } from './bench-report.ts';

const CHAT_PATH = '/v1/chat/completions';
/** Calls made before timing starts, so JIT warm-up is not charged to the first figure. */
const WARM_UP_CALLS = 20;

export async function benchSim(calls: ChallengerCall[], simSeed: number): Promise<BenchFigure[]> {
  const viaHandler = (handler: SimHandler) => async (call: ChallengerCall) => {
    const response = await handler('POST', CHAT_PATH, call.body);
    if (response.status !== 200) throw new Error(`sim handler answered ${response.status}: ${response.body.slice(0, 200)}`);
  };
  const viaFetch = (simFetch: typeof fetch) => async (call: ChallengerCall) => {
    const response = await simFetch(`sim://local${CHAT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: call.body,
    });
    await response.text();
    if (response.status !== 200) throw new Error(`sim fetch answered ${response.status}`);
  };
  // Warm the JIT on throw-away instances: a handler remembers the documents it has read, and the
  // first figures should charge each document's first read.
  await warmUp(calls, viaHandler(createSimHandler({ seed: simSeed })));
  await warmUp(calls, viaFetch(createSimFetch({ seed: simSeed })));
  const handler = createSimHandler({ seed: simSeed });
  const handlerMicros = await timedMicrosPerCall(calls, viaHandler(handler));
  // The same requests again: what later rounds on the same documents cost.
  const handlerRepeatMicros = await timedMicrosPerCall(calls, viaHandler(handler));
  const fetchMicros = await timedMicrosPerCall(calls, viaFetch(createSimFetch({ seed: simSeed })));
  const note = `${calls.length} challenger requests, one at a time`;
  return [
    { id: 'sim.handler.microsPerCall', section: 'sim', label: 'sim handler, one chat completion', value: handlerMicros, unit: 'µs/call', note: `${note}, each document new to the handler` },
    { id: 'sim.handler.seenDocument.microsPerCall', section: 'sim', label: 'sim handler, document read before', value: handlerRepeatMicros, unit: 'µs/call', note: `${note}, as in later rounds` },
    { id: 'sim.fetch.microsPerCall', section: 'sim', label: 'sim as in-process fetch', value: fetchMicros, unit: 'µs/call', note: `${note}, each document new` },
  ];
}

/** Cache off, cache on with every call new (miss), then the same calls again (hit), each on a fresh SQLite store. */
export async function benchCallPath(calls: ChallengerCall[], simSeed: number, simFetchMicros: number): Promise<BenchFigure[]> {
  return inTempDir(async (dir) => {
    const runPass = async (llm: Llm, expectHits: boolean) => {
      const timing = await timed(async () => {
        let hits = 0;
        for (const call of calls) {
          const result = await callChallenger(llm, call);
          if (!result.ok) throw new Error(`call path failed on a sim challenger request: ${result.failure.message}`);
          if (result.usage.cacheHit) hits += 1;
        }
        return hits;
      });
      const wanted = expectHits ? calls.length : 0;
      if (timing.value !== wanted) throw new Error(`expected ${wanted} cache hits in a pass of ${calls.length} calls, saw ${timing.value}`);
      return (timing.seconds * 1e6) / calls.length;
    };
    const llmOn = (file: string, cacheMode: CacheMode) => {
      const store = openStore(path.join(dir, file));
      return { store, llm: createAppLlm({ endpoints: defaultSimEndpoints(), simSeed, store, cacheMode }) };
    };

    const warmLlm = createAppLlm({ endpoints: defaultSimEndpoints(), simSeed, cacheMode: 'off' });
    await warmUp(calls, (call) => callChallenger(warmLlm, call));
    const off = llmOn('off.sqlite', 'off');
    const offMicros = await runPass(off.llm, false);
    off.store.close();
    const on = llmOn('on.sqlite', 'use');
    const missMicros = await runPass(on.llm, false);
    // Replay in a fresh call path on the same store, as a resumed run would.
    const replay = createAppLlm({ endpoints: defaultSimEndpoints(), simSeed, store: on.store, cacheMode: 'use' });
    const hitMicros = await runPass(replay, true);
    on.store.close();

    const note = `${calls.length} challenger calls, one at a time, SQLite store`;
    return [
      { id: 'callPath.cacheOff.microsPerCall', section: 'call path', label: 'call path, cache off', value: offMicros, unit: 'µs/call', note },
      { id: 'callPath.cacheMiss.microsPerCall', section: 'call path', label: 'call path, cache on (miss)', value: missMicros, unit: 'µs/call', note },
      { id: 'callPath.cacheHit.microsPerCall', section: 'call path', label: 'call path, cache hit (replay)', value: hitMicros, unit: 'µs/call', note },
      { id: 'callPath.hitOverMiss', section: 'call path', label: 'cache hit / cache miss', value: ratio(hitMicros, missMicros), unit: '×', note: 'lower is better' },
      {
        id: 'callPath.offOverSimFetch',
        section: 'call path',
        label: 'call path (cache off) / bare sim fetch',
        value: ratio(offMicros, simFetchMicros),
        unit: '×',
        note: 'cost of client, limiter, retry and validation',
      },
    ];
  });
}

function callChallenger(llm: Llm, call: ChallengerCall) {
  return llm.structured({
    role: 'challenger',
    messages: call.messages,
    seed: call.seed,
    schemaName: CHALLENGER_SCHEMA_NAME,
    schema: challengerExampleSchema,
  });
}

async function timedMicrosPerCall(calls: ChallengerCall[], perform: (call: ChallengerCall) => Promise<void>): Promise<number> {
  const { seconds } = await timed(async () => {
    for (const call of calls) await perform(call);
  });
  return (seconds * 1e6) / calls.length;
}

async function warmUp(calls: ChallengerCall[], perform: (call: ChallengerCall) => Promise<unknown>): Promise<void> {
  for (const call of calls.slice(0, WARM_UP_CALLS)) await perform(call);
}

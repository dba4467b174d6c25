// Composition root for the call path: an endpoint whose baseURL starts with sim:// is served by the
// in-process sim; every other endpoint by the global fetch. The only place outside src/sim and
// src/lab that imports the sim.
import { isSimEndpoint, type Endpoint, type Endpoints } from '../config/endpoints.ts';
import type { CacheMode } from '../llm/call-cache.ts';
import { createLlm, type CreateLlmOptions, type SharedCallResources } from '../llm/create-llm.ts';
import type { Llm } from '../llm/types.ts';
import { createSimFetch, type FaultSpec } from '../sim/index.ts';
import type { Store } from '../store/index.ts';

export interface AppLlmOptions {
  endpoints: Endpoints;
  store?: Store;
  /** Seed of the in-process sim (ignored when no endpoint is a sim:// one). */
  simSeed: number;
  cacheMode?: CacheMode;
  log?: CreateLlmOptions['log'];
  /** Limiters (and optionally a call cache) shared by the runs of this process, e.g. an ablation's cells. */
  shared?: SharedCallResources;
  /** Faults the in-process sim injects (e.g. from `--fault`, parsed by the sim's parseFaultOption); default none. */
  simFaults?: FaultSpec[];
}

export function createAppLlm(options: AppLlmOptions): Llm {
  return createLlm({
    endpoints: options.endpoints,
    fetchFor: appFetchFor(options.simSeed, options.simFaults, simModels(options.endpoints)),
    ...(options.store ? { store: options.store } : {}),
    ...(options.cacheMode ? { cacheMode: options.cacheMode } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.shared ? { limiterRegistry: options.shared.limiterRegistry } : {}),
    ...(options.shared?.cacheDb ? { sharedCacheDb: options.shared.cacheDb } : {}),
  });
}

/**
 * One sim fetch shared by every sim:// endpoint (created on first use); undefined = global fetch.
 * The faults are checked here, at once, so a bad spec fails before the run starts. `servedModels`
 * (the sim:// endpoints' model names, serving options included) are listed by its /models.
 */
export function appFetchFor(
  simSeed: number,
  simFaults: FaultSpec[] = [],
  servedModels: string[] = [],
): (endpoint: Endpoint) => typeof fetch | undefined {
  const create = () => createSimFetch({ seed: simSeed, faults: simFaults, servedModels });
  let simFetch: typeof fetch | undefined = simFaults.length > 0 ? create() : undefined;
  return (endpoint) => {
    if (!isSimEndpoint(endpoint)) return undefined;
    simFetch ??= create();
    return simFetch;
  };
}

/** The model names of the sim:// endpoints, each once. */
export function simModels(endpoints: Pick<Endpoints, 'roles'>): string[] {
  return [...new Set(Object.values(endpoints.roles).filter(isSimEndpoint).map((endpoint) => endpoint.model))];
}

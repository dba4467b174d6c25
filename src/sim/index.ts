// The simulated lab's public API. Nothing outside src/sim imports anything else from here.
//
// Over HTTP:   const server = await startSimServer({ seed: 1 });  new OpenAI({ baseURL: server.baseURL, ... })
// In process:  new OpenAI({ baseURL: 'sim://local/v1', apiKey: 'sim', fetch: createSimFetch({ seed: 1 }) })
// Replies are a pure function of (sim seed, model, canonical request body, request `seed`).
export type {
  FaultKind,
  FaultSpec,
  LatencyModel,
  LatencyProfile,
  MalformedShape,
  SimDocument,
  SimHandler,
  SimHttpResponse,
  SimOptions,
  SimServer,
  SimServerStats,
} from './types.ts';
export { createSimHandler, SIM_MODELS } from './handler.ts';
export { createSimFetch } from './sim-fetch.ts';
export { startSimServer } from './server.ts';
export { generateSimCorpus, writeSimCorpus } from './corpus.ts';
export { generateVerifiableCorpus } from './verifiable-corpus.ts';
export { defaultLatencyModel } from './latency.ts';
export { FAULT_KINDS, FAULT_OPTION_SYNTAX, MALFORMED_SHAPES, parseFaultOption } from './faults.ts';
export type { Persona, PersonaContext, SimReply, SimRequest } from './personas/index.ts';

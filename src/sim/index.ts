// The simulated lab's public API. Nothing outside src/sim imports anything else from here.
//
// Over HTTP:   const server = await startSimServer({ seed: 1 });  new OpenAI({ baseURL: server.baseURL, ... })
// In process:  new OpenAI({ baseURL: 'sim://local/v1', apiKey: 'sim', fetch: createSimFetch({ seed: 1 }) })
// Replies are a pure function of (sim seed, model, canonical request body, request `seed`); a
// seedless request also of how often this sim has served it before (samples.ts). Only the usage's
// prompt_tokens_details.cached_tokens depends on the prompts served before (prefix-cache.ts). A model name may
// carry serving options, e.g. `sim-weak?reasoning=field&context=8192` (serving-options.ts).
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
export { generateLegalCorpus } from './legal-corpus.ts';
export { defaultLatencyModel } from './latency.ts';
export { parseServedModel, REASONING_SHAPES, SERVING_OPTION_SYNTAX, type ReasoningShape, type ServingOptions } from './serving-options.ts';
export { FAULT_KINDS, FAULT_OPTION_SYNTAX, MALFORMED_SHAPES, parseFaultOption } from './faults.ts';
export type { Persona, PersonaContext, SimReply, SimRequest } from './personas/index.ts';

// `autodata doctor`: is each role's endpoint reachable, is its model listed, does it accept structured output?
import { z } from 'zod';
import type { Endpoint, Endpoints } from '../config/endpoints.ts';
import { LlmCallError } from '../errors.ts';
import { createLlm } from './create-llm.ts';
import { createTransport, type ListedModel } from './openai-transport.ts';
import { ROLES, type Llm } from './types.ts';

export interface EndpointCheck {
  role: Endpoint['role'];
  endpointId: string;
  baseURL: string;
  model: string;
  /** GET /models answered (any HTTP answer counts; a network error or timeout does not). */
  reachable: boolean;
  /** The model is in the /models list; undefined when the list could not be read. */
  modelListed: boolean | undefined;
  /** A tiny json_schema call came back valid; undefined when not tried. */
  structuredOutput: boolean | undefined;
  /** Latency of the structured call. */
  latencyMs: number | undefined;
  ok: boolean;
  /** What is wrong and what to do, in one line (only when !ok). */
  problem?: string;
}

export interface CheckEndpointsOptions {
  endpoints: Endpoints;
  fetchFor?: (endpoint: Endpoint) => typeof fetch | undefined;
  clock?: () => number;
}

const pingSchema = z.object({ ok: z.boolean() });
type ModelList = ListedModel[] | LlmCallError;

/** One check per role, in ROLES order, one role at a time (so a latency is not time spent queueing). */
export async function checkEndpoints(options: CheckEndpointsOptions): Promise<EndpointCheck[]> {
  const clock = options.clock ?? Date.now;
  const llm = createLlm({
    endpoints: options.endpoints,
    cacheMode: 'off',
    clock,
    ...(options.fetchFor ? { fetchFor: options.fetchFor } : {}),
  });
  // Roles on the same server with the same key share one /models request.
  const modelLists = new Map<string, Promise<ModelList>>();
  const listModels = (endpoint: Endpoint): Promise<ModelList> => {
    const key = `${endpoint.baseURL}\u0000${endpoint.apiKeyEnv ?? ''}`;
    let list = modelLists.get(key);
    if (!list) {
      const apiKey = options.endpoints.apiKey(endpoint.role);
      const transport = createTransport({ endpoint, apiKey, fetch: options.fetchFor?.(endpoint) });
      list = transport.listModels().catch((error: unknown) => {
        if (error instanceof LlmCallError) return error;
        throw error;
      });
      modelLists.set(key, list);
    }
    return list;
  };

  const checks: EndpointCheck[] = [];
  for (const role of ROLES) {
    const endpoint = options.endpoints.roles[role];
    checks.push(await checkRole(endpoint, await listModels(endpoint), llm, clock));
  }
  return checks;
}

async function checkRole(endpoint: Endpoint, listed: ModelList, llm: Llm, clock: () => number): Promise<EndpointCheck> {
  const { role } = endpoint;
  const base = { role, endpointId: endpoint.id, baseURL: endpoint.baseURL, model: endpoint.model };
  const notTried = { structuredOutput: undefined, latencyMs: undefined, ok: false };
  if (listed instanceof LlmCallError && listed.status === undefined) {
    const problem = `${listed.message}; start the server or fix endpoints.${role}.baseURL`;
    return { ...base, ...notTried, reachable: false, modelListed: undefined, problem };
  }
  if (Array.isArray(listed) && !listed.some((model) => model.id === endpoint.model)) {
    const names = listed.slice(0, 5).map((model) => model.id).join(', ') + (listed.length > 5 ? ', ...' : '');
    const problem = `model "${endpoint.model}" is not listed by ${endpoint.baseURL}/models (it lists: ${names || 'nothing'}); fix endpoints.${role}.model`;
    return { ...base, ...notTried, reachable: true, modelListed: false, problem };
  }

  const started = clock();
  const result = await llm.structured({
    role,
    schemaName: 'doctor_check',
    schema: pingSchema,
    seed: 1,
    temperature: 0,
    maxTokens: Math.min(endpoint.maxTokens, 256),
    messages: [{ role: 'user', content: 'This is a connection check. Reply with the JSON object {"ok": true} and nothing else.' }],
  });
  const latencyMs = clock() - started;

  const problems: string[] = [];
  if (listed instanceof LlmCallError) {
    const keyHint = listed.status === 401 || listed.status === 403 ? `; check the key in ${endpoint.apiKeyEnv ?? 'apiKeyEnv'}` : '';
    problems.push(`${listed.message}${keyHint}`);
  }
  if (!result.ok) {
    problems.push(`structured output failed (${result.failure.message}); use a server and model that accept response_format json_schema`);
  }
  return {
    ...base,
    reachable: true,
    modelListed: Array.isArray(listed) ? true : undefined,
    structuredOutput: result.ok,
    latencyMs,
    ok: problems.length === 0,
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
  };
}

// `autodata doctor`: per role, is the endpoint reachable and its model listed, and can it do what
// the role needs (structured output in some mode, tool calls for the main agent, the seed), does it
// reason, how large is its context window. One line per role; a failing role says what to fix.
import type { Endpoint, Endpoints } from '../config/endpoints.ts';
import { LlmCallError } from '../errors.ts';
import { canonicalJson } from '../util/hash.ts';
import { createTransport, type ListedModel, type Transport } from './openai-transport.ts';
import { probeSeed, probeStructured, probeTools, type Probe } from './probe-capabilities.ts';
import { ROLES, type Role, type StructuredMode } from './types.ts';

/** Roles whose replies are structured (JSON against a schema). */
export const STRUCTURED_ROLES: ReadonlySet<Role> = new Set(['challenger', 'qualityVerifier', 'judge', 'analyzer', 'implementer', 'taxonomist', 'learner', 'loopJudge']);
/** Roles that call tools (the agentic orchestrator's main agent). */
export const TOOL_ROLES: ReadonlySet<Role> = new Set(['mainAgent']);

export interface EndpointCheck {
  role: Role;
  endpointId: string;
  baseURL: string;
  model: string;
  /** GET /models answered (any HTTP answer counts; a network error or timeout does not). */
  reachable: boolean;
  /** The model is in the /models list; undefined when the list could not be read. */
  modelListed: boolean | undefined;
  /** accepted / rejected (answered only without it) / not-sent (sendSeed false); undefined when not learned. */
  seed: 'accepted' | 'rejected' | 'not-sent' | undefined;
  /** Structured roles: the mode that worked, false when none did; undefined for free-text roles or when not learned. */
  structuredOutput: StructuredMode | false | undefined;
  /** Modes refused before the one that worked (auto steps down past them). */
  structuredRefused: StructuredMode[];
  /** The main agent: the tool_choice under which the model called the tool, false when it would not; undefined for other roles. */
  toolCalls: 'auto' | 'required' | false | undefined;
  /** The check's reply carried reasoning (a reasoning field or think tags), separated from the answer. */
  reasoning: boolean | undefined;
  /** From the role's contextWindow setting, else the server's model listing; undefined when neither says. */
  contextWindow: { tokens: number; source: 'setting' | 'server' } | undefined;
  /** Latency of the first check request. */
  latencyMs: number | undefined;
  ok: boolean;
  /** What is wrong and what to do, in one line (only when !ok). */
  problem?: string;
  /**
   * The part of `problem` that is a verdict on the configuration (a model not listed, a refused seed,
   * structured-output mode or tool call, a context window larger than the server's), not an outage:
   * a run stops on it before any paid work.
   */
  refusal?: string;
}

export interface CheckEndpointsOptions {
  endpoints: Endpoints;
  fetchFor?: (endpoint: Endpoint) => typeof fetch | undefined;
  clock?: () => number;
  /** Only these roles (default: all). */
  roles?: readonly Role[];
}

type ModelList = ListedModel[] | LlmCallError;
/** `verdict`: the server refused something the configuration asks for (as opposed to not answering). */
interface Problem {
  text: string;
  verdict: boolean;
}
type Capabilities = Omit<EndpointCheck, 'role' | 'endpointId' | 'baseURL' | 'model' | 'reachable' | 'modelListed' | 'contextWindow'> & {
  problems: Problem[];
};

/**
 * One check per role, in ROLES order. Roles with the same endpoint settings and needs share one set
 * of probes; the roles run at once (a reasoning model's check can take a while).
 */
export async function checkEndpoints(options: CheckEndpointsOptions): Promise<EndpointCheck[]> {
  const clock = options.clock ?? Date.now;
  const transportFor = (endpoint: Endpoint): Transport =>
    createTransport({ endpoint, apiKey: options.endpoints.apiKey(endpoint.role), fetch: options.fetchFor?.(endpoint) });
  // Roles on the same server with the same key share one /models request.
  const modelLists = new Map<string, Promise<ModelList>>();
  const listModels = (endpoint: Endpoint): Promise<ModelList> => {
    const key = `${endpoint.baseURL}\u0000${endpoint.apiKeyEnv ?? ''}`;
    let list = modelLists.get(key);
    if (!list) {
      list = transportFor(endpoint)
        .listModels()
        .catch((error: unknown) => {
          if (error instanceof LlmCallError) return error;
          throw error;
        });
      modelLists.set(key, list);
    }
    return list;
  };
  const probes = new Map<string, Promise<Capabilities>>();
  const capabilitiesOf = (endpoint: Endpoint): Promise<Capabilities> => {
    const { role, ...settings } = endpoint;
    const key = canonicalJson({ settings, apiKey: options.endpoints.apiKey(role) ?? '', structured: STRUCTURED_ROLES.has(role), tools: TOOL_ROLES.has(role) });
    let found = probes.get(key);
    if (!found) {
      found = probeCapabilities(endpoint, transportFor(endpoint), clock);
      probes.set(key, found);
    }
    return found;
  };

  return Promise.all(
    (options.roles ?? ROLES).map(async (role) => {
      const endpoint = options.endpoints.roles[role];
      return checkRole(endpoint, await listModels(endpoint), capabilitiesOf);
    }),
  );
}

async function checkRole(
  endpoint: Endpoint,
  listed: ModelList,
  capabilitiesOf: (endpoint: Endpoint) => Promise<Capabilities>,
): Promise<EndpointCheck> {
  const { role } = endpoint;
  const base = { role, endpointId: endpoint.id, baseURL: endpoint.baseURL, model: endpoint.model };
  const notLearned = {
    seed: undefined,
    structuredOutput: undefined,
    structuredRefused: [],
    toolCalls: undefined,
    reasoning: undefined,
    latencyMs: undefined,
    ok: false,
  };
  const configuredWindow = endpoint.contextWindow !== undefined ? { tokens: endpoint.contextWindow, source: 'setting' as const } : undefined;
  if (listed instanceof LlmCallError && listed.status === undefined) {
    const problem = `${listed.message}; start the server or fix endpoints.${role}.baseURL`;
    return { ...base, ...notLearned, reachable: false, modelListed: undefined, contextWindow: configuredWindow, problem };
  }
  const entry = Array.isArray(listed) ? listed.find((model) => model.id === endpoint.model) : undefined;
  if (Array.isArray(listed) && !entry) {
    const names = listed.slice(0, 5).map((model) => model.id).join(', ') + (listed.length > 5 ? ', ...' : '');
    const problem = `model "${endpoint.model}" is not listed by ${endpoint.baseURL}/models (it lists: ${names || 'nothing'}); fix endpoints.${role}.model`;
    return { ...base, ...notLearned, reachable: true, modelListed: false, contextWindow: configuredWindow, problem, refusal: problem };
  }

  const { problems: found, ...capabilities } = await capabilitiesOf(endpoint);
  const problems = [...found];
  if (listed instanceof LlmCallError) {
    const keyHint = listed.status === 401 || listed.status === 403 ? `; check the key in ${endpoint.apiKeyEnv ?? 'apiKeyEnv'}` : '';
    problems.unshift({ text: `${listed.message}${keyHint}`, verdict: false });
  }
  const serverWindow = entry?.contextWindow;
  if (configuredWindow && serverWindow !== undefined && configuredWindow.tokens > serverWindow) {
    problems.push({
      text: `contextWindow ${configuredWindow.tokens} is larger than the server's ${serverWindow}; lower endpoints.${role}.contextWindow or remove it`,
      verdict: true,
    });
  }
  const verdicts = problems.filter((problem) => problem.verdict).map((problem) => problem.text);
  const contextWindow = configuredWindow ?? (serverWindow !== undefined ? { tokens: serverWindow, source: 'server' as const } : undefined);
  return {
    ...base,
    reachable: true,
    modelListed: Array.isArray(listed) ? true : undefined,
    contextWindow,
    ...capabilities,
    ok: problems.length === 0,
    ...(problems.length > 0 ? { problem: problems.map((problem) => problem.text).join('; ') } : {}),
    ...(verdicts.length > 0 ? { refusal: verdicts.join('; ') } : {}),
  };
}

/** The probes a role needs, each failure turned into a one-line fix naming the role's setting. */
async function probeCapabilities(endpoint: Endpoint, transport: Transport, clock: () => number): Promise<Capabilities> {
  const { role } = endpoint;
  const problems: Problem[] = [];
  const problem = (text: string, verdict: boolean) => problems.push({ text, verdict });
  const started = clock();
  const seedProbe = await probeSeed(transport, endpoint);
  const latencyMs = clock() - started;
  const result: Capabilities = {
    seed: undefined,
    structuredOutput: undefined,
    structuredRefused: [],
    toolCalls: undefined,
    reasoning: undefined,
    latencyMs,
    ok: false,
    problems,
  };
  if (seedProbe.status !== 'ok') {
    problem(`${seedProbe.status === 'refused' ? 'the server refused a plain request' : 'no answer'} (${seedProbe.message})`, false);
    return result;
  }
  const { seed, reply } = seedProbe.value;
  result.seed = seed;
  if (seed === 'rejected') problem(`the server rejects "seed"; set endpoints.${role}.sendSeed: false (samples stay apart in the cache)`, true);
  // With the seed settled, later probes send what the run will send.
  const asRun: Endpoint = seed === 'rejected' ? { ...endpoint, sendSeed: false } : endpoint;
  result.reasoning = reply.reasoning !== null && reply.reasoning.trim() !== '';
  if (!result.reasoning && /<\/think>|◁\/think▷/.test(reply.content ?? '')) {
    problem(`the answer still holds reasoning tags; set endpoints.${role}.reasoningTags (auto, or the model's { open, close })`, true);
  }
  if (reply.finishReason === 'length' && (reply.content ?? '').trim() === '') {
    problem(`a one-word check used up maxTokens ${endpoint.maxTokens} before answering; raise endpoints.${role}.maxTokens`, true);
  }

  if (STRUCTURED_ROLES.has(role)) {
    const structured = await probeStructured(transport, asRun);
    result.structuredOutput = structured.status === 'ok' ? structured.value.mode : false;
    if (structured.status === 'ok') result.structuredRefused = structured.value.refused;
    if (structured.status !== 'ok') problem(structuredProblem(asRun, structured), structured.status === 'refused');
  }
  if (TOOL_ROLES.has(role)) {
    const tools = await probeTools(transport, asRun);
    result.toolCalls = tools.status === 'ok' ? tools.value.toolChoice : false;
    if (tools.status === 'refused') {
      problem(
        `no tool calls (${tools.message}); start vLLM with --enable-auto-tool-choice --tool-call-parser NAME (SGLang: --tool-call-parser NAME), ` +
          'or set "orchestrator": "scripted" in the harness settings',
        true,
      );
    } else if (tools.status === 'unknown') {
      problem(`tool calls could not be checked (${tools.message})`, false);
    }
  }
  return result;
}

function structuredProblem(endpoint: Endpoint, probe: Exclude<Probe<unknown>, { status: 'ok' }>): string {
  const { role } = endpoint;
  if (probe.status === 'unknown') return `structured output could not be checked (${probe.message})`;
  if (endpoint.structuredOutput === 'auto') {
    return `the server refused every structured-output mode (json_schema, json_object, prompt; last: ${probe.message}); check the request it refuses`;
  }
  return `the server refuses structuredOutput ${endpoint.structuredOutput} (${probe.message}); set endpoints.${role}.structuredOutput: auto`;
}

/** The part of a doctor line after the status: what was learned, compactly. */
export function describeCapabilities(check: EndpointCheck): string {
  const parts: string[] = [check.modelListed === undefined ? 'model list unavailable' : 'model listed'];
  if (check.seed) parts.push(check.seed === 'accepted' ? 'seed ok' : check.seed === 'not-sent' ? 'seed not sent' : 'seed rejected');
  if (check.structuredOutput) {
    const refused = check.structuredRefused.length > 0 ? ` (${check.structuredRefused.join(', ')} refused)` : '';
    parts.push(`structured ${check.structuredOutput}${refused}`);
  }
  if (check.toolCalls) parts.push(check.toolCalls === 'auto' ? 'tool calls ok' : 'tool calls only when forced (required)');
  if (check.reasoning !== undefined) parts.push(check.reasoning ? 'reasoning separated' : 'no reasoning seen');
  parts.push(check.contextWindow ? `context ${check.contextWindow.tokens} (${check.contextWindow.source})` : 'context unknown');
  if (check.latencyMs !== undefined) parts.push(`${Math.round(check.latencyMs)} ms`);
  return parts.join(', ');
}

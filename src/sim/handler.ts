// The one request handler behind both transports (HTTP server and in-process fetch).
import seedrandom from 'seedrandom';
import { deriveSeed } from '../util/hash.ts';
import { applyContentFault, createFaultPlanner } from './faults.ts';
import { replyDelayMs, resolveLatencyModel, sleep } from './latency.ts';
import { createSimMemo, type SimMemo } from './memo.ts';
import { choosePersona, personas, type Persona, type SimReply } from './personas/index.ts';
import { createPrefixCache, servedModelKey, type PrefixCache } from './prefix-cache.ts';
import { chatCompletionBody, enforceMaxTokens, errorResponse, jsonResponse, parseChatRequest, promptText, SIM_MODELS, type ParsedChat } from './protocol.ts';
import { reasoningText, withReasoning, type ReasonedReply } from './reasoning.ts';
import { createSampleCounter, type Sample } from './samples.ts';
import { listedModels } from './serving-options.ts';
import { streamResponse } from './stream.ts';
import { enforceToolChoice } from './tool-choice.ts';
import type { FaultSpec, SimHandler, SimHttpResponse, SimOptions } from './types.ts';

export { SIM_MODELS };

const DEFAULT_RETRY_AFTER_MS = 100;
const DEFAULT_HANG_MS = 60_000;

export function createSimHandler(options: SimOptions): SimHandler {
  const simSeed = options.seed;
  const latencyModel = resolveLatencyModel(options.latency);
  const faultPlanner = createFaultPlanner(simSeed, options.faults ?? []);
  const personaList = options.personas ?? personas;
  // Pure analyses of texts this handler has seen (documents, prompts): the same ones recur every round.
  const memo = createSimMemo();
  const samples = createSampleCounter();
  const prefixCache = createPrefixCache(options.prefixCacheBlocks);
  const models = listedModels(options.servedModels).map(({ id, maxModelLen }) => ({
    id,
    object: 'model',
    created: 0,
    owned_by: 'autodata-sim',
    max_model_len: maxModelLen,
  }));

  return async (method, rawPath, body, signal) => {
    const path = rawPath.split('?')[0]?.replace(/\/+$/, '') ?? '';
    if (path === '/v1/models') {
      if (method.toUpperCase() !== 'GET') return methodNotAllowed(method, path);
      return jsonResponse(200, { object: 'list', data: models });
    }
    if (path !== '/v1/chat/completions') {
      return errorResponse(404, `Unknown route: ${method.toUpperCase()} ${path || '/'}`, {
        type: 'invalid_request_error',
        code: 'unknown_url',
      });
    }
    if (method.toUpperCase() !== 'POST') return methodNotAllowed(method, path);

    const parsed = parseChatRequest(body);
    if (!parsed.ok) {
      return errorResponse(parsed.status, parsed.message, { type: 'invalid_request_error', param: parsed.param, code: parsed.code ?? null });
    }
    const chat = parsed.chat;
    const request = chat.request;

    const fault = faultPlanner.decide(request);
    // Stall and reset are decided here but carried out by the transport, mid-body; the reply itself is the clean one.
    if (fault?.kind === '429') return rateLimited(fault);
    if (fault?.kind === '500') {
      return errorResponse(500, 'The sim failed on purpose (injected fault).', { type: 'server_error', code: 'sim_fault' });
    }
    // A faulted reply does not use up a sample: faults never change which replies succeed.
    const sample = samples.next(chat, fault === undefined);
    const cachedTokens = prefixCachedTokens(prefixCache, chat);

    let served: { reply: SimReply; reasoned?: ReasonedReply };
    try {
      served = answer(chat, sample, simSeed, personaList, memo, fault);
    } catch (error) {
      const persona = choosePersona(request, personaList).name;
      const reason = error instanceof Error ? error.message : String(error);
      return errorResponse(500, `Sim persona '${persona}' failed: ${reason}`, { type: 'server_error', code: 'persona_error' });
    }

    const completion = chatCompletionBody(chat, served.reply, simSeed, sample.tag, served.reasoned, cachedTokens);
    const response = chat.stream ? streamResponse(completion, chat.stream.includeUsage) : jsonResponse(200, completion);
    await sleep(replyDelayMs(latencyModel, request.model, completion.usage.completion_tokens), signal);
    // A hang answers eventually, long after any sensible client timeout.
    if (fault?.kind === 'hang') await sleep(fault.hangMs ?? DEFAULT_HANG_MS, signal);
    if (fault?.kind === 'stall' || fault?.kind === 'reset') return { ...response, interrupt: fault.kind };
    return response;
  };
}

/**
 * The reply: a pure function of (sim seed, base model, canonical request, sample). With a
 * reasoning option, the reasoning comes first and the answer is the plain model's.
 */
function answer(
  chat: ParsedChat,
  sample: Sample,
  simSeed: number,
  personaList: readonly Persona[],
  memo: SimMemo,
  fault: FaultSpec | undefined,
): { reply: SimReply; reasoned?: ReasonedReply } {
  const request = chat.request;
  const rng = seedrandom(String(deriveSeed(simSeed, request.model, request.canonical, sample.key)));
  const reply = enforceToolChoice(choosePersona(request, personaList).respond(request, { rng, simSeed, memo }), request, simSeed, sample.key);
  const within = (budget: number | undefined) => spoil(enforceMaxTokens(reply, budget), fault);
  // Without max_tokens, a server with a context window lets the reply fill what the prompt left.
  const budget = request.maxTokens ?? (chat.options.context !== undefined ? chat.options.context - chat.promptTokens : undefined);
  const shape = chat.options.reasoning;
  if (!shape) return { reply: within(budget) };
  const reasoned = withReasoning(shape, reasoningText(simSeed, request.model, request.canonical, sample.key), budget, within);
  return { reply: reasoned.reply, reasoned };
}

/** The prompt's tokens a prefix-caching server would not compute again; undefined with `cache=none`. */
function prefixCachedTokens(cache: PrefixCache, chat: ParsedChat): number | undefined {
  if (chat.options.cache === 'none') return undefined;
  return cache.serve(servedModelKey(chat.request.model, chat.options), promptText(chat.sent), chat.promptTokens);
}

function spoil(reply: SimReply, fault: FaultSpec | undefined): SimReply {
  if (fault && (fault.kind === 'malformed' || fault.kind === 'truncated' || fault.kind === 'empty')) return applyContentFault(fault, reply);
  return reply;
}

function rateLimited(fault: FaultSpec): SimHttpResponse {
  const retryAfterMs = fault.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  return errorResponse(429, 'Rate limit reached (injected by the sim); retry after the indicated delay.', {
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    headers: { 'retry-after-ms': String(retryAfterMs), 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
  });
}

function methodNotAllowed(method: string, path: string): SimHttpResponse {
  return errorResponse(405, `Method ${method.toUpperCase()} is not allowed on ${path}.`, {
    type: 'invalid_request_error',
    code: 'method_not_allowed',
  });
}

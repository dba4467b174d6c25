// The one request handler behind both transports (HTTP server and in-process fetch).
import seedrandom from 'seedrandom';
import { deriveSeed } from '../util/hash.ts';
import { applyContentFault, createFaultPlanner } from './faults.ts';
import { replyDelayMs, resolveLatencyModel, sleep } from './latency.ts';
import { createSimMemo, type SimMemo } from './memo.ts';
import { choosePersona, personas, type Persona, type SimReply, type SimRequest } from './personas/index.ts';
import {
  chatCompletionResponse,
  completionText,
  enforceMaxTokens,
  errorResponse,
  estimateTokens,
  jsonResponse,
  parseChatRequest,
  SIM_MODELS,
} from './protocol.ts';
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

  return async (method, rawPath, body, signal) => {
    const path = rawPath.split('?')[0]?.replace(/\/+$/, '') ?? '';
    if (path === '/v1/models') {
      if (method.toUpperCase() !== 'GET') return methodNotAllowed(method, path);
      return jsonResponse(200, {
        object: 'list',
        data: SIM_MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'autodata-sim' })),
      });
    }
    if (path !== '/v1/chat/completions') {
      return errorResponse(404, `Unknown route: ${method.toUpperCase()} ${path || '/'}`, {
        type: 'invalid_request_error',
        code: 'unknown_url',
      });
    }
    if (method.toUpperCase() !== 'POST') return methodNotAllowed(method, path);

    const parsed = parseChatRequest(body);
    if (!parsed.ok) return errorResponse(400, parsed.message, { type: 'invalid_request_error', param: parsed.param });
    const request = parsed.request;
    if (!(SIM_MODELS as readonly string[]).includes(request.model)) {
      return errorResponse(404, `The model '${request.model}' does not exist; the sim serves ${SIM_MODELS.join(', ')}.`, {
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
      });
    }

    const fault = faultPlanner.decide(request);
    // Stall and reset are decided here but carried out by the transport, mid-body; the reply itself is the clean one.
    if (fault?.kind === '429') return rateLimited(fault);
    if (fault?.kind === '500') {
      return errorResponse(500, 'The sim failed on purpose (injected fault).', { type: 'server_error', code: 'sim_fault' });
    }

    let reply: SimReply;
    try {
      reply = answer(request, simSeed, personaList, memo);
    } catch (error) {
      const persona = choosePersona(request, personaList).name;
      const reason = error instanceof Error ? error.message : String(error);
      return errorResponse(500, `Sim persona '${persona}' failed: ${reason}`, { type: 'server_error', code: 'persona_error' });
    }
    if (fault && (fault.kind === 'malformed' || fault.kind === 'truncated' || fault.kind === 'empty')) {
      reply = applyContentFault(fault, reply);
    }

    const response = chatCompletionResponse(request, reply, simSeed);
    await sleep(replyDelayMs(latencyModel, request.model, estimateTokens(completionText(reply))), signal);
    // A hang answers eventually, long after any sensible client timeout.
    if (fault?.kind === 'hang') await sleep(fault.hangMs ?? DEFAULT_HANG_MS, signal);
    if (fault?.kind === 'stall' || fault?.kind === 'reset') return { ...response, interrupt: fault.kind };
    return response;
  };
}

/** The reply content: a pure function of (sim seed, model, canonical request, request seed). */
function answer(request: SimRequest, simSeed: number, personaList: readonly Persona[], memo: SimMemo): SimReply {
  const rng = seedrandom(String(deriveSeed(simSeed, request.model, request.canonical, request.seed ?? 'none')));
  const reply = choosePersona(request, personaList).respond(request, { rng, simSeed, memo });
  return enforceMaxTokens(enforceToolChoice(reply, request, simSeed), request.maxTokens);
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

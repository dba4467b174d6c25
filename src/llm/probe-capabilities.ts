// What a role's endpoint can do, asked of the server itself with a few tiny requests: whether it
// takes `seed`, which structured-output mode it accepts, whether it calls a tool when the agent's
// tool_choice asks, whether its replies carry reasoning. One attempt per probe, no retries: a
// transport failure leaves the answer unknown, only a refusal (HTTP 400 / 422) is a verdict.
import { z } from 'zod';
import type { Endpoint } from '../config/endpoints.ts';
import { LlmCallError } from '../errors.ts';
import type { Transport, WireReply, WireRequest } from './openai-transport.ts';
import { NEXT_STRUCTURED_MODE, parseStructuredReply, structuredWire } from './structured.ts';
import { isRefusal } from './call-errors.ts';
import type { StructuredMode, ToolSpec } from './types.ts';
import { baseWire } from './wire-request.ts';

/** A probe's answer: the server did it, refused it (a verdict), or could not be asked (no verdict). */
export type Probe<T> =
  | { status: 'ok'; value: T }
  | { status: 'refused'; message: string }
  | { status: 'unknown'; message: string };

export interface SeedSupport {
  /** accepted: sent and answered; rejected: refused with it, answered without; not-sent: sendSeed is false. */
  seed: 'accepted' | 'rejected' | 'not-sent';
  /** The probe reply (reasoning detection reads it). */
  reply: WireReply;
}

export interface StructuredSupport {
  /** The first mode, in the order the setting allows, that the server accepted and answered validly. */
  mode: StructuredMode;
  /** Modes tried before it and refused. */
  refused: StructuredMode[];
}

export interface ToolSupport {
  /** auto: called the tool under tool_choice "auto" (what the agentic orchestrator sends); required: only when forced. */
  toolChoice: 'auto' | 'required';
}

const PING = 'This is a connection check. Reply with the single word: ready.';
const pingSchema = z.object({ ok: z.boolean() });
const STRUCTURED_PING = 'This is a connection check. Reply with the JSON object {"ok": true} and nothing else.';
const STATUS_TOOL: ToolSpec = {
  type: 'function',
  function: {
    name: 'report_status',
    description: 'Report that the connection check succeeded.',
    parameters: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
  },
};
const TOOL_PING = 'This is a connection check. Call the report_status tool with status "ready"; do not answer in text.';
async function attempt(transport: Transport, wire: WireRequest): Promise<Probe<WireReply>> {
  try {
    return { status: 'ok', value: await transport.complete(wire) };
  } catch (error) {
    if (!(error instanceof LlmCallError)) throw error;
    return { status: isRefusal(error) ? 'refused' : 'unknown', message: error.message };
  }
}

function wireFor(endpoint: Endpoint, content: string): WireRequest {
  // The role's own maxTokens: a reasoning model thinks before it answers even a check.
  return baseWire(endpoint, { messages: [{ role: 'user', content }], seed: 1, temperature: 0 });
}

/** A plain text request, with the seed when the role sends one; refused with it, tried again without. */
export async function probeSeed(transport: Transport, endpoint: Endpoint): Promise<Probe<SeedSupport>> {
  const first = await attempt(transport, wireFor(endpoint, PING));
  if (first.status === 'ok') return { status: 'ok', value: { seed: endpoint.sendSeed ? 'accepted' : 'not-sent', reply: first.value } };
  if (first.status === 'unknown' || !endpoint.sendSeed) return first;
  const withoutSeed = await attempt(transport, wireFor({ ...endpoint, sendSeed: false }, PING));
  if (withoutSeed.status === 'ok') return { status: 'ok', value: { seed: 'rejected', reply: withoutSeed.value } };
  return first;
}

/**
 * Structured output in the role's mode; for `auto`, json_schema, then json_object, then the prompt
 * alone, as the call path steps down. A mode that is accepted but answered with JSON that does not
 * validate is reported, not stepped past (the call path's repair and re-ask deal with that).
 */
export async function probeStructured(transport: Transport, endpoint: Endpoint): Promise<Probe<StructuredSupport>> {
  // auto: every mode in the order the call path steps down through them; otherwise the one mode set.
  const modes: StructuredMode[] = [];
  if (endpoint.structuredOutput !== 'auto') modes.push(endpoint.structuredOutput);
  else for (let mode: StructuredMode | undefined = 'json_schema'; mode; mode = NEXT_STRUCTURED_MODE[mode]) modes.push(mode);
  const refused: StructuredMode[] = [];
  let last: Probe<StructuredSupport> = { status: 'unknown', message: 'no mode tried' };
  for (const mode of modes) {
    const reply = await attempt(transport, structuredWire(wireFor(endpoint, STRUCTURED_PING), mode, 'doctor_check', pingSchema));
    if (reply.status === 'unknown') return reply;
    if (reply.status === 'refused') {
      refused.push(mode);
      last = { status: 'refused', message: reply.message };
      continue;
    }
    const parsed = parseStructuredReply(reply.value.content ?? '', pingSchema);
    if (parsed.ok) return { status: 'ok', value: { mode, refused } };
    const cut = reply.value.finishReason === 'length' ? ' (cut off at maxTokens)' : '';
    return { status: 'unknown', message: `${mode} was accepted but the reply did not validate${cut}: ${parsed.error.issues[0] ?? 'invalid'}` };
  }
  return last;
}

/** A tool call under tool_choice "auto" (what the agent sends); if the model answers in text, forced with "required". */
export async function probeTools(transport: Transport, endpoint: Endpoint): Promise<Probe<ToolSupport>> {
  const wire = (toolChoice: 'auto' | 'required'): WireRequest => ({ ...wireFor(endpoint, TOOL_PING), tools: [STATUS_TOOL], tool_choice: toolChoice });
  const called = (reply: WireReply) => reply.toolCalls.some((call) => call.function.name === STATUS_TOOL.function.name);
  const auto = await attempt(transport, wire('auto'));
  if (auto.status !== 'ok') return auto;
  if (called(auto.value)) return { status: 'ok', value: { toolChoice: 'auto' } };
  const required = await attempt(transport, wire('required'));
  if (required.status === 'ok' && called(required.value)) return { status: 'ok', value: { toolChoice: 'required' } };
  if (required.status === 'unknown') return required;
  return { status: 'refused', message: 'the model answered in text instead of calling the tool' };
}

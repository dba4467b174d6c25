// `tool_choice` as an OpenAI-compatible server honours it: "required" always calls a tool, a named
// function calls exactly that one, "none" never calls one (protocol.ts drops the tools for it).
// Personas decide what to say; this decides only whether the reply is a tool call and to which tool.
import seedrandom from 'seedrandom';
import type { ToolSpec } from '../llm/types.ts';
import { deriveSeed } from '../util/hash.ts';
import { generateFromSchema } from './personas/generic.ts';
import type { SimReply, SimRequest } from './personas/index.ts';

/** 'auto' (or absent): the persona decides. */
export type SimToolChoice = 'auto' | 'required' | { name: string };

/** The persona's reply, made to obey the request's tool_choice; `sampleKey` as in samples.ts. */
export function enforceToolChoice(reply: SimReply, request: SimRequest, simSeed: number, sampleKey: string = String(request.seed ?? 'none')): SimReply {
  const choice = request.toolChoice;
  const tools = request.tools ?? [];
  if (choice === undefined || choice === 'auto' || tools.length === 0) return reply;
  const calls = reply.toolCalls ?? [];
  if (choice === 'required') {
    if (calls.length > 0) return reply;
    return minimalCall(tools[0]!, request, simSeed, sampleKey);
  }
  const named = calls.filter((call) => call.name === choice.name);
  if (named.length > 0) return named.length === calls.length ? reply : { content: null, toolCalls: named };
  const tool = tools.find((candidate) => candidate.function.name === choice.name);
  // parseChatRequest refuses a named function that is not among the tools; this is only a guard.
  return tool ? minimalCall(tool, request, simSeed, sampleKey) : reply;
}

/**
 * A call to `tool` with only the required properties of its parameters schema, each a valid value.
 * Its own seeded PRNG: the persona's draws, and so its replies elsewhere, stay as they were.
 */
function minimalCall(tool: ToolSpec, request: SimRequest, simSeed: number, sampleKey: string): SimReply {
  const rng = seedrandom(String(deriveSeed(simSeed, 'tool-choice', tool.function.name, request.canonical, sampleKey)));
  const schema = tool.function.parameters;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : [];
  // One walk over a schema of the required properties alone (own keys only: the client wrote them).
  const requiredOnly = {
    type: 'object',
    properties: Object.fromEntries(required.map((key) => [key, Object.hasOwn(properties, key) ? properties[key] : {}])),
  };
  const args = generateFromSchema(requiredOnly, rng, { root: schema, key: undefined, depth: 0 });
  return { content: null, toolCalls: [{ name: tool.function.name, arguments: JSON.stringify(args) }] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

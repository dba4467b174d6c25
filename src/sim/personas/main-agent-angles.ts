// The sim main agent with parallel challengers: when the call_challenger tool offers `angles`
// (a harness with challengersPerRound > 1), every call_challenger it makes asks for as many drafts
// as the tool allows, each from a different angle. Without that parameter its replies are untouched.
import type { SimReply, SimRequest } from './index.ts';

/** Angles a person would try on a research paper, rotated from round to round. */
const ANGLES = [
  'what would change if one component of the method were taken away',
  'a trade-off the method makes and when it stops paying off',
  'a prediction for a setting the paper did not test',
  'why the method breaks down under one of its stated limitations',
  'how two parts of the method depend on each other',
  'which design choice matters most for the main result, and why',
  'what an alternative design would gain and lose',
  'a failure case and the mechanism behind it',
] as const;

/** The most angles the tool takes (its `maxItems`), or 0 when it offers none. */
function offeredAngles(request: SimRequest): number {
  const tool = request.tools?.find((entry) => entry.function.name === 'call_challenger');
  const properties = (tool?.function.parameters as { properties?: Record<string, { maxItems?: unknown }> } | undefined)?.properties;
  const maxItems = properties && Object.hasOwn(properties, 'angles') ? properties.angles?.maxItems : undefined;
  return typeof maxItems === 'number' && Number.isInteger(maxItems) ? Math.min(Math.max(maxItems, 0), ANGLES.length) : 0;
}

/** Rounds begun so far: the call_challenger calls in the conversation. */
function challengerCalls(request: SimRequest): number {
  return request.messages.filter((message) => message.role === 'assistant' && message.tool_calls?.some((call) => call.function.name === 'call_challenger')).length;
}

export function withAngles(request: SimRequest, reply: SimReply): SimReply {
  const count = offeredAngles(request);
  const call = reply.toolCalls?.[0];
  if (count < 2 || call?.name !== 'call_challenger') return reply;
  const offset = challengerCalls(request) * count;
  const angles = Array.from({ length: count }, (_, index) => ANGLES[(offset + index) % ANGLES.length]);
  const args = { ...(JSON.parse(call.arguments) as Record<string, unknown>), angles };
  return { ...reply, toolCalls: [{ name: call.name, arguments: JSON.stringify(args) }, ...(reply.toolCalls?.slice(1) ?? [])] };
}

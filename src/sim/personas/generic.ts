// The catch-all persona: schema-valid JSON for structured requests, a short paragraph otherwise.
// It knows no task; it exists so the call path can be exercised against any schema.
// The schema comes from whoever sent the request (`autodata sim serve` answers any client): its
// property names may be `__proto__` or `constructor`, so objects are built with own properties
// only, schemas are read with own-key checks, and a schema asking for a huge value is refused.
import { ownValue } from '../../util/own-property.ts';
import type { Persona, SimReply, SimRequest } from './index.ts';

type JsonSchema = Record<string, unknown>;
/** Any uniform [0, 1) source; personas pass their seeded PRNG. */
type Random = () => number;

const WORDS = [
  'signal', 'method', 'baseline', 'cache', 'shard', 'latency', 'budget', 'gradient', 'index', 'query',
  'model', 'trade-off', 'benchmark', 'schedule', 'variance', 'memory', 'throughput', 'error', 'sample', 'graph',
];

const SENTENCES = [
  'The simulated model read the request and answers in general terms.',
  'A careful reply would weigh the evidence before drawing a conclusion.',
  'The main point is that the effect depends on the setting in which it is measured.',
  'Several factors interact here, and none of them dominates on its own.',
  'The answer is tentative because the request gives little context.',
  'A smaller change would be easier to evaluate than a large one.',
  'The result should be checked against a second source before it is relied on.',
  'This is a generic reply from the simulated lab, not a real model.',
];

export const genericPersona: Persona = {
  name: 'generic',
  matches: () => true,
  respond(request: SimRequest, context): SimReply {
    if (request.responseFormat) {
      const root = asSchema(request.responseFormat.schema);
      const value = generateFromSchema(root, context.rng, { root, key: undefined, depth: 0 });
      return { content: JSON.stringify(value), finishReason: 'stop' };
    }
    const asked = askedTool(request);
    if (asked) {
      // Told in so many words to call an offered tool: a tool-calling model does (with valid arguments).
      const root = asSchema(asked.function.parameters);
      const args = generateFromSchema(root, context.rng, { root, key: undefined, depth: 0 });
      return { content: null, toolCalls: [{ name: asked.function.name, arguments: JSON.stringify(args) }] };
    }
    return { content: paragraph(context.rng), finishReason: 'stop' };
  },
};

/** The offered tool the last user message says to call ("Call the report_status tool ..."), if any. */
function askedTool(request: SimRequest): NonNullable<SimRequest['tools']>[number] | undefined {
  const last = [...request.messages].reverse().find((message) => message.role === 'user');
  const text = last?.content ?? '';
  return request.tools?.find((tool) => text.toLowerCase().includes(`call the ${tool.function.name.toLowerCase()} tool`));
}

function paragraph(rng: Random): string {
  const count = 2 + Math.floor(rng() * 3);
  const remaining = [...SENTENCES];
  const picked: string[] = [];
  for (let i = 0; i < count; i += 1) picked.push(...remaining.splice(Math.floor(rng() * remaining.length), 1));
  return picked.join(' ');
}

interface WalkState {
  root: JsonSchema;
  key: string | undefined;
  depth: number;
  /** Values and string characters still allowed in this reply; shared by the whole walk (made on first use). */
  budget?: { remaining: number };
}

/** A reply holds at most this many values plus string characters; a schema asking for more is refused. */
const MAX_REPLY_SIZE = 1_000_000;
/** Deeper nesting than this is refused (a recursive `$ref` whose objects never end). */
const MAX_DEPTH = 64;

/** Takes `amount` from the walk's budget; throws (the handler answers 500 persona_error) when the reply would be too large. */
function spend(state: WalkState, amount: number, reserveOnly = false): void {
  const budget = state.budget as { remaining: number };
  if (amount > budget.remaining || state.depth > MAX_DEPTH) {
    throw new Error(
      `the response_format schema asks for a reply larger than the sim writes (over ${MAX_REPLY_SIZE} values and characters, or nested over ${MAX_DEPTH} deep)`,
    );
  }
  if (!reserveOnly) budget.remaining -= amount;
}

/** A value valid against `schema` (the subset of JSON Schema that zod and OpenAI emit). */
export function generateFromSchema(schema: JsonSchema, rng: Random, walk: WalkState): unknown {
  const state: WalkState = walk.budget ? walk : { ...walk, budget: { remaining: MAX_REPLY_SIZE } };
  spend(state, 1);
  const resolved = resolveRef(schema, state.root);
  if (Object.hasOwn(resolved, 'const')) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return pick(resolved.enum, rng);
  const alternatives = (resolved.anyOf ?? resolved.oneOf) as unknown;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    // Prefer a non-null branch so optional fields still carry content.
    const nonNull = alternatives.map(asSchema).filter((branch) => branch.type !== 'null');
    const branch = pick(nonNull.length > 0 ? nonNull : alternatives.map(asSchema), rng);
    return generateFromSchema(branch, rng, state);
  }
  if (Array.isArray(resolved.allOf) && resolved.allOf.length > 0) {
    // Spread, not Object.assign: a part's own `__proto__` key stays a key instead of becoming the prototype.
    const merged = resolved.allOf.reduce<JsonSchema>((sum, part) => ({ ...sum, ...resolveRef(asSchema(part), state.root) }), {});
    return generateFromSchema(merged, rng, state);
  }
  switch (schemaType(resolved)) {
    case 'object':
      return generateObject(resolved, rng, state);
    case 'array':
      return generateArray(resolved, rng, state);
    case 'string':
      return generateString(resolved, rng, state);
    case 'integer':
      return generateNumber(resolved, rng, true);
    case 'number':
      return generateNumber(resolved, rng, false);
    case 'boolean':
      return rng() < 0.5;
    case 'null':
      return null;
    default:
      return unconstrainedValue(state, rng);
  }
}

function generateObject(schema: JsonSchema, rng: Random, state: WalkState): Record<string, unknown> {
  const properties = asSchema(ownValue(schema, 'properties'));
  const entries: Array<[string, unknown]> = [];
  for (const [key, propertySchema] of Object.entries(properties)) {
    entries.push([key, generateFromSchema(asSchema(propertySchema), rng, { ...state, key, depth: state.depth + 1 })]);
  }
  // Object.fromEntries defines own properties: a key named `__proto__` stays a key (assignment would set the prototype).
  return Object.fromEntries(entries);
}

function generateArray(schema: JsonSchema, rng: Random, state: WalkState): unknown[] {
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : minItems + 2;
  // Deep nesting shrinks arrays so recursive schemas terminate.
  const upper = state.depth > 4 ? minItems : Math.min(maxItems, minItems + 2);
  const length = minItems + Math.floor(rng() * (upper - minItems + 1));
  spend(state, length, true); // each item spends its own share; this refuses an impossible length up front
  const items = Array.isArray(schema.prefixItems) ? schema.prefixItems.map(asSchema) : [];
  const itemSchema = asSchema(schema.items);
  const values: unknown[] = [];
  for (let i = 0; i < Math.max(length, items.length); i += 1) {
    values.push(generateFromSchema(items[i] ?? itemSchema, rng, { ...state, depth: state.depth + 1 }));
  }
  return values;
}

function generateString(schema: JsonSchema, rng: Random, state: WalkState): string {
  const key = state.key;
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (format === 'date-time') return '2024-01-01T00:00:00Z';
  if (format === 'date') return '2024-01-01';
  if (format === 'email') return 'sim@example.com';
  if (format === 'uri' || format === 'url') return 'https://example.com/sim';
  if (format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  spend(state, Math.max(0, minLength));
  const wordCount = 2 + Math.floor(rng() * 5);
  const words: string[] = key ? [key.replace(/_/g, ' ')] : [];
  for (let i = 0; i < wordCount; i += 1) words.push(pick(WORDS, rng));
  let text = words.join(' ');
  while (text.length < minLength) text += ` ${pick(WORDS, rng)}`;
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}

function generateNumber(schema: JsonSchema, rng: Random, integer: boolean): number {
  let low = numberField(schema.minimum) ?? numberField(schema.exclusiveMinimum) ?? 0;
  let high = numberField(schema.maximum) ?? numberField(schema.exclusiveMaximum) ?? low + 10;
  // zod marks plain integers with the safe-integer range; keep values small and readable.
  if (low < -1000 && high > 1000) low = 0;
  if (high - low > 100) high = low + 100;
  const exclusiveLow = numberField(schema.exclusiveMinimum);
  const exclusiveHigh = numberField(schema.exclusiveMaximum);
  if (integer) {
    let lowInt = Math.ceil(low);
    let highInt = Math.floor(high);
    if (exclusiveLow !== undefined && lowInt <= exclusiveLow) lowInt = Math.floor(exclusiveLow) + 1;
    if (exclusiveHigh !== undefined && highInt >= exclusiveHigh) highInt = Math.ceil(exclusiveHigh) - 1;
    if (highInt < lowInt) return lowInt;
    const step = numberField(schema.multipleOf);
    const value = lowInt + Math.floor(rng() * (highInt - lowInt + 1));
    return step && step >= 1 ? Math.max(lowInt, Math.round(value / step) * step) : value;
  }
  const value = low + rng() * (high - low);
  const rounded = Math.round(value * 100) / 100;
  if (exclusiveLow !== undefined && rounded <= exclusiveLow) return (exclusiveLow + high) / 2;
  if (exclusiveHigh !== undefined && rounded >= exclusiveHigh) return (low + exclusiveHigh) / 2;
  return Math.min(Math.max(rounded, low), high);
}

/** A schema that allows anything ({}): numbers for numeric-sounding keys, text otherwise. */
function unconstrainedValue(state: WalkState, rng: Random): unknown {
  if (state.key && /weight|score|count|index|number/i.test(state.key)) return 1 + Math.floor(rng() * 9);
  return generateString({}, rng, state);
}

function schemaType(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((entry) => entry !== 'null') ?? type[0]) as string | undefined;
  if (schema.properties) return 'object';
  if (schema.items || schema.prefixItems) return 'array';
  return undefined;
}

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 20; hops += 1) {
    const ref = current.$ref as string;
    if (ref === '#') return root;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const segment of ref.slice(2).split('/')) {
      const decoded = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      // Own keys only: `#/constructor` or `#/__proto__` must not reach Object.prototype.
      target = target && typeof target === 'object' ? ownValue(target as Record<string, unknown>, decoded) : undefined;
    }
    const { $ref: _ignored, ...siblings } = current;
    current = { ...asSchema(target), ...siblings };
  }
  return current;
}

function asSchema(value: unknown): JsonSchema {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {};
}

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function pick<T>(items: readonly T[], rng: Random): T {
  return items[Math.floor(rng() * items.length)] as T;
}

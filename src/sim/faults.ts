// Fault injection. Which request is faulted is decided from hashes and a per-request occurrence
// count; the reply content itself never depends on this state.
import { ConfigError } from '../errors.ts';
import { deriveSeed, sha256Hex } from '../util/hash.ts';
import type { SimReply, SimRequest } from './personas/index.ts';
import { SIM_MODELS } from './protocol.ts';
import type { FaultSpec, MalformedShape } from './types.ts';

export const FAULT_KINDS = ['429', '500', 'hang', 'stall', 'reset', 'malformed', 'truncated', 'empty'] as const;
export const MALFORMED_SHAPES = ['fenced', 'trailing-comma', 'prose', 'string-weights', 'hopeless'] as const;

export interface FaultPlanner {
  /** Counts this arrival of the request and returns the fault it gets, if any. */
  decide(request: SimRequest): FaultSpec | undefined;
}

export function createFaultPlanner(simSeed: number, specs: readonly FaultSpec[]): FaultPlanner {
  specs.forEach(validateFaultSpec);
  // Keyed by a digest of the canonical request so memory stays small over long runs.
  const occurrences = new Map<string, number>();
  const faultedTimes = new Map<string, number>();
  return {
    decide(request) {
      if (specs.length === 0) return undefined;
      const digest = sha256Hex(request.canonical);
      const occurrence = occurrences.get(digest) ?? 0;
      occurrences.set(digest, occurrence + 1);
      for (const [specIndex, spec] of specs.entries()) {
        if (!appliesTo(spec, request)) continue;
        const countKey = `${specIndex}:${digest}`;
        const times = faultedTimes.get(countKey) ?? 0;
        if (spec.timesPerRequest !== undefined && times >= spec.timesPerRequest) continue;
        const draw = deriveSeed(simSeed, 'fault', specIndex, digest, occurrence) / 2 ** 32;
        if (draw >= (spec.rate ?? 1)) continue;
        faultedTimes.set(countKey, times + 1);
        return spec;
      }
      return undefined;
    },
  };
}

/** The grammar of `--fault`, for help texts and error messages. */
export const FAULT_OPTION_SYNTAX = 'KIND[/SHAPE][:RATE][@TARGET[,TARGET...]]';

/**
 * `KIND[/SHAPE][:RATE][@TARGET,...]`: KIND is one of FAULT_KINDS; SHAPE (malformed only) one of
 * MALFORMED_SHAPES (default fenced); RATE from 0 to 1 (default 1); each TARGET is a sim model
 * (sim-agent, sim-weak, sim-strong) or else a response_format schema name, and the fault hits
 * only requests for those. Examples: `429:0.2`, `reset:0.1@sim-weak`,
 * `malformed/hopeless:1@rubric_scores` (every rubric_scores reply unusable, re-asks included).
 */
export function parseFaultOption(text: string): FaultSpec {
  const wrong = (why: string) =>
    new ConfigError('--fault', `"${text}" is not ${FAULT_OPTION_SYNTAX}: ${why} (e.g. --fault 429:0.2 or --fault malformed/hopeless:1@rubric_scores)`);
  const at = text.indexOf('@');
  const head = at === -1 ? text : text.slice(0, at);
  const targets = at === -1 ? [] : text.slice(at + 1).split(',');
  const [kindAndShape = '', rateText, ...rest] = head.split(':');
  if (rest.length > 0) throw wrong('more than one ":"');
  const [kind = '', shape, ...extraShape] = kindAndShape.split('/');
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw wrong(`KIND must be one of ${FAULT_KINDS.join(', ')}`);
  if (extraShape.length > 0 || (shape !== undefined && kind !== 'malformed')) throw wrong('only malformed takes a /SHAPE');
  if (shape !== undefined && !(MALFORMED_SHAPES as readonly string[]).includes(shape)) {
    throw wrong(`SHAPE must be one of ${MALFORMED_SHAPES.join(', ')}`);
  }
  const rate = rateText === undefined ? 1 : Number(rateText);
  if (rateText === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigError('--fault', `rate "${rateText}" in "${text}" must be a number from 0 to 1`);
  }
  if (targets.some((target) => target.trim() === '')) throw wrong('a TARGET after "@" is empty');
  const models = targets.filter((target) => (SIM_MODELS as readonly string[]).includes(target));
  const schemaNames = targets.filter((target) => !(SIM_MODELS as readonly string[]).includes(target));
  // Both filters must match a request, so a mixed list would fault almost nothing.
  if (models.length > 0 && schemaNames.length > 0) throw wrong('TARGETs are all models or all schema names, not both');
  return {
    kind: kind as FaultSpec['kind'],
    rate,
    ...(shape !== undefined ? { malformedShape: shape as MalformedShape } : {}),
    ...(models.length > 0 ? { models } : {}),
    ...(schemaNames.length > 0 ? { schemaNames } : {}),
  };
}

/** Programming mistakes in a fault list fail at creation, naming the field, not silently later. */
function validateFaultSpec(spec: FaultSpec, index: number): void {
  const where = `sim.faults[${index}]`;
  if (!(FAULT_KINDS as readonly string[]).includes(spec.kind)) {
    throw new ConfigError(`${where}.kind`, `"${spec.kind}" is not one of ${FAULT_KINDS.join(', ')}`);
  }
  if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) {
    throw new ConfigError(`${where}.rate`, `${spec.rate} must be a number from 0 to 1`);
  }
  if (spec.timesPerRequest !== undefined && !(Number.isInteger(spec.timesPerRequest) && spec.timesPerRequest >= 0)) {
    throw new ConfigError(`${where}.timesPerRequest`, `${spec.timesPerRequest} must be a whole number of times`);
  }
  if (spec.malformedShape !== undefined && !(MALFORMED_SHAPES as readonly string[]).includes(spec.malformedShape)) {
    throw new ConfigError(`${where}.malformedShape`, `"${spec.malformedShape}" is not one of ${MALFORMED_SHAPES.join(', ')}`);
  }
}

function appliesTo(spec: FaultSpec, request: SimRequest): boolean {
  if (spec.models && !spec.models.includes(request.model)) return false;
  if (spec.schemaNames && !(request.responseFormat && spec.schemaNames.includes(request.responseFormat.name))) return false;
  return true;
}

/** The reply as a faulty model would have sent it (malformed, truncated or empty). */
export function applyContentFault(spec: FaultSpec, reply: SimReply): SimReply {
  const text = reply.content ?? reply.toolCalls?.map((call) => call.arguments).join('\n') ?? '';
  if (spec.kind === 'empty') return { content: '', finishReason: 'stop' };
  if (spec.kind === 'truncated') {
    const cut = Math.max(0, Math.min(text.length - 1, Math.floor(text.length / 2)));
    return { content: text.slice(0, cut), finishReason: 'length' };
  }
  if (spec.kind !== 'malformed') return reply;
  const shape = spec.malformedShape ?? 'fenced';
  if (reply.content === null && reply.toolCalls) {
    return { ...reply, toolCalls: reply.toolCalls.map((call) => ({ ...call, arguments: malform(call.arguments, shape) })) };
  }
  return { ...reply, content: malform(text, shape) };
}

export function malform(text: string, shape: MalformedShape): string {
  switch (shape) {
    case 'fenced':
      return `\`\`\`json\n${text}\n\`\`\``;
    case 'prose':
      return `Sure, here is the JSON you asked for:\n${text}\nI hope this matches what you need.`;
    case 'trailing-comma':
      return withTrailingCommas(text);
    case 'string-weights':
      return withStringWeights(text);
    case 'hopeless':
      return 'I am not able to put this into the requested format right now; the gist is that it depends on the setting.';
  }
}

function withTrailingCommas(text: string): string {
  const value = tryParse(text);
  if (value === undefined) return `${text},`;
  // In pretty JSON a newline followed by a closing bracket always ends a non-empty container.
  return JSON.stringify(value, null, 2).replace(/([^\s[{])(?=\n\s*[}\]])/g, '$1,');
}

/** Integer fields named `weight` become signed strings ("+8", "-3"), a classic rubric format error. */
function withStringWeights(text: string): string {
  const value = tryParse(text);
  if (value === undefined) return text;
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node as Record<string, unknown>).map(([key, child]) =>
          key === 'weight' && Number.isInteger(child) ? [key, (child as number) > 0 ? `+${child}` : String(child)] : [key, visit(child)],
        ),
      );
    }
    return node;
  };
  return JSON.stringify(visit(value));
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

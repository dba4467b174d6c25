// `--vary KEY=V1,V2`: which experiment settings an ablation varies, the matrix of arms they span,
// and each arm's experiment config (the base config with the arm's values set at dotted paths).
import { ConfigError } from '../errors.ts';
import { experimentSchema, parseExperiment, type ExperimentConfig } from '../config/experiment.ts';
import { hasOwnKey } from '../util/own-property.ts';

export interface VarySpec {
  key: string;
  values: unknown[];
}

export interface ArmSpec {
  id: string;
  label: string;
  values: Array<{ key: string; value: unknown }>;
}

/** Keys an ablation may not vary: they name the run or are the seeds axis itself. */
const NOT_VARIABLE = new Set(['name', 'seed', 'description']);
const KEY_SEGMENT = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * `outer.historyLimit=0,40` or `outer.parentSelection.kind=boltzmann,greedy`. A value is JSON when
 * it parses as JSON (numbers, booleans, null, objects, quoted strings), else the bare string; commas
 * inside brackets, braces or quotes do not split values.
 */
export function parseVary(text: string): VarySpec {
  const equals = text.indexOf('=');
  const key = equals === -1 ? '' : text.slice(0, equals).trim();
  if (equals === -1 || key === '') throw new ConfigError('--vary', `"${text}" is not KEY=V1,V2 (e.g. --vary outer.historyLimit=0,40)`);
  const segments = key.split('.');
  if (!segments.every((segment) => KEY_SEGMENT.test(segment))) {
    throw new ConfigError('--vary', `"${key}" is not a dotted key of the experiment config (e.g. outer.parentSelection.kind)`);
  }
  if (NOT_VARIABLE.has(key)) throw new ConfigError('--vary', `${key} cannot be varied (seeds go in --seeds; each cell is named by the ablation)`);
  const values = splitValues(text.slice(equals + 1)).map(parseValue);
  if (values.length === 0) throw new ConfigError('--vary', `"${text}" names no values after "="`);
  const distinct = new Set(values.map((value) => JSON.stringify(value)));
  if (distinct.size !== values.length) throw new ConfigError('--vary', `"${text}" repeats a value`);
  return { key, values };
}

function splitValues(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      current += char;
      if (char === '\\' && index + 1 < text.length) current += text[++index];
      else if (char === '"') quoted = false;
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === '[' || char === '{') depth += 1;
    else if (char === ']' || char === '}') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Every combination of the varied values, in the order given (the first key varies slowest). */
export function expandArms(vary: readonly VarySpec[]): ArmSpec[] {
  let combinations: Array<Array<{ key: string; value: unknown }>> = [[]];
  for (const spec of vary) {
    combinations = combinations.flatMap((combination) => spec.values.map((value) => [...combination, { key: spec.key, value }]));
  }
  return combinations.map((values, index) => ({
    id: `a${index + 1}`,
    label: values.length === 0 ? 'base' : values.map(({ key, value }) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', '),
    values,
  }));
}

/**
 * The base config with the arm's values set. A key must already exist in the (defaulted) base config,
 * or sit in an object that does; fields the new value makes invalid (e.g. `temperature` after
 * `parentSelection.kind` becomes `greedy`) are dropped, and defaults fill what the new kind needs.
 */
export function configForArm(base: ExperimentConfig, arm: ArmSpec, source: string): ExperimentConfig {
  let config = structuredClone(base) as Record<string, unknown>;
  for (const { key, value } of arm.values) config = setPath(config, key, value, base);
  return parseDroppingStrayFields(config, arm, source, base);
}

function setPath(config: Record<string, unknown>, key: string, value: unknown, base: ExperimentConfig): Record<string, unknown> {
  const segments = key.split('.');
  let node: Record<string, unknown> = config;
  for (const [depth, segment] of segments.slice(0, -1).entries()) {
    const next = hasOwnKey(node, segment) ? node[segment] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      throw unknownKey(key, segments.slice(0, depth + 1).join('.'), base);
    }
    node = next as Record<string, unknown>;
  }
  const leaf = segments.at(-1)!;
  // A new leaf is allowed (e.g. parentSelection.size with kind tournament); the schema judges it.
  node[leaf] = structuredClone(value);
  if (segments.length === 1 && !hasOwnKey(base as unknown as Record<string, unknown>, leaf)) throw unknownKey(key, key, base);
  return config;
}

function parseDroppingStrayFields(config: Record<string, unknown>, arm: ArmSpec, source: string, base: ExperimentConfig): ExperimentConfig {
  const varied = arm.values.map(({ key }) => key);
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const parsed = experimentSchema.safeParse(config);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      if (issue.code !== 'unrecognized_keys') continue;
      const parentPath = issue.path.map(String).join('.');
      const unknown = issue.keys.map((key) => (parentPath === '' ? key : `${parentPath}.${key}`)).find((key) => varied.includes(key));
      if (unknown) throw unknownKey(unknown, unknown, base);
    }
    const stray = strayFields(parsed.error.issues, config, varied);
    if (stray.length === 0) break;
    for (const { parent, key } of stray) delete parent[key];
  }
  try {
    return parseExperiment(config, source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError('--vary', `arm ${arm.id} (${arm.label}) is not a valid experiment: ${message}`);
  }
}

/** Unknown keys the schema reports in an object whose other key was varied (fields another variant took). */
function strayFields(
  issues: ReadonlyArray<{ code: string; path: PropertyKey[]; keys?: string[] }>,
  config: Record<string, unknown>,
  varied: readonly string[],
): Array<{ parent: Record<string, unknown>; key: string }> {
  const stray: Array<{ parent: Record<string, unknown>; key: string }> = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys' || !issue.keys) continue;
    const parentPath = issue.path.map(String).join('.');
    if (!varied.some((key) => key.startsWith(`${parentPath}.`))) continue;
    const parent = issue.path.reduce<unknown>(
      (node, segment) => (node && typeof node === 'object' && hasOwnKey(node as Record<string, unknown>, String(segment)) ? (node as Record<string, unknown>)[String(segment)] : undefined),
      config,
    );
    if (!parent || typeof parent !== 'object') continue;
    for (const key of issue.keys) {
      if (!varied.includes(`${parentPath}.${key}`) && hasOwnKey(parent as Record<string, unknown>, key)) stray.push({ parent: parent as Record<string, unknown>, key });
    }
  }
  return stray;
}

function unknownKey(key: string, missing: string, base: ExperimentConfig): ConfigError {
  const known = leafPaths(base as unknown as Record<string, unknown>);
  const nearest = known
    .map((candidate) => ({ candidate, distance: editDistance(candidate, key) }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
  return new ConfigError('--vary', `${key} is not in the experiment config (no ${missing}); nearest keys: ${nearest.join(', ')}`);
}

/** Every dotted path to a non-object value in the config. */
export function leafPaths(node: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? leafPaths(value as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

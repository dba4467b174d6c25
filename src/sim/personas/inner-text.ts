// Text helpers shared by the inner-loop personas: reading a rendered prompt (instructions vs
// tagged data), words, sentences, and the per-word difficulty every persona agrees on.
import type { SimRequest } from './index.ts';

const STOPWORDS = new Set(
  (
    'about above after again against among because been before being below between both could does doing during each ' +
    'every from further have having here itself just more most other ought same should some such than that their ' +
    'theirs them themselves then there these they this those through under until very were what when where which ' +
    'while whom will with within without would your yours into only also over onto upon across along paper authors ' +
    'section results result shows show shown using used uses approach method methods table figure based work study ' +
    'propose proposed present presents first second third while however therefore thus since whose many much like ' +
    'often less least either neither another several various given make makes made find found finds report reported'
  ).split(' '),
);

/** The last user message: the rendered prompt. */
export function promptText(request: SimRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role === 'user') return message.content;
  }
  return '';
}

/** The first user message (the main agent's prompt stays first while tool results follow). */
export function firstUserText(request: SimRequest): string {
  const message = request.messages.find((entry) => entry.role === 'user');
  return message?.role === 'user' ? message.content : '';
}

/** The content of `<name ...>...</name>` (the last one), or null when absent. */
export function tagContent(text: string, name: string): string | null {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>\\n?([\\s\\S]*?)\\n?</${name}>`, 'g');
  let found: string | null = null;
  for (const match of text.matchAll(pattern)) found = match[1] ?? '';
  return found;
}

export function tagAttribute(text: string, name: string, attribute: string): string | null {
  const match = new RegExp(`<${name}\\s[^>]*${attribute}="([^"]*)"`).exec(text);
  return match?.[1] ?? null;
}

/** The harness's own words: the prompt with every tagged data block removed. */
export function instructionText(text: string, tags: readonly string[]): string {
  let rest = text;
  for (const name of tags) rest = rest.replace(new RegExp(`<${name}(?:\\s[^>]*)?>[\\s\\S]*?</${name}>`, 'g'), ' ');
  return rest;
}

export function isContentWord(word: string): boolean {
  return word.length >= 5 && !STOPWORDS.has(word) && /^[a-z][a-z-]*[a-z]$/.test(word);
}

/** Lower-case content words in order of first appearance. */
export function contentWords(text: string): string[] {
  const seen = new Set<string>();
  // Every match already has the shape isContentWord checks for; only length and stopwords remain.
  for (const raw of text.toLowerCase().match(/[a-z][a-z-]*[a-z]/g) ?? []) {
    if (raw.length >= 5 && !STOPWORDS.has(raw)) seen.add(raw);
  }
  return [...seen];
}

export function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z0-9][a-z0-9.%-]*[a-z0-9%]|[a-z0-9]/g) ?? []);
}

export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"(])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/**
 * How hard a concept is for a solver, in [0, 1], from the word alone: the challenger, the solvers
 * and the oracle all derive it the same way, so depth is a property of the words a question hinges on.
 */
export function wordDifficulty(word: string): number {
  return (fnv1a(`concept-difficulty:${word}`) % 10007) / 10006;
}

/** FNV-1a, 32 bits: a cheap stable hash for per-word properties (sha256 per word is too slow here). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // A final avalanche so that similar words do not get similar values.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  return hash >>> 0;
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

export function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.floor(rng() * items.length) % items.length]!;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** A standard normal draw (Box-Muller) from a seeded uniform source. */
export function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function schemaName(request: SimRequest): string | undefined {
  return request.responseFormat?.name;
}

/** Whether the request's schema declares `property` (an own key: the schema is the client's, `properties` may be anything). */
export function schemaHasProperty(request: SimRequest, property: string): boolean {
  const schema = request.responseFormat?.schema;
  const properties = schema !== null && typeof schema === 'object' ? (schema as { properties?: unknown }).properties : undefined;
  return properties !== null && typeof properties === 'object' && Object.hasOwn(properties, property);
}

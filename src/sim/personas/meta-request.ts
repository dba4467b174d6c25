// Reading the outer loop's requests the way a model would: the tagged data inside the user
// messages (src/README.md, "The wire protocol"). Shared by the analyzer and implementer personas.
import type { SimRequest } from './index.ts';

/** The text of every user message, oldest first. */
export function userTexts(request: SimRequest): string[] {
  return request.messages.flatMap((message) => (message.role === 'user' && typeof message.content === 'string' ? [message.content] : []));
}

/**
 * The content of `<name ...>...</name>` in `text`, or undefined. The opening tag must start a line
 * (prose that mentions "<history>" mid-sentence is not data) and the LAST closing tag ends it, so
 * data that happens to contain a lookalike tag is not cut short. One newline on each side is the
 * framework's wrapping, not content.
 */
export function taggedSection(text: string, name: string): string | undefined {
  const opening = new RegExp(`(^|\\n)<${name}(\\s[^>\\n]*)?>`, 'g');
  const match = opening.exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].length;
  const end = text.lastIndexOf(`</${name}>`);
  if (end < start) return undefined;
  let content = text.slice(start, end);
  if (content.startsWith('\n')) content = content.slice(1);
  if (content.endsWith('\n')) content = content.slice(0, -1);
  return content;
}

/** The first user message that carries `<name>`, with the section's content. */
export function findSection(request: SimRequest, name: string): { messageIndex: number; content: string } | undefined {
  const texts = userTexts(request);
  for (let index = 0; index < texts.length; index += 1) {
    const content = taggedSection(texts[index] ?? '', name);
    if (content !== undefined) return { messageIndex: index, content };
  }
  return undefined;
}

/** `<file path="...">...</file>` blocks of the implementer's `<harness>`: path -> exact file text. */
export function parseHarnessFiles(harnessText: string): Map<string, string> {
  const files = new Map<string, string>();
  const pattern = /<file path="([^"]+)">\n?([\s\S]*?)\n?<\/file>/g;
  for (const match of harnessText.matchAll(pattern)) {
    const [, filePath, content] = match;
    if (filePath !== undefined && content !== undefined) files.set(filePath, content);
  }
  return files;
}

/** Does `needle` occur exactly once in `haystack`? (the framework's rule for a search text) */
export function occursOnce(haystack: string, needle: string): boolean {
  if (needle === '') return false;
  const first = haystack.indexOf(needle);
  return first !== -1 && haystack.indexOf(needle, first + 1) === -1;
}

export function pick<T>(items: readonly T[], rng: () => number): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rng() * items.length)] as T;
}

/** A seeded Fisher-Yates shuffle (returns a new array). */
export function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(rng() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

// How the sim implementer writes one search/replace block against the CURRENT text of a file:
// insert a sentence after an existing line, reword a line, or (on purpose) get the search wrong.
import { detectDirectives } from '../directives.ts';
import { occursOnce, pick } from './meta-request.ts';

export interface HarnessEdit {
  file: string;
  search: string;
  replace: string;
}

const BULLET = /^(\s*)(?:[-*+]|\d+[.)])\s/;
const HEADING = /^\s*#/;

/** Neutral sentences per role: they read like improvements but the directive detector matches none of them. */
export const NEUTRAL_SENTENCES: Record<'challenger' | 'qualityVerifier' | 'mainAgent', readonly string[]> = {
  challenger: [
    'Write in plain, direct language.',
    'Keep the context focused on the situation the question builds on.',
    'Make sure the question reads well on its own.',
    'Use the same terms in the context, the question and the reference answer.',
    'Each criterion should be one clear sentence.',
  ],
  qualityVerifier: [
    'Keep each reason short and concrete.',
    'Quote the part of the example that a reason refers to.',
    'Write the feedback so that the author can act on it directly.',
  ],
  mainAgent: [
    'Keep your notes short.',
    'Read each tool result carefully before the next call.',
    'Write instructions to the challenger in complete sentences.',
  ],
};

/** Word swaps for a neutral rewording of an existing line. */
const REWORDINGS: ReadonlyArray<[RegExp, string]> = [
  [/\bshould\b/, 'ought to'],
  [/\bdoes not\b/, "doesn't"],
  [/\ba few\b/, 'some'],
  [/\bsingle\b/, 'one'],
  [/\bmodel answer\b/, 'reference answer'],
  [/\bshort\b/, 'concise'],
  [/\bthat\b/, 'which'],
  [/\bgive\b/, 'provide'],
];

/**
 * Lines after which a sentence can be inserted: unique in the file, not a heading, no placeholder,
 * and ending a paragraph or list item (the next line is blank, a new item, a heading or the end).
 */
export function anchorLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.filter((line, index) => {
    if (line.trim() === '' || HEADING.test(line) || line.includes('{{') || !occursOnce(text, line)) return false;
    const next = lines[index + 1];
    return next === undefined || next.trim() === '' || BULLET.test(next) || HEADING.test(next);
  });
}

/** Inserts `sentence` after a seeded anchor line: as a sibling item inside a list, else appended to the paragraph. */
export function insertionEdit(file: string, text: string, sentence: string, rng: () => number, avoid: ReadonlySet<string> = new Set()): HarnessEdit | undefined {
  const anchors = anchorLines(text).filter((line) => !avoid.has(line));
  if (anchors.length === 0) return undefined;
  const anchor = pick(anchors, rng);
  const item = listItemIndent(text, anchor);
  const inserted = item === undefined ? sentence : `${item}- ${sentence}`;
  return { file, search: anchor, replace: `${anchor}\n${inserted}` };
}

/** A rewording of one line that changes words but no directive; undefined when no swap applies. */
export function rewordingEdit(file: string, text: string, rng: () => number): HarnessEdit | undefined {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.includes('{{') && occursOnce(text, line));
  const start = Math.floor(rng() * Math.max(lines.length, 1));
  for (let offset = 0; offset < lines.length; offset += 1) {
    const line = lines[(start + offset) % lines.length] as string;
    const swap = REWORDINGS.find(([pattern]) => pattern.test(line));
    if (!swap) continue;
    const reworded = line.replace(swap[0], swap[1]);
    if (!sameDirectives(line, reworded) || text.includes(reworded)) continue;
    return { file, search: line, replace: reworded };
  }
  return undefined;
}

/**
 * An edit whose search text is NOT in the file, the way a model gets it wrong: a line retyped with
 * its wrapping lost, a word dropped, or a paraphrase. Used on purpose to exercise the refusal path.
 */
export function malformedEdit(file: string, text: string, sentence: string, rng: () => number): HarnessEdit {
  const lines = text.split('\n');
  const wrapped = lines.findIndex((line, index) => line.trim() !== '' && (lines[index + 1] ?? '').trim() !== '' && !line.includes('{{'));
  const candidates: string[] = [];
  if (wrapped !== -1) candidates.push(`${lines[wrapped]} ${(lines[wrapped + 1] ?? '').trim()}`);
  const anchors = anchorLines(text);
  if (anchors.length > 0) {
    const words = pick(anchors, rng).split(' ');
    if (words.length > 3) candidates.push([...words.slice(0, 1), ...words.slice(2)].join(' '));
  }
  candidates.push('Follow the instructions above carefully and write the example.');
  const absent = candidates.filter((candidate) => !text.includes(candidate));
  const search = absent.length > 0 ? pick(absent, rng) : `${candidates[0]} (revised)`;
  return { file, search, replace: `${search}\n${sentence}` };
}

/** A tampering edit to a protected prompt, anchored on a placeholder that prompt must contain, so that only protection stops it. */
export function protectedFileEdit(file: string, placeholder: string, shownText: string | undefined, sentence: string, rng: () => number): HarnessEdit {
  if (shownText !== undefined) {
    const edit = insertionEdit(file, shownText, sentence, rng);
    if (edit) return edit;
  }
  return { file, search: placeholder, replace: `${placeholder}\n\n${sentence}` };
}

/** The indentation of the list item `anchor` belongs to, or undefined when it is plain paragraph text. */
function listItemIndent(text: string, anchor: string): string | undefined {
  const lines = text.split('\n');
  let index = lines.indexOf(anchor);
  while (index >= 0) {
    const line = lines[index] as string;
    if (line.trim() === '' || HEADING.test(line)) return undefined;
    const bullet = BULLET.exec(line);
    if (bullet) return bullet[1] ?? '';
    if (!/^\s/.test(line)) return undefined;
    index -= 1;
  }
  return undefined;
}

function sameDirectives(before: string, after: string): boolean {
  return detectDirectives(before).join(',') === detectDirectives(after).join(',');
}

/**
 * Removes the sentence that carries a directive (the first line matching one of `patterns`): the
 * sentence alone when the line holds more, the whole line when nothing else is left on it.
 */
export function removalEdit(file: string, text: string, patterns: readonly RegExp[]): HarnessEdit | undefined {
  const carries = (part: string) => patterns.some((pattern) => pattern.test(part));
  const line = text.split('\n').find(carries);
  if (line === undefined || line.includes('{{') || !occursOnce(text, line)) return undefined;
  const marker = BULLET.exec(line)?.[0] ?? '';
  const sentences = line.slice(marker.length).split(/(?<=[.!?])\s+/);
  const kept = sentences.filter((sentence) => !carries(sentence));
  if (kept.length > 0 && kept.length < sentences.length) return { file, search: line, replace: marker + kept.join(' ') };
  // Nothing else on the line: drop it together with one of its newlines.
  if (occursOnce(text, `${line}\n`)) return { file, search: `${line}\n`, replace: '' };
  if (occursOnce(text, `\n${line}`)) return { file, search: `\n${line}`, replace: '' };
  return undefined;
}

// Reading the sim's own written forms back: which terms a question, a context sentence or a rubric
// criterion names. A text written from a template is matched against it (so the template's words
// never count as terms); any other text is read with the keyphrase rule of inner-terms.ts, and
// falls back to plain content words when it has no multi-word term at all.
import { contentWords, sentences } from './inner-text.ts';
import { termsIn } from './inner-terms.ts';
import {
  CLAIM_CUES,
  CONTEXT_OPENING,
  LEAK_TEMPLATE,
  NEGATIVE_TEMPLATES,
  NUMBER_TEMPLATES,
  POSITIVE_TEMPLATES,
  QUESTION_FRAME_WORDS,
  QUESTION_TEMPLATES,
  SCENE_TEMPLATES,
  TEMPLATE_WORDS,
} from './inner-vocabulary.ts';

interface Matcher {
  pattern: RegExp;
  slots: string[];
}

function compile(template: string): Matcher {
  const slots: string[] = [];
  const source = template
    .split(/(\{[a-z]+\})/)
    .map((part) => {
      const slot = /^\{([a-z]+)\}$/.exec(part)?.[1];
      if (!slot) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      slots.push(slot);
      return '(.+?)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`, 'i'), slots };
}

const QUESTION_MATCHERS = Object.values(QUESTION_TEMPLATES).flat().map(compile);
const SCENE_MATCHERS = SCENE_TEMPLATES.map(compile);
const LEAK_MATCHER = compile(LEAK_TEMPLATE);
const OPENING_MATCHER = compile(CONTEXT_OPENING);
const CRITERION_MATCHERS = [...POSITIVE_TEMPLATES, ...NUMBER_TEMPLATES, ...NEGATIVE_TEMPLATES].map(compile);

function match(text: string, matchers: readonly Matcher[]): Map<string, string> | null {
  const flat = text.replace(/\s+/g, ' ').trim();
  for (const matcher of matchers) {
    const found = matcher.pattern.exec(flat);
    if (found) return new Map(matcher.slots.map((slot, index) => [slot, found[index + 1] ?? '']));
  }
  return null;
}

/** ["a", "b", "c"] -> "the a, the b and the c" (readList reads it back). */
export function writeList(terms: readonly string[]): string {
  const items = terms.map((term) => `the ${term}`);
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function readList(list: string): string[] {
  return list
    .split(/,\s*(?:and\s+)?|\s+and\s+/)
    .map((item) => item.trim().replace(/^the\s+/i, ''))
    .filter(Boolean);
}

/** Terms of free text: its multi-word terms, else its content words that are no template's words. */
function looseTerms(text: string): string[] {
  const terms = termsIn(text);
  if (terms.length > 0) return terms;
  return contentWords(text).filter((word) => !TEMPLATE_WORDS.has(word) && !QUESTION_FRAME_WORDS.has(word));
}

/** The terms a question names, in order. */
export function questionTerms(question: string): string[] {
  const slots = match(question, QUESTION_MATCHERS);
  if (!slots) return looseTerms(question);
  return [...new Set(['a', 'b', 'c', 'd'].map((slot) => slots.get(slot)).filter((term): term is string => Boolean(term)))];
}

export interface ContextReading {
  /** The paper's title from the opening sentence, when there is one. */
  title: string | null;
  /** Terms the context names in scene-setting sentences and in claims. */
  terms: string[];
  /** Terms the context makes a claim about (the finding stated): an answer can copy those. */
  claimed: Set<string>;
}

export function readContext(context: string): ContextReading {
  let title: string | null = null;
  const terms: string[] = [];
  const claimed = new Set<string>();
  for (const sentence of sentences(context)) {
    const opening = match(sentence, [OPENING_MATCHER]);
    if (opening) {
      title = opening.get('title') ?? null;
      continue;
    }
    const scene = match(sentence, SCENE_MATCHERS);
    if (scene) {
      terms.push(...readList(scene.get('list') ?? ''));
      continue;
    }
    const leak = match(sentence, [LEAK_MATCHER]);
    const claimTerms = leak ? readList(leak.get('list') ?? '') : CLAIM_CUES.test(sentence) ? termsIn(sentence) : [];
    for (const term of claimTerms) {
      terms.push(term);
      claimed.add(term.toLowerCase());
    }
  }
  return { title, terms: [...new Set(terms)], claimed };
}

export interface CriterionReading {
  terms: string[];
  numbers: string[];
}

/** What a rubric criterion asks an answer to mention: its terms and any reported number. */
export function readCriterion(criterion: string): CriterionReading {
  const slots = match(criterion, CRITERION_MATCHERS);
  if (slots) {
    const term = slots.get('t');
    const number = slots.get('n');
    return { terms: term ? [term] : [], numbers: number ? [number] : [] };
  }
  const numbers = criterion.match(/\b\d+(?:\.\d+)?(?:%|x)?(?=[\s,.;)]|$)/g) ?? [];
  return { terms: looseTerms(criterion), numbers };
}

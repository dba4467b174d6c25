// Latent properties of any document, derived deterministically from its text: its insights (the
// "Key findings" bullets when present, else sentences with mechanism words), the terms each
// insight rests on (multi-word names of methods, components, datasets and effects, as the
// document writes them), how deep each insight is, the numbers it quotes, its overall difficulty.
import { deriveSeed } from '../util/hash.ts';
import { contentWords, sentences } from './personas/inner-text.ts';
import { termDifficulty, termsIn } from './personas/inner-terms.ts';

export interface DocumentInsight {
  index: number;
  /** The finding in the document's own words (the key sentence an answer rests on). */
  text: string;
  /**
   * Terms of the finding and of the sentences that elaborate it, with their difficulty. A document
   * with too few multi-word terms (not a paper) adds their content words, as single-word terms.
   */
  terms: Array<{ term: string; difficulty: number }>;
  /** Mean difficulty of its terms: how deep the insight is. */
  depth: number;
  /** Experimental numbers quoted near the finding ("37.2%", "1.8x", "0.91"). */
  numbers: string[];
  /** Sentences that elaborate the finding (they share its concept words). */
  supportingSentences: string[];
}

export interface DocumentModel {
  seed: number;
  title: string;
  insights: DocumentInsight[];
  /** Sentences that mention no insight's key words: safe scene-setting for a context. */
  backgroundSentences: string[];
  /** Every prose sentence of the document (no headings, no table rows), in order. */
  sentences: string[];
  /** Every multi-word term of the document. */
  terms: string[];
  limitations: string[];
  numberCount: number;
  /** Mean insight depth, in [0, 1]. */
  difficulty: number;
}

const MECHANISM_WORDS = /\b(because|therefore|reduces?|increases?|improves?|causes?|leads? to|trade-?off|enables?|depends? on|results? in|drives?|limits?)\b/i;
const NUMBER_PATTERN = /\b\d+(?:\.\d+)?(?:%|x|\s?ms|\s?GB)?(?=[\s,.;)]|$)/g;

function section(text: string, heading: RegExp): string | null {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^#{1,4}\s/.test(line) && heading.test(line));
  if (start < 0) return null;
  const end = lines.findIndex((line, index) => index > start && /^#{1,4}\s/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

function bullets(block: string): string[] {
  return block
    .split('\n')
    .map((line) => /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line)?.[1]?.trim())
    .filter((line): line is string => Boolean(line && line.length > 10));
}

function numbersIn(text: string): string[] {
  return [...new Set((text.match(NUMBER_PATTERN) ?? []).map((number) => number.trim()).filter((number) => /[.%x]|\d\d/.test(number)))];
}

function titleOf(text: string, fallback: string): string {
  const heading = /^#\s+(.+)$/m.exec(text);
  return heading?.[1]?.trim() ?? fallback;
}

/** A document with fewer multi-word terms than this (not a paper) has its content words as terms. */
const MIN_TERMS = 12;

/** Builds the model of `text`; `title` is used when the text has no `# ` heading. */
export function documentModel(text: string, title = ''): DocumentModel {
  const seed = deriveSeed('document-model', text);
  const body = text.replace(/^<!--.*?-->\s*/s, '');
  const keyFindings = section(body, /key findings/i);
  const allSentences = sentences(body.replace(/^#.*$/gm, ' ').replace(/^\s*[-*+]\s+/gm, ''));
  const prose = sentences(body.replace(/^\s*(#|\|).*$/gm, ' ').replace(/^\s*[-*+]\s+/gm, ''));
  let findings = keyFindings ? bullets(keyFindings) : [];
  if (findings.length === 0) findings = allSentences.filter((sentence) => MECHANISM_WORDS.test(sentence)).slice(0, 8);
  if (findings.length === 0) findings = allSentences.slice(0, 4);
  if (findings.length === 0) findings = [title || 'The document describes one idea.'];

  // Words per sentence and difficulty per word are computed once: this runs on every challenger call.
  const sentenceWords = allSentences.map((sentence) => contentWords(sentence));
  const difficulties = new Map<string, number>();
  const difficultyOf = (term: string) => {
    let value = difficulties.get(term);
    if (value === undefined) difficulties.set(term, (value = termDifficulty(term)));
    return value;
  };
  const findingWords = findings.map((finding) => contentWords(finding));
  const sentenceTerms = allSentences.map((sentence) => termsIn(sentence));
  const documentTerms = [...new Map(sentenceTerms.flat().map((term) => [term.toLowerCase(), term])).values()];
  const wordsAsTerms = documentTerms.length < MIN_TERMS;
  const insights = findings.map((finding, index): DocumentInsight => {
    const own = findingWords[index]!;
    const ownSet = new Set(own);
    // A sentence elaborates the finding when it shares at least two of its concept words.
    const supportingSentences: string[] = [];
    const pool = new Map<string, string>();
    const add = (term: string) => {
      if (!pool.has(term.toLowerCase())) pool.set(term.toLowerCase(), term);
    };
    for (const term of termsIn(finding)) add(term);
    const words = new Set(own);
    for (let position = 0; position < allSentences.length; position += 1) {
      const sentence = allSentences[position]!;
      if (sentence === finding) continue;
      let shared = 0;
      for (const word of sentenceWords[position]!) if (ownSet.has(word) && (shared += 1) >= 2) break;
      if (shared < 2) continue;
      supportingSentences.push(sentence);
      for (const term of sentenceTerms[position]!) add(term);
      for (const word of sentenceWords[position]!) words.add(word);
    }
    if (wordsAsTerms) for (const word of words) add(word);
    // The same difficulty every persona derives from the term alone, memoised here.
    const terms = [...pool.values()].map((term) => ({ term, difficulty: difficultyOf(term) }));
    const depth = terms.length === 0 ? 0.5 : terms.reduce((sum, entry) => sum + entry.difficulty, 0) / terms.length;
    const numbers = numbersIn([finding, ...supportingSentences].join(' '));
    return { index, text: finding, terms, depth, numbers, supportingSentences };
  });

  // Background: prose that names none of the findings' own terms (nor, for a text without terms, their words).
  const keyTerms = new Set(findings.flatMap((finding) => termsIn(finding)).map((term) => term.toLowerCase()));
  const keyWords = new Set(findingWords.flat());
  const findingSet = new Set(findings);
  const backgroundSentences = prose.filter((sentence) => {
    if (sentence.length <= 30 || findingSet.has(sentence)) return false;
    if (keyTerms.size > 0) return termsIn(sentence).every((term) => !keyTerms.has(term.toLowerCase()));
    return contentWords(sentence).every((word) => !keyWords.has(word));
  });
  const limitationsBlock = section(body, /limitation/i);
  const limitations = limitationsBlock ? sentences(limitationsBlock.replace(/^\s*[-*+]\s+/gm, '')) : [];
  return {
    seed,
    title: titleOf(body, title || 'Untitled document'),
    insights,
    backgroundSentences,
    sentences: prose,
    terms: documentTerms,
    limitations,
    numberCount: numbersIn(body).length,
    difficulty: insights.reduce((sum, insight) => sum + insight.depth, 0) / insights.length,
  };
}

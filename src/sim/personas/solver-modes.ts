// The sim solver in the strong-solver modes that use the weak model (harness setting
// `strongSolver`, src/inner/strong-solver.ts), recognised from the prompt alone as a real model
// would see it:
// - a `<document>` in a solver prompt is privileged information: a concept the document names is
//   easier to cover (as if the solver were DOCUMENT_INSIGHT more capable on it);
// - an `<answers>` block asks for one answer written from several samples: the sim keeps the
//   sample that names the most of the concepts of the question and its context, sometimes adding a sentence from
//   another sample on a concept that one missed (so it covers about what the best sample covers);
//   in verifiable mode it takes the most frequent final answer.
import type { SimMemo } from '../memo.ts';
import { contentWords, instructionText, tagContent } from './inner-text.ts';
import { termDifficulty } from './inner-terms.ts';
import { normalizeAnswer, parseVerifiableProblem, solveVerifiable } from './inner-verifiable-solver.ts';
import { QUESTION_FRAME_WORDS, TEMPLATE_WORDS } from './inner-vocabulary.ts';
import type { SimReply, SimRequest } from './index.ts';
import type { SolverProfile } from './solver.ts';

/** What this file needs of the plain solver (passed in by solver.ts, which dispatches here). */
export interface PlainSolver {
  solverProfile(request: SimRequest, instructions: string, rng: () => number, memo: SimMemo): SolverProfile;
  writeRubricAnswer(context: string, question: string, profile: SolverProfile, rng: () => number, difficultyOf: (word: string) => number): string;
}

/** How much easier a concept becomes when the document in the prompt names it (capability units). */
export const DOCUMENT_INSIGHT = 0.15;
/** Chance that the aggregate adds another sample's sentence on a concept the kept sample missed. */
const MERGE_RATE = 0.3;

const ANSWER_BLOCK = /<answer index="(\d+)">\n?([\s\S]*?)\n?<\/answer>/g;
const FINAL_ANSWER = /final answer:\s*(.+)$/im;

/** The question's concepts, as the solver and judge personas read them. */
function questionConcepts(question: string): string[] {
  return contentWords(question).filter((word) => !TEMPLATE_WORDS.has(word) && !QUESTION_FRAME_WORDS.has(word));
}

function answerWithDocument(request: SimRequest, prompt: string, rng: () => number, memo: SimMemo, solver: PlainSolver): SimReply {
  const document = tagContent(prompt, 'document') ?? '';
  const context = tagContent(prompt, 'context') ?? '';
  const question = tagContent(prompt, 'question') ?? prompt;
  const profile = solver.solverProfile(request, instructionText(prompt, ['document', 'context', 'question']), rng, memo);
  const verifiable = solveVerifiable(question, profile.capability + DOCUMENT_INSIGHT, rng);
  if (verifiable !== null) return { content: verifiable };
  // A term (a word or a phrase, lower-cased) the document names is easier to cover.
  const named = document.toLowerCase();
  const difficultyOf = (term: string) => termDifficulty(term) - (named.includes(term) ? DOCUMENT_INSIGHT : 0);
  return { content: solver.writeRubricAnswer(context, question, profile, rng, difficultyOf) };
}

function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.trim() !== '');
}

function aggregate(prompt: string, rng: () => number): SimReply {
  const question = tagContent(prompt, 'question') ?? '';
  const answers = [...(tagContent(prompt, 'answers') ?? '').matchAll(ANSWER_BLOCK)].map((match) => match[2] ?? '');
  if (answers.length === 0) return { content: 'Final answer: I am not sure.' };
  if (parseVerifiableProblem(question)) {
    const votes = new Map<string, { answer: string; count: number }>();
    for (const answer of answers) {
      const final = FINAL_ANSWER.exec(answer)?.[1]?.trim();
      if (!final) continue;
      const key = normalizeAnswer(final);
      votes.set(key, { answer: final, count: (votes.get(key)?.count ?? 0) + 1 });
    }
    // Most votes first; a tie goes to the answer seen first (Map keeps insertion order).
    const best = [...votes.values()].reduce<{ answer: string; count: number } | undefined>((top, entry) => (!top || entry.count > top.count ? entry : top), undefined);
    return { content: `Comparing the ${answers.length} answers and checking the computation again.\nFinal answer: ${best?.answer ?? 'I am not sure.'}` };
  }
  // What the question and its context name: what an answer is judged on.
  const concepts = [...new Set([...questionConcepts(question), ...questionConcepts(tagContent(prompt, 'context') ?? '')])];
  const covered = (text: string) => new Set(concepts.filter((word) => text.toLowerCase().includes(word)));
  const ranked = answers.map((text, index) => ({ text, index, covered: covered(text) })).sort((a, b) => b.covered.size - a.covered.size || a.index - b.index);
  const kept = ranked[0]!;
  const sentences = splitSentences(kept.text);
  const closing = sentences.length > 1 && /^final answer/i.test(sentences.at(-1) ?? '') ? sentences.pop()! : undefined;
  const added = new Set<string>();
  for (const other of ranked.slice(1)) {
    for (const sentence of splitSentences(other.text)) {
      const newConcepts = [...covered(sentence)].filter((word) => !kept.covered.has(word) && !added.has(word));
      if (newConcepts.length === 0 || rng() >= MERGE_RATE) continue;
      sentences.push(sentence);
      for (const word of newConcepts) added.add(word);
    }
  }
  return { content: [...sentences, ...(closing ? [closing] : [])].join(' ') };
}

/** The reply for a strong-mode prompt on the weak model, or null for an ordinary solver prompt. */
export function answerInStrongMode(request: SimRequest, prompt: string, rng: () => number, memo: SimMemo, solver: PlainSolver): SimReply | null {
  if (tagContent(prompt, 'answers') !== null) return aggregate(prompt, rng);
  if (tagContent(prompt, 'document') !== null) return answerWithDocument(request, prompt, rng, memo, solver);
  return null;
}

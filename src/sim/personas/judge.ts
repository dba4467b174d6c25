// The sim judge: `rubric_scores` scores each criterion 0/1 from the answer text alone (a little
// noise); `answer_verdict` compares a short answer with the reference. A negative criterion is
// met when a sentence of the answer makes its claim about its concept, which is how a careful
// answer that mentions the wrong claim in passing gets penalized (the misfire the paper saw).
import { applyDirectives } from '../directives.ts';
import { contentWords, instructionText, promptText, schemaName, sentences, tagContent, wordSet } from './inner-text.ts';
import { NEGATIVE_MARKERS, TEMPLATE_WORDS } from './inner-vocabulary.ts';
import { normalizeAnswer } from './inner-verifiable-solver.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

const JUDGE_NOISE = 0.02;

interface RubricEntry {
  index: number;
  criterion: string;
  weight: number;
}

function conceptTerms(criterion: string): string[] {
  const numbers = criterion.match(/\b\d+(?:\.\d+)?(?:%|x)?(?=[\s,.;)]|$)/g) ?? [];
  return [...contentWords(criterion).filter((word) => !TEMPLATE_WORDS.has(word) && !NEGATIVE_MARKERS.some((marker) => marker.includes(word))), ...numbers];
}

/** 1 when the answer does what the criterion says (or, for a negative weight, makes the mistake). */
export function criterionMet(entry: RubricEntry, answer: string): { met: 0 | 1; reason: string } {
  const answerSentences = sentences(answer).map((sentence) => sentence.toLowerCase());
  const terms = conceptTerms(entry.criterion);
  if (terms.length === 0) return { met: 0, reason: 'The criterion names nothing the answer could be checked against.' };
  const marker = NEGATIVE_MARKERS.find((phrase) => entry.criterion.toLowerCase().includes(phrase));
  if (entry.weight < 0 && marker) {
    const hit = answerSentences.find((sentence) => sentence.includes(marker) && terms.some((term) => wordSet(sentence).has(term)));
    return hit ? { met: 1, reason: `The answer says that ${terms[0]} ${marker}.` } : { met: 0, reason: 'The answer does not make this mistake.' };
  }
  // A sentence that only asserts a wrong claim does not count as covering the concept.
  const supportive = answerSentences.filter((sentence) => !NEGATIVE_MARKERS.some((phrase) => sentence.includes(phrase) && !sentence.includes('needs care')));
  const words = wordSet(supportive.join(' '));
  const found = terms.filter((term) => words.has(term));
  const met = found.length / terms.length >= 0.7;
  if (entry.weight < 0) return met ? { met: 1, reason: `The answer brings up ${found.join(', ')}.` } : { met: 0, reason: 'The answer does not do this.' };
  return met ? { met: 1, reason: `The answer addresses ${found.join(', ')}.` } : { met: 0, reason: `The answer does not address ${terms.filter((term) => !words.has(term)).join(', ')}.` };
}

function parseRubric(text: string | null): RubricEntry[] {
  try {
    const parsed = JSON.parse(text ?? '[]') as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.map((item, offset) => {
      const record = (item ?? {}) as Record<string, unknown>;
      return { index: Number(record.index ?? offset + 1), criterion: String(record.criterion ?? ''), weight: Number(record.weight ?? 1) };
    });
  } catch {
    return [];
  }
}

export const judgePersona: Persona = {
  name: 'judge',
  matches: (request: SimRequest) => schemaName(request) === 'rubric_scores' || schemaName(request) === 'answer_verdict',
  respond(request: SimRequest, { rng }: PersonaContext) {
    const prompt = promptText(request);
    const answer = tagContent(prompt, 'answer') ?? '';
    if (schemaName(request) === 'answer_verdict') {
      const reference = normalizeAnswer(tagContent(prompt, 'reference_answer') ?? '');
      const finalLine = /final answer:\s*(.+)$/im.exec(answer)?.[1] ?? answer.trim().split('\n').pop() ?? '';
      const correct = reference.length > 0 && normalizeAnswer(finalLine) === reference;
      return { content: JSON.stringify({ correct, reason: correct ? 'The final answer equals the reference.' : 'The final answer differs from the reference.' }) };
    }
    const { judgeLeniency } = applyDirectives({ judgeLeniency: 0 }, instructionText(prompt, ['question', 'answer', 'rubric']), 'judge', rng);
    const scores = parseRubric(tagContent(prompt, 'rubric')).map((entry) => {
      let { met, reason } = criterionMet(entry, answer);
      if (rng() < JUDGE_NOISE) met = met === 1 ? 0 : 1;
      if (met === 0 && entry.weight > 0 && rng() < judgeLeniency) met = 1;
      return { index: entry.index, met, reason };
    });
    return { content: JSON.stringify({ scores }) };
  },
};

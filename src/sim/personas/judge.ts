// The sim judge: `rubric_scores` scores each criterion 0/1 from the answer text alone (a little
// noise); `answer_verdict` compares a short answer with the reference. A negative criterion is
// met when a sentence of the answer makes its claim about its concept, which is how a careful
// answer that mentions the wrong claim in passing gets penalized (the misfire the paper saw).
import { applyDirectives } from '../directives.ts';
import { instructionText, promptText, schemaName, sentences, tagContent } from './inner-text.ts';
import { mentions } from './inner-terms.ts';
import { readCriterion } from './inner-templates.ts';
import { NEGATIVE_MARKERS } from './inner-vocabulary.ts';
import { normalizeAnswer } from './inner-verifiable-solver.ts';
import { NO_MEMO } from '../memo.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

const JUDGE_NOISE = 0.02;

interface RubricEntry {
  index: number;
  criterion: string;
  weight: number;
}

/** The terms and numbers a criterion asks an answer to mention. */
function conceptTerms(criterion: string): string[] {
  const reading = readCriterion(criterion);
  return [...reading.terms, ...reading.numbers];
}

/** What every criterion is checked against: an answer's sentences, derived once per answer. */
export interface AnswerReading {
  /** Lower-cased sentences. */
  sentences: string[];
  /** The sentences that do not only assert a wrong claim, joined. */
  supportive: string;
}

export function readAnswer(answer: string): AnswerReading {
  const lowered = sentences(answer).map((sentence) => sentence.toLowerCase());
  // A sentence that only asserts a wrong claim does not count as covering the term.
  const supportive = lowered.filter((sentence) => !NEGATIVE_MARKERS.some((phrase) => sentence.includes(phrase) && !sentence.includes('needs care')));
  return { sentences: lowered, supportive: supportive.join(' ') };
}

/** 1 when the answer does what the criterion says (or, for a negative weight, makes the mistake). */
export function criterionMet(entry: RubricEntry, answer: string, reading: AnswerReading = readAnswer(answer)): { met: 0 | 1; reason: string } {
  const terms = conceptTerms(entry.criterion);
  if (terms.length === 0) return { met: 0, reason: 'The criterion names nothing the answer could be checked against.' };
  const marker = NEGATIVE_MARKERS.find((phrase) => entry.criterion.toLowerCase().includes(phrase));
  if (entry.weight < 0 && marker) {
    const hit = reading.sentences.find((sentence) => sentence.includes(marker) && terms.some((term) => mentions(sentence, term)));
    return hit ? { met: 1, reason: `The answer says that the ${terms[0]} ${marker}.` } : { met: 0, reason: 'The answer does not make this mistake.' };
  }
  const found = terms.filter((term) => mentions(reading.supportive, term));
  const met = found.length / terms.length >= 0.7;
  if (entry.weight < 0) return met ? { met: 1, reason: `The answer brings up ${found.join('; ')}.` } : { met: 0, reason: 'The answer does not do this.' };
  return met ? { met: 1, reason: `The answer addresses ${found.join('; ')}.` } : { met: 0, reason: `The answer does not address ${terms.filter((term) => !found.includes(term)).join('; ')}.` };
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
  respond(request: SimRequest, { rng, memo = NO_MEMO }: PersonaContext) {
    const prompt = promptText(request);
    const answer = tagContent(prompt, 'answer') ?? '';
    if (schemaName(request) === 'answer_verdict') {
      const reference = normalizeAnswer(tagContent(prompt, 'reference_answer') ?? '');
      const finalLine = /final answer:\s*(.+)$/im.exec(answer)?.[1] ?? answer.trim().split('\n').pop() ?? '';
      const correct = reference.length > 0 && normalizeAnswer(finalLine) === reference;
      return { content: JSON.stringify({ correct, reason: correct ? 'The final answer equals the reference.' : 'The final answer differs from the reference.' }) };
    }
    const { judgeLeniency } = applyDirectives({ judgeLeniency: 0 }, instructionText(prompt, ['question', 'answer', 'rubric']), 'judge', rng, memo);
    const reading = readAnswer(answer);
    const scores = parseRubric(tagContent(prompt, 'rubric')).map((entry) => {
      let { met, reason } = criterionMet(entry, answer, reading);
      if (rng() < JUDGE_NOISE) met = met === 1 ? 0 : 1;
      if (met === 0 && entry.weight > 0 && rng() < judgeLeniency) met = 1;
      return { index: entry.index, met, reason };
    });
    return { content: JSON.stringify({ scores }) };
  },
};

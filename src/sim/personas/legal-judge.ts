// The sim rubric judge on a legal rubric (criteria that cite `§ N`): each criterion is checked
// against the sentences of the answer, with a little noise. "States what § N provides" needs the
// rule stated, "Applies § N" the rule applied to these facts, "Treats § N as settling the matter"
// the misreading, "Concludes that X" the conclusion X.
import { promptText, schemaName, tagContent } from './inner-text.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

const JUDGE_NOISE = 0.02;

interface Criterion {
  index: number;
  criterion: string;
}

function readRubric(text: string): Criterion[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.map((item, offset) => {
      const record = (item ?? {}) as Record<string, unknown>;
      return { index: Number(record.index ?? offset + 1), criterion: String(record.criterion ?? '') };
    });
  } catch {
    return [];
  }
}

/** Sentences of an answer; one may open with a section sign, which the shared splitter does not expect. */
function answerSentencesOf(answer: string): string[] {
  return answer.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z0-9"(§])/).filter((sentence) => sentence.trim() !== '');
}

export function legalCriterionMet(criterion: string, answerSentences: readonly string[]): 0 | 1 {
  const section = /§ (\d+)/.exec(criterion)?.[1];
  const has = (...parts: string[]) => answerSentences.some((sentence) => parts.every((part) => sentence.includes(part)));
  if (criterion.startsWith('Concludes that ')) return has(`Conclusion: ${criterion.slice('Concludes that '.length).replace(/\.$/, '')}`) ? 1 : 0;
  if (section === undefined) return 0;
  if (criterion.startsWith('States what')) return has(`§ ${section} (`, 'provides that') ? 1 : 0;
  if (criterion.startsWith('Applies')) return has(`§ ${section} `, 'Applied to these facts') ? 1 : 0;
  if (criterion.startsWith('Treats')) return has(`§ ${section} `, 'settles the matter') ? 1 : 0;
  return 0;
}

export const legalJudgePersona: Persona = {
  name: 'legal-judge',
  matches: (request: SimRequest) => schemaName(request) === 'rubric_scores' && (tagContent(promptText(request), 'rubric') ?? '').includes('§ '),
  respond(request: SimRequest, { rng }: PersonaContext) {
    const prompt = promptText(request);
    const answerSentences = answerSentencesOf(tagContent(prompt, 'answer') ?? '');
    const scores = readRubric(tagContent(prompt, 'rubric') ?? '').map(({ index, criterion }) => {
      let met = legalCriterionMet(criterion, answerSentences);
      if (rng() < JUDGE_NOISE) met = met === 1 ? 0 : 1;
      return { index, met, reason: met === 1 ? 'The answer does this.' : 'The answer does not do this.' };
    });
    return { content: JSON.stringify({ scores }) };
  },
};

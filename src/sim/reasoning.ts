// A thinking model's reply: seeded reasoning text before the answer, in the shape a given server
// hands it over (tags in the content, or a message field). The reasoning is written to trip naive
// JSON extraction: it holds braces and a JSON-looking draft.
import seedrandom from 'seedrandom';
import { deriveSeed } from '../util/hash.ts';
import type { SimReply } from './personas/index.ts';
import { completionText, estimateTokens } from './protocol.ts';
import type { ReasoningShape } from './serving-options.ts';

const OPENERS = [
  'Let me think about what is being asked here.',
  'Okay, first I need to work out what the request really wants.',
  'Hmm, let me plan this before answering.',
];
const DRAFTS = [
  'Maybe {"draft": #}... no, that is not the shape they want.',
  'A first guess would be {"answer": "unsure", "confidence": 0.#}, but that is too vague.',
  'Something like [{"step": #}, {"step": 2}] could work... no, keep it simpler.',
];
const ASIDES = [
  'The set {a, b, c} covers the cases, and the braces { and } must still balance at the end.',
  'If x = {1, #} then there are two values to check, which fits.',
  'Careful: the example in the prompt is only an example, not the answer.',
  'The key point is the second one; the rest follows from it.',
];
const CLOSERS = ['That settles it; now the answer.', 'Good, I will write the final reply now.', 'Let me not overthink it and answer.'];

/** A few sentences: an opener, a JSON-looking draft, zero to two asides, a closer. */
export function reasoningText(simSeed: number, model: string, canonical: string, sampleKey: string): string {
  const rng = seedrandom(String(deriveSeed(simSeed, 'reasoning', model, canonical, sampleKey)));
  const pick = (items: readonly string[]) => items[Math.floor(rng() * items.length)]!;
  const number = () => String(1 + Math.floor(rng() * 9));
  const asides = [...ASIDES];
  for (let index = asides.length - 1; index > 0; index -= 1) {
    const other = Math.floor(rng() * (index + 1));
    [asides[index], asides[other]] = [asides[other]!, asides[index]!];
  }
  const sentences = [pick(OPENERS), pick(DRAFTS), ...asides.slice(0, Math.floor(rng() * 3)), pick(CLOSERS)];
  return sentences.map((sentence) => sentence.replace('#', number)).join(' ');
}

export interface ReasonedReply {
  /** The reply as sent: for the tag shapes, the content carries the reasoning block. */
  reply: SimReply;
  /** For the field shapes: the message field and its text. */
  field?: { name: 'reasoning' | 'reasoning_content'; text: string };
  completionTokens: number;
  reasoningTokens: number;
}

/** What comes before the answer in the content (tag shapes), or the field's text (field shapes). */
function reasoningPart(shape: ReasoningShape, text: string): string {
  switch (shape) {
    case 'think-tags':
      return `<think>\n${text}\n</think>\n\n`;
    case 'closing-tag':
      return `${text}\n</think>\n\n`;
    case 'kimi':
      return `◁think▷${text}◁/think▷`;
    case 'field':
    case 'field-legacy':
      return text;
  }
}

/**
 * Reasoning first, then the answer, within `maxTokens`: reasoning that fills the budget is cut and
 * no answer follows; otherwise the answer gets what is left. `answerWithin` makes the answer for a
 * budget (the plain model's reply, cut as the plain model would cut it, plus any content fault).
 */
export function withReasoning(
  shape: ReasoningShape,
  text: string,
  maxTokens: number | undefined,
  answerWithin: (budget: number | undefined) => SimReply,
): ReasonedReply {
  let part = reasoningPart(shape, text);
  const fieldName = shape === 'field' ? 'reasoning' : shape === 'field-legacy' ? 'reasoning_content' : undefined;
  let reasoningTokens = estimateTokens(part);
  let answer: SimReply;
  if (maxTokens !== undefined && reasoningTokens >= maxTokens) {
    part = part.slice(0, maxTokens * 4);
    reasoningTokens = estimateTokens(part);
    answer = { content: fieldName ? null : '', finishReason: 'length' };
  } else {
    answer = answerWithin(maxTokens === undefined ? undefined : maxTokens - reasoningTokens);
  }
  const completionTokens = reasoningTokens + estimateTokens(completionText(answer));
  if (fieldName) return { reply: answer, field: { name: fieldName, text: part }, completionTokens, reasoningTokens };
  return { reply: { ...answer, content: part + (answer.content ?? '') }, completionTokens, reasoningTokens };
}

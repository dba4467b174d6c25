// Writes a sampled example as text that shows its latent attributes, in the document's own terms:
// the question names the four terms nearest the aimed depth, the context sets the scene with the
// rest (and, when it leaks, states the finding and what it rests on), the reference answer quotes
// the document's sentences about each term, and every rubric criterion names one term in its own
// wording. Question and context together are about as long as the paper's (600-750 characters).
import { shuffle } from '../corpus-plan.ts';
import type { DocumentModel } from '../document-model.ts';
import type { ChallengerLatent } from './challenger.ts';
import { capitalize, pick } from './inner-text.ts';
import { mentions, SINGLE_WORD_LIST } from './inner-terms.ts';
import { writeList } from './inner-templates.ts';
import {
  CLAIM_CUES,
  CONTEXT_OPENING,
  LEAK_TEMPLATE,
  NEGATIVE_TEMPLATES,
  NUMBER_TEMPLATES,
  POSITIVE_TEMPLATES,
  QUESTION_FORMS,
  QUESTION_TEMPLATES,
  REFERENCE_TEMPLATES,
  SCENE_TEMPLATES,
  negativeMarker,
  type QuestionForm,
} from './inner-vocabulary.ts';

export interface ExamplePlan {
  model: DocumentModel;
  latent: ChallengerLatent;
  /** The terms the question hinges on, nearest the aimed depth first (rubric positives name them). */
  concepts: string[];
}

type Rng = () => number;

/** How many terms the question itself names; the context's scene names the rest. */
const QUESTION_TERMS = 4;
/** Question and context together: the paper's examples run 619-723 characters. */
const LENGTH_FLOOR = 600;
const LENGTH_CEILING = 750;

/** Scene-neutral sentences a context may close with when the document offers too little background. */
const CLOSING_SENTENCES = [
  'They want to understand the behaviour before they change anything in production.',
  'Apart from what is described here, their setup follows the paper.',
  'Their budget allows only a handful of further experiments, so they want to reason it through first.',
  'They have the authors\u2019 code and hardware of the same class as in the paper.',
];

/** The method's name: a paper title's part before the colon ("QUILL: ..."), else a description. */
function methodName(model: DocumentModel): string {
  const name = /^([^:]{2,40}):/.exec(model.title)?.[1]?.trim();
  return name && !name.includes(' ') ? name : 'the method';
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, slot: string) => values[slot] ?? whole);
}

function writeQuestion(plan: ExamplePlan, rng: Rng): string {
  const { latent, concepts } = plan;
  const named = concepts.slice(0, QUESTION_TERMS);
  const term = (index: number) => named[index] ?? named[index % Math.max(1, named.length)] ?? 'main component';
  return fill(pick(QUESTION_TEMPLATES[latent.form], rng), { a: term(0), b: term(1), c: term(2), d: term(3), m: methodName(plan.model) });
}

/** Scene sentences naming `terms`, two or three to a sentence, each sentence in its own wording. */
function sceneSentences(terms: readonly string[], rng: Rng): string[] {
  const templates = shuffle(SCENE_TEMPLATES, rng);
  const groups: string[][] = [];
  for (let start = 0; start < terms.length; ) {
    const size = terms.length - start === 4 ? 2 : Math.min(3, terms.length - start);
    groups.push(terms.slice(start, start + size));
    start += size;
  }
  return groups.map((group, index) => fill(templates[index % templates.length]!, { list: writeList(group) }));
}

/** Sentences of the document that set the scene without naming the question's terms or stating a finding. */
function backgroundFor(plan: ExamplePlan): string[] {
  return plan.model.backgroundSentences.filter(
    (sentence) =>
      sentence.length >= 40 &&
      sentence.length <= 260 &&
      !CLAIM_CUES.test(sentence) &&
      !SINGLE_WORD_LIST.test(sentence) &&
      !/[|#]/.test(sentence) &&
      // A sentence that leans on the one before it ("This matters most when ...") cannot stand alone.
      !/^(this|these|that|those|it|its|they|their|such|neither|both)\b/i.test(sentence) &&
      plan.concepts.every((term) => !mentions(sentence, term)),
  );
}

function writeContext(plan: ExamplePlan, question: string, rng: Rng): string {
  const { model, latent, concepts } = plan;
  const opening = fill(CONTEXT_OPENING, { title: model.title });
  if (latent.leak) {
    // The leak: the finding itself and every term it rests on, stated as the answer.
    return [opening, latent.insight.text, fill(LEAK_TEMPLATE, { list: writeList(concepts) })].join(' ');
  }
  // An overshooting question rests on parts the context never sets up: no solver can bring them in.
  const scene = latent.overshoot ? [] : sceneSentences(concepts.slice(QUESTION_TERMS), rng);
  const target = LENGTH_FLOOR + 30 + Math.floor(rng() * (LENGTH_CEILING - LENGTH_FLOOR - 50));
  // Measured as the two texts' lengths, the way the paper's figures (and readers of the example) count them.
  const length = (parts: readonly string[]) => parts.join(' ').length + question.length;
  const background = backgroundFor(plan);
  const start = Math.floor(rng() * Math.max(1, background.length));
  const before: string[] = [];
  const after: string[] = [];
  for (let offset = 0; offset < background.length; offset += 1) {
    const sentence = background[(start + offset) % background.length]!;
    const into = before.length === 0 ? before : after;
    if (length([opening, ...before, ...scene, ...after, sentence]) > target) continue;
    into.push(sentence);
  }
  const closing = shuffle(CLOSING_SENTENCES, rng);
  while (length([opening, ...before, ...scene, ...after]) < LENGTH_FLOOR && closing.length > 0) after.push(closing.pop()!);
  return [opening, ...before, ...scene, ...after].join(' ');
}

/** The finding, then what the document says about each term (its own sentences), then the number when asked. */
function writeReference(plan: ExamplePlan, rng: Rng): string {
  const { latent, concepts, model } = plan;
  const lines = [latent.insight.text];
  const templates = shuffle(REFERENCE_TEMPLATES, rng);
  const leftover: string[] = [];
  for (const term of concepts) {
    if (lines.some((line) => mentions(line, term))) continue;
    const sentence = model.sentences.find((candidate) => candidate.length <= 260 && !lines.includes(candidate) && mentions(candidate, term));
    if (sentence) lines.push(sentence);
    else if (templates.length > 0) lines.push(capitalize(fill(templates.pop()!, { t: term })));
    else leftover.push(term);
  }
  if (leftover.length > 0) lines.push(`${capitalize(writeList(leftover))} complete the picture, each in the way the paper describes.`);
  if (latent.numberTied) lines.push(`The reported value is ${latent.insight.numbers[0]}.`);
  return lines.join(' ');
}

function positiveWeight(latent: ChallengerLatent, rng: Rng): number {
  const weight = latent.extremeWeights && rng() < 0.3 ? 9 + Math.floor(rng() * 2) : 3 + Math.floor(rng() * 5);
  return Math.min(weight, latent.weightCap);
}

function writeRubric(plan: ExamplePlan, rng: Rng): Array<{ criterion: string; weight: unknown; category: string }> {
  const { latent, concepts } = plan;
  const rubric: Array<{ criterion: string; weight: unknown; category: string }> = [];
  if (latent.numberTied) {
    const value = latent.insight.numbers[0] ?? '0';
    NUMBER_TEMPLATES.forEach((template, index) => {
      rubric.push({ criterion: fill(template, { n: value, t: concepts[index] ?? concepts[0] ?? 'main result' }), weight: Math.min(9, latent.weightCap), category: 'reported result' });
    });
  }
  const positives = latent.numberTied ? concepts.slice(0, Math.max(4, latent.positives - 2)) : concepts;
  const templates = shuffle(POSITIVE_TEMPLATES, rng);
  positives.forEach((term, index) => {
    const template = templates[index % templates.length]!;
    rubric.push({ criterion: fill(template, { t: term }), weight: positiveWeight(latent, rng), category: pick(['core idea', 'justification', 'mechanism'], rng) });
  });
  const negativeTemplates = shuffle(NEGATIVE_TEMPLATES, rng);
  concepts.slice(0, latent.negatives).forEach((term, index) => {
    const weight = -(latent.extremeWeights && rng() < 0.3 ? 8 + Math.floor(rng() * 3) : 2 + Math.floor(rng() * 4));
    const template = negativeTemplates[index % negativeTemplates.length]!;
    rubric.push({ criterion: fill(template, { t: term, m: negativeMarker(term) }), weight, category: 'misconception' });
  });
  if (latent.weightFormatError) {
    const victim = rubric[Math.floor(rng() * rubric.length)];
    if (victim && typeof victim.weight === 'number') victim.weight = `${victim.weight > 0 ? '+' : ''}${victim.weight}`;
  }
  return rubric;
}

/** The honest label, or (label mismatch) one whose cue the question does not show. */
function label(latent: ChallengerLatent, question: string, rng: Rng): string {
  if (!latent.labelMismatch) return QUESTION_FORMS[latent.form].label;
  const others = (Object.keys(QUESTION_FORMS) as QuestionForm[]).filter((form) => !QUESTION_FORMS[form].cue.test(question));
  return others.length > 0 ? QUESTION_FORMS[pick(others, rng)].label : QUESTION_FORMS[latent.form].label;
}

export function writeExample(plan: ExamplePlan, rng: Rng, withReasoning: boolean): Record<string, unknown> {
  const { latent } = plan;
  const example: Record<string, unknown> = {};
  if (withReasoning) {
    example.reasoning =
      `The document "${plan.model.title}" has ${plan.model.insights.length} findings. I will build the question around this one: ` +
      `${latent.insight.text} A strong answer should bring in ${writeList(plan.concepts.slice(0, 3))}; a reader could go wrong by treating them as unrelated.`;
  }
  const question = writeQuestion(plan, rng);
  example.question_type = label(latent, question, rng);
  example.reasoning_skills = QUESTION_FORMS[latent.form].skills.slice(0, 3);
  example.context = writeContext(plan, question, rng);
  example.question = question;
  example.reference_answer = writeReference(plan, rng);
  example.rubric = writeRubric(plan, rng);
  return example;
}

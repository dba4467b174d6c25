// Writes a sampled example as text that shows its latent attributes: a leaking context contains
// the key sentence and the concepts; a number-tied question asks for a reported value; the rubric
// criteria name the concepts the question hinges on.
import type { DocumentModel } from '../document-model.ts';
import type { ChallengerLatent } from './challenger.ts';
import { capitalize, contentWords, pick } from './inner-text.ts';
import { NEGATIVE_TEMPLATES, NUMBER_TEMPLATES, POSITIVE_TEMPLATES, QUESTION_FORMS, negativeMarker, type QuestionForm } from './inner-vocabulary.ts';

export interface ExamplePlan {
  model: DocumentModel;
  latent: ChallengerLatent;
  /** The concept words the question hinges on (rubric positives name them). */
  concepts: string[];
}

type Rng = () => number;

function list(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function writeContext(plan: ExamplePlan, rng: Rng): string {
  const { model, latent, concepts } = plan;
  const conceptSet = new Set(concepts);
  const safe = model.backgroundSentences.filter((sentence) => contentWords(sentence).every((word) => !conceptSet.has(word)));
  const start = Math.floor(rng() * Math.max(1, safe.length - 2));
  const scene = safe.slice(start, start + 3);
  const opening = `A research team is studying the problem addressed in "${model.title}".`;
  const parts = [opening, ...scene];
  if (latent.leak) {
    // The leak: the key finding and how its concepts fit together, right in the scene.
    parts.push(latent.insight.text, `In short, the result rests on ${list(concepts)}.`);
  }
  return parts.join(' ');
}

function writeQuestion(plan: ExamplePlan, rng: Rng): string {
  const { latent, concepts } = plan;
  const [first = 'the method', second = 'the setting', ...rest] = concepts;
  const others = rest.length > 0 ? rest : [second];
  const half = Math.ceil(others.length / 2);
  const setup = `The team relies on ${first} together with ${second}.`;
  switch (latent.form) {
    case 'number':
      return `${setup} What value did the authors report for the main comparison involving ${list(others)}, and what does that figure imply?`;
    case 'recall':
      return `${setup} According to the paper, list all the ingredients involved, including ${list(others)}.`;
    case 'generic':
      return `In general, why do systems that combine ${first} and ${second} tend to behave well, considering ${list(others)}?`;
    case 'trade-off':
      return `${setup} What trade-off appears between ${list(others.slice(0, half))} on one side and ${list(others.slice(half))} on the other, and when would each side win?`;
    case 'design':
      return `${setup} Why would a designer choose to emphasize ${list(others.slice(0, half))} rather than ${list(others.slice(half))}, and what would that choice cost?`;
    case 'mechanism':
      return `${setup} Explain why ${list(others.slice(0, half))} interact with ${list(others.slice(half))} to produce the behaviour the team sees.`;
    case 'counterfactual':
    default:
      return `${setup} Suppose ${pick(others, rng)} were removed while ${list(others.filter((_, index) => index < half))} stay as they are. What would happen to ${list(others.slice(half))}, and why?`;
  }
}

function writeReference(plan: ExamplePlan): string {
  const { latent, concepts } = plan;
  const lines = [latent.insight.text];
  for (const word of concepts) lines.push(`${capitalize(word)} matters because it shapes how the finding plays out.`);
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
    for (const template of NUMBER_TEMPLATES) rubric.push({ criterion: template.replace('{n}', value), weight: Math.min(9, latent.weightCap), category: 'reported result' });
  }
  const positives = latent.numberTied ? concepts.slice(0, Math.max(4, latent.positives - 2)) : concepts;
  for (const word of positives) {
    rubric.push({ criterion: pick(POSITIVE_TEMPLATES, rng).replace('{w}', word), weight: positiveWeight(latent, rng), category: pick(['core idea', 'justification', 'mechanism'], rng) });
  }
  for (const word of concepts.slice(0, latent.negatives)) {
    const weight = -(latent.extremeWeights && rng() < 0.3 ? 8 + Math.floor(rng() * 3) : 2 + Math.floor(rng() * 4));
    rubric.push({ criterion: pick(NEGATIVE_TEMPLATES, rng).replace('{w}', word).replace('{m}', negativeMarker(word)), weight, category: 'misconception' });
  }
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
      `${latent.insight.text} A strong answer should bring in ${list(plan.concepts.slice(0, 4))}; a reader could go wrong by treating them as unrelated.`;
  }
  const question = writeQuestion(plan, rng);
  example.question_type = label(latent, question, rng);
  example.reasoning_skills = QUESTION_FORMS[latent.form].skills.slice(0, 3);
  example.context = writeContext(plan, rng);
  example.question = question;
  example.reference_answer = writeReference(plan);
  example.rubric = writeRubric(plan, rng);
  return example;
}

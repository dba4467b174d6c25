// The sim challenger (`challenger_example`): samples an example with latent attributes whose rates
// depend on the directives in the harness's challenger prompt and on the feedback, then writes it
// out as real text that shows those attributes.
import { applyDirectives } from '../directives.ts';
import { documentModel, type DocumentInsight, type DocumentModel } from '../document-model.ts';
import { readFeedback, type FeedbackSummary } from './inner-feedback.ts';
import { clamp, contentWords, instructionText, normal, pick, promptText, schemaHasProperty, schemaName, tagAttribute, tagContent } from './inner-text.ts';
import { verifiableExample } from './inner-verifiable-challenger.ts';
import { writeExample, type ExamplePlan } from './inner-example-writer.ts';
import { TEMPLATE_WORDS, type QuestionForm } from './inner-vocabulary.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

/** Rates of the baseline harness (no directives), before the feedback acts. */
export const CHALLENGER_BASE_RATES = {
  generic: 0.25,
  leak: 0.12,
  numberTied: 0.15,
  recall: 0.025,
  negativeCriteria: 1,
  weightFormatError: 0.015,
  weightSpread: 0.5,
  overshoot: 0.02,
};
const LABEL_MISMATCH_RATE = 0.01;
/** Where an unguided challenger aims (concept difficulty), and how widely it scatters. */
const BASE_DEPTH = 0.28;
const DEPTH_SCATTER = 0.13;
const OVERSHOOT_DEPTH = 0.35;

export interface ChallengerLatent {
  insight: DocumentInsight;
  depth: number;
  form: QuestionForm;
  generic: boolean;
  leak: boolean;
  numberTied: boolean;
  recall: boolean;
  negatives: number;
  positives: number;
  weightFormatError: boolean;
  extremeWeights: boolean;
  weightCap: number;
  labelMismatch: boolean;
}

/** How far the feedback moves the target depth: precise with scores, a fixed guess without. */
// Pushes saturate: the whole history is re-read every round, so it must not count twice.
const MAX_PUSH = 0.22;

function depthShift(feedback: FeedbackSummary, rng: () => number): number {
  let push = 0;
  for (let index = 0; index < feedback.tooEasy; index += 1) {
    const weakMean = feedback.tooEasyWeakMeans[index];
    push += weakMean === undefined ? 0.05 + rng() * 0.04 : clamp(0.45 * (weakMean - 0.45), 0.03, 0.2);
  }
  let pull = 0;
  for (let index = 0; index < feedback.failedOnStrong; index += 1) {
    const strongMean = feedback.failedStrongMeans[index];
    pull += strongMean === undefined ? 0.05 + rng() * 0.04 : clamp(0.4 * (0.75 - strongMean), 0.03, 0.15);
  }
  return MAX_PUSH * (1 - Math.exp(-push / MAX_PUSH)) - pull;
}

export function sampleChallengerLatent(
  model: DocumentModel,
  instructions: string,
  feedbackText: string | null,
  rng: () => number,
): ChallengerLatent {
  const rates = applyDirectives({ ...CHALLENGER_BASE_RATES }, instructions, 'challenger', rng);
  const feedback = readFeedback(feedbackText);
  // Told that questions were too easy, a challenger also steers away from generic and leaky ones.
  const easyPressure = Math.pow(0.85, feedback.tooEasy);
  const insight = pick(model.insights, rng);
  const numberTied = insight.numbers.length > 0 && rng() < rates.numberTied;
  const generic = !numberTied && rng() < rates.generic * easyPressure;
  const leak = rng() < rates.leak * easyPressure;
  const recall = !numberTied && !generic && rng() < rates.recall;
  const overshoot = rng() < rates.overshoot;
  const depth = clamp(
    BASE_DEPTH + 0.3 * (insight.depth - 0.5) + depthShift(feedback, rng) + DEPTH_SCATTER * normal(rng) + (overshoot ? OVERSHOOT_DEPTH : 0),
    0.02,
    0.98,
  );
  const reasoningForms: QuestionForm[] = /\bcounterfactual|\bpredict|trade-?off/i.test(instructions)
    ? ['counterfactual', 'counterfactual', 'trade-off', 'mechanism']
    : ['counterfactual', 'mechanism', 'trade-off', 'design'];
  const form: QuestionForm = numberTied ? 'number' : generic ? 'generic' : recall ? 'recall' : pick(reasoningForms, rng);
  const hasNegatives = rng() < rates.negativeCriteria;
  const negatives = hasNegatives ? 3 + Math.floor(rng() * 3) - (rng() < 0.01 ? 1 : 0) : 0;
  const positives = hasNegatives ? 7 + Math.floor(rng() * 4) : 10 + Math.floor(rng() * 4);
  const weightCap = /\b(cap|limit)\b[^.]{0,30}\bweights?\b[^.]{0,10}\b(at|to) (\d+)/i.exec(instructions)?.[3];
  return {
    insight,
    depth,
    form,
    generic,
    leak,
    numberTied,
    recall,
    negatives,
    positives,
    weightFormatError: rng() < rates.weightFormatError,
    extremeWeights: rng() < rates.weightSpread,
    weightCap: weightCap ? clamp(Number(weightCap), 1, 10) : rates.weightSpread < 0.2 ? 7 : 10,
    labelMismatch: rng() < LABEL_MISMATCH_RATE,
  };
}

/** Picks the concepts the question hinges on: those nearest the target depth (easy ones when generic). */
export function chooseConcepts(model: DocumentModel, latent: ChallengerLatent, rng: () => number): string[] {
  // Title words stay out: the context names the title, and a concept there would read as a leak.
  const titleWords = new Set(contentWords(model.title));
  const usable = (insight: DocumentInsight) =>
    insight.concepts.filter((concept) => !TEMPLATE_WORDS.has(concept.word) && !titleWords.has(concept.word));
  let pool = usable(latent.insight);
  if (pool.length < latent.positives) {
    const seen = new Set(pool.map((concept) => concept.word));
    pool = [...pool, ...model.insights.flatMap(usable).filter((concept) => !seen.has(concept.word) && seen.add(concept.word))];
  }
  const target = latent.generic ? 0.08 : latent.depth;
  const ranked = pool
    .map((concept) => ({ word: concept.word, distance: Math.abs(concept.difficulty - target) + rng() * 0.04 }))
    .sort((a, b) => a.distance - b.distance);
  return ranked.slice(0, latent.positives).map((entry) => entry.word);
}

export const challengerPersona: Persona = {
  name: 'challenger',
  matches: (request: SimRequest) => schemaName(request) === 'challenger_example',
  respond(request: SimRequest, { rng }: PersonaContext) {
    const prompt = promptText(request);
    const documentText = tagContent(prompt, 'document') ?? prompt;
    const verifiable = verifiableExample(documentText, tagContent(prompt, 'feedback'), rng, schemaHasProperty(request, 'reasoning'));
    if (verifiable) return { content: JSON.stringify(verifiable) };
    const model = documentModel(documentText, tagAttribute(prompt, 'document', 'title') ?? '');
    const instructions = instructionText(prompt, ['document', 'feedback']);
    const latent = sampleChallengerLatent(model, instructions, tagContent(prompt, 'feedback'), rng);
    const plan: ExamplePlan = { model, latent, concepts: chooseConcepts(model, latent, rng) };
    const example = writeExample(plan, rng, schemaHasProperty(request, 'reasoning'));
    return { content: JSON.stringify(example) };
  },
};

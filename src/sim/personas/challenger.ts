// The sim challenger (`challenger_example`): samples an example with latent attributes whose rates
// depend on the directives in the harness's challenger prompt and on the feedback, then writes it
// out as real text that shows those attributes.
import { applyDirectives, detectDirectives } from '../directives.ts';
import { documentModel, type DocumentInsight, type DocumentModel } from '../document-model.ts';
import { readFeedback, type FeedbackSummary } from './inner-feedback.ts';
import { clamp, instructionText, normal, pick, promptText, schemaHasProperty, schemaName, tagAttribute, tagContent } from './inner-text.ts';
import { knownTermsIn, termDifficulty } from './inner-terms.ts';
import { questionTerms } from './inner-templates.ts';
import { verifiableExample } from './inner-verifiable-challenger.ts';
import { applyLearnings } from './inner-learnings.ts';
import { writeExample, type ExamplePlan } from './inner-example-writer.ts';
import { type QuestionForm } from './inner-vocabulary.ts';
import { NO_MEMO, type SimMemo } from '../memo.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

/** Rates of the baseline harness (no directives), before the feedback acts. */
export const CHALLENGER_BASE_RATES = {
  generic: 0.15,
  leak: 0.12,
  numberTied: 0.07,
  recall: 0.015,
  negativeCriteria: 1,
  weightFormatError: 0.015,
  weightSpread: 0.35,
  overshoot: 0.01,
};
const LABEL_MISMATCH_RATE = 0.01;
/** Where an unguided challenger aims (concept difficulty), and how widely it scatters. */
const BASE_DEPTH = 0.175;
const DEPTH_SCATTER = 0.09;
const OVERSHOOT_DEPTH = 0.5;
/** The deepest a challenger can deliberately aim: past it, a paper's findings run out of depth to ask about. */
const AIM_CEILING = 0.58;
/** A fifth of documents are leak-prone: the leak rate is 5x there and 0 elsewhere (mean unchanged). */
const LEAK_PRONE_SHARE = 0.2;
const LEAK_PRONE_FACTOR = 5;
const LEAK_OTHER_FACTOR = 0;
/** What a quality verdict naming the problem leaves of the rate in later rounds. */
const LESSON_FACTOR = 0.15;

export interface ChallengerLatent {
  insight: DocumentInsight;
  depth: number;
  form: QuestionForm;
  generic: boolean;
  leak: boolean;
  numberTied: boolean;
  recall: boolean;
  /** Aimed far past what was asked: the question also rests on parts the context never sets up. */
  overshoot: boolean;
  negatives: number;
  positives: number;
  weightFormatError: boolean;
  extremeWeights: boolean;
  weightCap: number;
  labelMismatch: boolean;
}

/** How far the feedback moves the target depth: precise with scores, a fixed guess without. */
// Pushes saturate: without the earlier questions, the whole history is re-read every round.
const MAX_PUSH = 0.36;
const STEP_WITHOUT_SCORES = 0.08;

/**
 * How deep an earlier question was, from the difficulty of the terms it names (null if it names
 * too few). `known`: the document's terms, so that a quoted question cut short is still read.
 */
export function estimateQuestionDepth(question: string, known: readonly string[] = []): number | null {
  const found = knownTermsIn(question, known);
  const terms = found.length >= 2 ? found : questionTerms(question);
  if (terms.length < 2) return null;
  return terms.reduce((sum, term) => sum + termDifficulty(term), 0) / terms.length;
}

/**
 * Where to aim after the feedback. With the earlier questions quoted, the challenger aims just past
 * the deepest too-easy one and short of the shallowest one that failed on strong (steps sized by
 * the scores when given); with only a summary it shifts by a guess per failure.
 * `pullFactor` < 1: a challenger told to write the hardest question it can barely backs off.
 */
function aimDepth(anchor: number, feedback: FeedbackSummary, rng: () => number, pullFactor: number, known: readonly string[]): number {
  const easySteps = feedback.tooEasyQuestions.map((question, index) => {
    const weakMean = feedback.tooEasyWeakMeans[index];
    const step = weakMean === undefined ? STEP_WITHOUT_SCORES : clamp(0.35 * (weakMean - 0.45), -0.15, 0.15);
    return { depth: estimateQuestionDepth(question, known), step };
  });
  const strongSteps = feedback.failedStrongQuestions.map((question, index) => {
    const strongMean = feedback.failedStrongMeans[index];
    const step = strongMean === undefined ? STEP_WITHOUT_SCORES : clamp(0.4 * (0.75 - strongMean), 0.03, 0.15);
    return { depth: estimateQuestionDepth(question, known), step: step * pullFactor };
  });
  const quoted = [...easySteps, ...strongSteps].filter((entry) => entry.depth !== null);
  if (quoted.length === 0) {
    let push = 0;
    for (let index = 0; index < feedback.tooEasy; index += 1) push += STEP_WITHOUT_SCORES + rng() * 0.04;
    let pull = 0;
    for (let index = 0; index < feedback.failedOnStrong; index += 1) pull += STEP_WITHOUT_SCORES + rng() * 0.04;
    return anchor + MAX_PUSH * (1 - Math.exp(-push / MAX_PUSH)) - pull * pullFactor;
  }
  const floors = easySteps.filter((entry) => entry.depth !== null).map((entry) => (entry.depth as number) + entry.step);
  const ceilings = strongSteps.filter((entry) => entry.depth !== null).map((entry) => (entry.depth as number) - entry.step);
  const floor = floors.length > 0 ? Math.max(...floors) : -Infinity;
  const ceiling = ceilings.length > 0 ? Math.min(...ceilings) : Infinity;
  const target = Math.max(anchor, floor);
  if (target <= ceiling) return target;
  return floor === -Infinity ? ceiling : (floor + ceiling) / 2;
}

/** Documents whose finding is hard to set up without stating it: the challenger leaks on them again and again. */
export function isLeakProne(model: DocumentModel): boolean {
  return (model.seed % 1000) / 1000 < LEAK_PRONE_SHARE;
}

export function sampleChallengerLatent(
  model: DocumentModel,
  instructions: string,
  feedbackText: string | null,
  rng: () => number,
  memo: SimMemo = NO_MEMO,
  /** The `<learnings>` of earlier batches, if any (inner-learnings.ts). */
  learnings: string | null = null,
): ChallengerLatent {
  const rates = applyLearnings(applyDirectives({ ...CHALLENGER_BASE_RATES }, instructions, 'challenger', rng, memo), learnings, 'challenger');
  const maximizeDifficulty = memo
    .remember('challenger-directives', instructions, () => detectDirectives(instructions, 'challenger'))
    .includes('as-hard-as-possible');
  const feedback = readFeedback(feedbackText);
  // Told that questions were too easy, a challenger also steers away from generic ones.
  const easyPressure = Math.pow(0.85, feedback.tooEasy);
  // Some documents invite leaks (a finding that is hard to set up without stating it); a quality
  // verdict that names the leak or the recall problem teaches the challenger to avoid it.
  const leakLesson = /leak/.test(feedback.qualityReasons) ? LESSON_FACTOR : 1;
  const recallLesson = /recall|list/.test(feedback.qualityReasons) ? LESSON_FACTOR : 1;
  const insight = pick(model.insights, rng);
  const numberTied = insight.numbers.length > 0 && rng() < rates.numberTied;
  const generic = !numberTied && rng() < rates.generic * easyPressure;
  const leak = rng() < Math.min(1, rates.leak * (isLeakProne(model) ? LEAK_PRONE_FACTOR : LEAK_OTHER_FACTOR) * leakLesson);
  const recall = !numberTied && !generic && rng() < rates.recall * recallLesson;
  const overshoot = rng() < rates.overshoot;
  const depth = clamp(
    Math.min(AIM_CEILING, aimDepth(BASE_DEPTH + 0.3 * (insight.depth - 0.5), feedback, rng, maximizeDifficulty ? 0.3 : 1, knownTerms(model))) +
      DEPTH_SCATTER * normal(rng) +
      (overshoot ? OVERSHOOT_DEPTH : 0),
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
    overshoot,
    negatives,
    positives,
    weightFormatError: rng() < rates.weightFormatError,
    extremeWeights: rng() < rates.weightSpread,
    weightCap: weightCap ? clamp(Number(weightCap), 1, 10) : rates.weightSpread < 0.2 ? 7 : 10,
    labelMismatch: rng() < LABEL_MISMATCH_RATE,
  };
}

/** Every term of the document and of its insights: what an earlier question is read against. */
function knownTerms(model: DocumentModel): string[] {
  return [...new Set([...model.terms, ...model.insights.flatMap((insight) => insight.terms.map((entry) => entry.term))])];
}

/** Picks the terms the question hinges on: those nearest the target depth (easy ones when generic). */
export function chooseConcepts(model: DocumentModel, latent: ChallengerLatent, rng: () => number): string[] {
  let pool = latent.insight.terms;
  if (pool.length < latent.positives) {
    const seen = new Set(pool.map((entry) => entry.term.toLowerCase()));
    pool = [...pool, ...model.insights.flatMap((insight) => insight.terms).filter((entry) => !seen.has(entry.term.toLowerCase()) && seen.add(entry.term.toLowerCase()))];
  }
  const target = latent.generic ? 0.08 : latent.depth;
  const ranked = pool
    .map((entry) => ({ term: entry.term, distance: Math.abs(entry.difficulty - target) + rng() * 0.04 }))
    .sort((a, b) => a.distance - b.distance);
  return ranked.slice(0, latent.positives).map((entry) => entry.term);
}

export const challengerPersona: Persona = {
  name: 'challenger',
  matches: (request: SimRequest) => schemaName(request) === 'challenger_example',
  respond(request: SimRequest, { rng, memo = NO_MEMO }: PersonaContext) {
    const prompt = promptText(request);
    const documentText = tagContent(prompt, 'document') ?? prompt;
    const verifiable = verifiableExample(documentText, tagContent(prompt, 'feedback'), rng, schemaHasProperty(request, 'reasoning'));
    if (verifiable) return { content: JSON.stringify(verifiable) };
    const title = tagAttribute(prompt, 'document', 'title') ?? '';
    const model = memo.remember('document-model', `${title}\u0000${documentText}`, () => documentModel(documentText, title));
    const instructions = instructionText(prompt, ['document', 'feedback', 'learnings']);
    const latent = sampleChallengerLatent(model, instructions, tagContent(prompt, 'feedback'), rng, memo, tagContent(prompt, 'learnings'));
    const plan: ExamplePlan = { model, latent, concepts: chooseConcepts(model, latent, rng) };
    const example = writeExample(plan, rng, schemaHasProperty(request, 'reasoning'));
    return { content: JSON.stringify(example) };
  },
};

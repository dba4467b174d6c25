// The sim quality verifier (`quality_verdict`): runs the four checks on the text of `<example>`.
// What is wrong is read from the text (the key concepts in the context, recall cues, rubric counts,
// the label's cue); whether the verifier notices depends on the directives in its prompt.
import { applyDirectives } from '../directives.ts';
import { instructionText, promptText, schemaName, tagContent } from './inner-text.ts';
import { readContext, readCriterion } from './inner-templates.ts';
import { QUESTION_FORMS, RECALL_CUES, type QuestionForm } from './inner-vocabulary.ts';
import { NO_MEMO } from '../memo.ts';
import { VERIFIABLE_FAMILY_LINE } from '../verifiable-corpus.ts';
import { normalizeAnswer, parseVerifiableProblem } from './inner-verifiable-solver.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

/** The baseline verifier: notices a real leak a third of the time, most recall questions, always counts. */
export const QUALITY_VERIFIER_BASE_RATES = { qvLeakCatch: 0.3, qvRecallCatch: 0.8, qvDemandNegatives: 1 };
const LABEL_CATCH = 0.9;
const FALSE_ALARM = 0.01;

interface ExampleText {
  question_type?: unknown;
  context?: unknown;
  question?: unknown;
  reference_answer?: unknown;
  rubric?: unknown;
}

type Check = { verdict: 'PASS' | 'FAIL'; reason: string };

/** Fraction of the rubric's positive terms that the context already makes a claim about (names alone do not leak). */
export function leakFraction(example: ExampleText): number {
  const rubric = Array.isArray(example.rubric) ? (example.rubric as Array<Record<string, unknown>>) : [];
  const claimed = readContext(String(example.context ?? '')).claimed;
  const terms = rubric
    .filter((item) => typeof item.weight !== 'number' || item.weight > 0)
    .flatMap((item) => readCriterion(String(item.criterion ?? '')).terms);
  if (terms.length === 0) return 0;
  return terms.filter((term) => claimed.has(term.toLowerCase())).length / terms.length;
}

function rubricCheck(example: ExampleText, demandNegatives: boolean): Check {
  const rubric = Array.isArray(example.rubric) ? (example.rubric as Array<Record<string, unknown>>) : [];
  const badWeights = rubric.filter((item) => typeof item.weight !== 'number' || !Number.isInteger(item.weight));
  if (badWeights.length > 0) {
    return { verdict: 'FAIL', reason: `Rubric format error: ${badWeights.length} weight(s) are not plain integers (e.g. ${JSON.stringify(badWeights[0]?.weight)}).` };
  }
  const positives = rubric.filter((item) => (item.weight as number) > 0).length;
  const negatives = rubric.filter((item) => (item.weight as number) < 0).length;
  if (positives < 4) return { verdict: 'FAIL', reason: `The rubric has only ${positives} positive criteria; at least 4 are needed.` };
  if (demandNegatives && negatives < 3) {
    return { verdict: 'FAIL', reason: `The rubric has only ${negatives} negative criteria; at least 3 negative criteria are required.` };
  }
  if (rubric.length < 10 || rubric.length > 20) return { verdict: 'FAIL', reason: `The rubric has ${rubric.length} criteria; it needs 10 to 20.` };
  return { verdict: 'PASS', reason: `The rubric has ${positives} positive and ${negatives} negative criteria about the substance.` };
}

/**
 * A verifiable problem (from a problem-family document, or a question in one of the families) is
 * checked as its own kind: one exact reference object and one correctness criterion, not a rubric
 * of 10 to 20 items.
 */
function isVerifiable(documentText: string | null, example: ExampleText): boolean {
  return VERIFIABLE_FAMILY_LINE.test(documentText ?? '') || parseVerifiableProblem(String(example.question ?? '')) !== null;
}

/** The reference answer already written in the context or the question. */
function verifiableLeak(example: ExampleText): boolean {
  const reference = normalizeAnswer(String(example.reference_answer ?? ''));
  if (reference.length === 0) return false;
  return [example.context, example.question].some((text) => normalizeAnswer(String(text ?? '')).includes(reference));
}

function verifiableRubricCheck(example: ExampleText): Check {
  const rubric = Array.isArray(example.rubric) ? (example.rubric as Array<Record<string, unknown>>) : [];
  const reference = String(example.reference_answer ?? '').trim();
  if (reference.length === 0) return { verdict: 'FAIL', reason: 'The reference answer is empty; give the exact object the question asks for.' };
  if (/^-?\d+$/.test(reference)) return { verdict: 'FAIL', reason: `The reference answer "${reference}" is a bare whole number; ask for an exact object such as a set or a reduced fraction.` };
  if (rubric.length !== 1) return { verdict: 'FAIL', reason: `The rubric has ${rubric.length} criteria; a verifiable problem has exactly one correctness criterion.` };
  const weight = rubric[0]?.weight;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight <= 0) {
    return { verdict: 'FAIL', reason: `Rubric format error: the correctness criterion's weight ${JSON.stringify(weight)} is not a positive integer.` };
  }
  return { verdict: 'PASS', reason: 'One exact reference object and the one correctness criterion.' };
}

function labelCheck(example: ExampleText, rng: () => number): Check {
  const label = String(example.question_type ?? '').toLowerCase();
  const question = String(example.question ?? '');
  const form = (Object.keys(QUESTION_FORMS) as QuestionForm[]).find((name) => QUESTION_FORMS[name].label === label);
  if (form && !QUESTION_FORMS[form].cue.test(question) && rng() < LABEL_CATCH) {
    return { verdict: 'FAIL', reason: `Label mismatch: the question_type "${label}" does not describe the question that was asked.` };
  }
  return { verdict: 'PASS', reason: 'The question_type label matches the question.' };
}

export const qualityVerifierPersona: Persona = {
  name: 'quality-verifier',
  matches: (request: SimRequest) => schemaName(request) === 'quality_verdict',
  respond(request: SimRequest, { rng, memo = NO_MEMO }: PersonaContext) {
    const prompt = promptText(request);
    const rates = applyDirectives({ ...QUALITY_VERIFIER_BASE_RATES }, instructionText(prompt, ['document', 'example']), 'qualityVerifier', rng, memo);
    let example: ExampleText = {};
    try {
      example = JSON.parse(tagContent(prompt, 'example') ?? '{}') as ExampleText;
    } catch {
      example = {};
    }
    const verifiable = isVerifiable(tagContent(prompt, 'document'), example);
    const leaks = verifiable ? verifiableLeak(example) : leakFraction(example) >= 0.5;
    const leakFound = leaks ? rng() < rates.qvLeakCatch : rng() < FALSE_ALARM;
    const isRecall = RECALL_CUES.test(String(example.question ?? ''));
    const recallFound = isRecall && rng() < rates.qvRecallCatch;
    const checks = {
      answer_leakage: leakFound
        ? { verdict: 'FAIL' as const, reason: 'Answer leakage: the context already states the key finding and the concepts the reference answer relies on.' }
        : { verdict: 'PASS' as const, reason: 'The context sets the scene without giving the answer away.' },
      reasoning_not_recall: recallFound
        ? { verdict: 'FAIL' as const, reason: 'Recall question: it asks to list what the paper says instead of reasoning about it.' }
        : { verdict: 'PASS' as const, reason: 'One focused question that takes reasoning.' },
      rubric_quality: verifiable ? verifiableRubricCheck(example) : rubricCheck(example, rng() < rates.qvDemandNegatives),
      label_match: labelCheck(example, rng),
    };
    const failed = Object.values(checks).filter((check) => check.verdict === 'FAIL');
    const overall = failed.length === 0 ? 'PASS' : 'FAIL';
    const feedback = failed.length === 0 ? 'All four checks pass; the example can go to the solvers.' : failed.map((check) => check.reason).join(' ');
    return { content: JSON.stringify({ checks, overall, feedback }) };
  },
};

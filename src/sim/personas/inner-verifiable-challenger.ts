// The challenger's verifiable branch: a concrete problem from a problem-family document, sized to
// the difficulty the challenger aims for (pushed by "too easy" / "failed on strong" feedback).
import { VERIFIABLE_FAMILY_LINE } from '../verifiable-corpus.ts';
import { readFeedback } from './inner-feedback.ts';
import { clamp, normal } from './inner-text.ts';
import { fractionProblem, primeFactorProblem, type VerifiableProblem } from './inner-verifiable-solver.ts';

const BASE_DIFFICULTY = 0.35;

function problemNear(family: string, base: number, target: number, rng: () => number): VerifiableProblem {
  let best: VerifiableProblem | null = null;
  for (let attempt = 0; attempt < 12; attempt += 1) {
    const candidate =
      family === 'prime-factors'
        ? primeFactorProblem(Math.max(6, Math.round(base * Math.pow(10, target * 7 - Math.log10(base)) * (0.7 + rng() * 0.6))))
        : fractionProblem(Array.from({ length: 2 + Math.floor(rng() * 4) }, () => base + 1 + Math.floor(rng() * Math.pow(10, 0.5 + target * 2.5))));
    if (!best || Math.abs(candidate.difficulty - target) < Math.abs(best.difficulty - target)) best = candidate;
  }
  return best!;
}

/** The example for a verifiable-family document, or null when the document is not one. */
export function verifiableExample(documentText: string, feedbackText: string | null, rng: () => number, withReasoning: boolean): Record<string, unknown> | null {
  const family = VERIFIABLE_FAMILY_LINE.exec(documentText)?.[1];
  if (!family) return null;
  const base = Number(/^Base: (\d+)$/m.exec(documentText)?.[1] ?? 7);
  const feedback = readFeedback(feedbackText);
  const target = clamp(BASE_DIFFICULTY + 0.08 * feedback.tooEasy - 0.08 * feedback.failedOnStrong + 0.08 * normal(rng), 0.05, 0.95);
  const problem = problemNear(family, base, target, rng);
  const example: Record<string, unknown> = {};
  if (withReasoning) example.reasoning = `A ${family} problem sized for difficulty ${target.toFixed(2)}.`;
  Object.assign(example, {
    question_type: 'exact computation',
    reasoning_skills: ['arithmetic', 'number theory'],
    context: 'Compute the exact object asked for; give it in the stated format.',
    question: problem.question,
    reference_answer: problem.answer,
    rubric: [{ criterion: 'The final answer equals the reference object exactly.', weight: 1, category: 'correctness' }],
  });
  return example;
}

// Verifiable mode: short-answer problems whose answer is an exact object (a set, a reduced
// fraction), computed for real. A sim solver recognises the problem in the question, computes the
// answer, and gets it wrong with a chance that grows with the size of the numbers involved.
import { sigmoid } from './inner-text.ts';

const SHARPNESS = 0.09;

export function primeFactors(value: number): number[] {
  const factors: number[] = [];
  let rest = value;
  for (let divisor = 2; divisor * divisor <= rest; divisor += 1) {
    if (rest % divisor === 0) factors.push(divisor);
    while (rest % divisor === 0) rest /= divisor;
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

export function sumOfUnitFractions(denominators: readonly number[]): string {
  let numerator = 0;
  let denominator = 1;
  for (const value of denominators) {
    numerator = numerator * value + denominator;
    denominator *= value;
    const divisor = gcd(numerator, denominator);
    numerator /= divisor;
    denominator /= divisor;
  }
  return `${numerator}/${denominator}`;
}

export interface VerifiableProblem {
  question: string;
  answer: string;
  /** In [0, 1]: how hard the numbers make it. */
  difficulty: number;
}

const PRIME_QUESTION = /set of (?:distinct )?prime factors of (\d+)/i;
const FRACTION_QUESTION = /sum 1\/(\d+)((?: \+ 1\/\d+)+)/i;

export function primeFactorProblem(value: number): VerifiableProblem {
  return {
    question: `Give the set of distinct prime factors of ${value}, written like {2, 3, 5}.`,
    answer: `{${primeFactors(value).join(', ')}}`,
    difficulty: Math.min(1, Math.log10(value) / 7),
  };
}

export function fractionProblem(denominators: readonly number[]): VerifiableProblem {
  return {
    question: `Write the sum ${denominators.map((value) => `1/${value}`).join(' + ')} as a fully reduced fraction p/q.`,
    answer: sumOfUnitFractions(denominators),
    difficulty: Math.min(1, (denominators.length - 1) * 0.12 + Math.log10(Math.max(...denominators)) * 0.18),
  };
}

/** The problem stated in a question, when it is one of the verifiable families. */
export function parseVerifiableProblem(question: string): VerifiableProblem | null {
  const prime = PRIME_QUESTION.exec(question);
  if (prime) return primeFactorProblem(Number(prime[1]));
  const fraction = FRACTION_QUESTION.exec(question);
  if (fraction) {
    const rest = [...(fraction[2] ?? '').matchAll(/1\/(\d+)/g)].map((match) => Number(match[1]));
    return fractionProblem([Number(fraction[1]), ...rest]);
  }
  return null;
}

export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(/[\s.]+$/g, '').replace(/\s+/g, '');
}

/** A solver's answer to a verifiable question (null when the question is not one). */
export function solveVerifiable(question: string, capability: number, rng: () => number): string | null {
  const problem = parseVerifiableProblem(question);
  if (!problem) return null;
  const correct = rng() < sigmoid((capability - problem.difficulty) / SHARPNESS);
  const answer = correct ? problem.answer : problem.answer.replace(/\d+(?=[}/]|$)/, (digits) => String(Number(digits) + 1 + Math.floor(rng() * 3)));
  return `Working through the computation step by step.\nFinal answer: ${answer}`;
}

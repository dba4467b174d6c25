// A procedural corpus of short-answer problem families for the verifiable mode (`sim:verifiable`).
// Each document describes one family and its parameters; the sim challenger turns it into a
// concrete problem at the difficulty it aims for, and the answer is computed, not guessed.
import seedrandom from 'seedrandom';
import type { SimDocument } from './types.ts';

export type VerifiableFamily = 'prime-factors' | 'unit-fractions';

/** Marks a document as a verifiable problem family (the challenger looks for this line). */
export const VERIFIABLE_FAMILY_LINE = /^Problem family: (prime-factors|unit-fractions)$/m;

function familyText(family: VerifiableFamily, base: number): string {
  if (family === 'prime-factors') {
    return [
      `Problem family: prime-factors`,
      `Base: ${base}`,
      '',
      'Task: find the set of distinct prime factors of a whole number built from the base.',
      'Answers are exact sets such as {2, 3, 7}; larger numbers with more factors are harder.',
    ].join('\n');
  }
  return [
    `Problem family: unit-fractions`,
    `Base: ${base}`,
    '',
    'Task: add several unit fractions 1/a + 1/b + ... and reduce the sum to lowest terms p/q.',
    'More terms and larger denominators are harder.',
  ].join('\n');
}

export function generateVerifiableCorpus(options: { n: number; seed: number }): SimDocument[] {
  const rng = seedrandom(String(options.seed));
  return Array.from({ length: options.n }, (_, offset) => {
    const family: VerifiableFamily = rng() < 0.5 ? 'prime-factors' : 'unit-fractions';
    const base = 2 + Math.floor(rng() * 40);
    const id = `simverif-${String(offset + 1).padStart(4, '0')}`;
    const title = `${family === 'prime-factors' ? 'Prime factor sets' : 'Sums of unit fractions'} #${offset + 1}`;
    const text = `<!-- simulated verifiable problem family: not real data -->\n# ${title}\n\n${familyText(family, base)}\n`;
    return { id, title, text };
  });
}

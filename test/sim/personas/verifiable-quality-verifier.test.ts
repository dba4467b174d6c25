// The sim quality verifier on verifiable problems: one exact reference object and one correctness
// criterion pass; rubric-mode counts (positives, negatives, 10-20 items) do not apply.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { generateVerifiableCorpus } from '../../../src/sim/index.ts';
import type { SimRequest } from '../../../src/sim/personas/index.ts';
import { qualityVerifierPersona } from '../../../src/sim/personas/quality-verifier.ts';

const family = generateVerifiableCorpus({ n: 1, seed: 0 })[0]!;
const ONE_CRITERION = [{ criterion: 'The final answer equals the reference object exactly.', weight: 1, category: 'correctness' }];
const PROBLEM = {
  question_type: 'exact computation',
  context: 'Compute the exact object asked for; give it in the stated format.',
  question: 'Give the set of distinct prime factors of 364, written like {2, 3, 5}.',
  reference_answer: '{2, 7, 13}',
  rubric: ONE_CRITERION,
};

function verify(example: Record<string, unknown>, withDocument = true) {
  const documentBlock = withDocument ? `<document title="${family.title}">\n${family.text}\n</document>\n` : '';
  const content = `Review the problem.\n${documentBlock}<example>\n${JSON.stringify(example, null, 2)}\n</example>`;
  const request: SimRequest = {
    model: 'sim-agent',
    messages: [{ role: 'user', content }],
    canonical: content,
    responseFormat: { name: 'quality_verdict', schema: { type: 'object' } },
  };
  // Seed 3 draws no false leak alarm for these examples, so each check reports what the text shows.
  const reply = qualityVerifierPersona.respond(request, { rng: seedrandom('3'), simSeed: 0 });
  return JSON.parse(reply.content!) as { checks: Record<string, { verdict: string; reason: string }>; overall: string };
}

describe('sim quality verifier, verifiable problems', () => {
  it('passes a one-criterion problem with an exact reference object', () => {
    expect(verify(PROBLEM).overall).toBe('PASS');
    // Recognised from the question alone when the prompt leaves the document out.
    expect(verify(PROBLEM, false).overall).toBe('PASS');
  });

  it('fails a bare whole-number answer, a multi-item rubric and a stated answer', () => {
    expect(verify({ ...PROBLEM, reference_answer: '3' }).checks.rubric_quality).toEqual({
      verdict: 'FAIL',
      reason: 'The reference answer "3" is a bare whole number; ask for an exact object such as a set or a reduced fraction.',
    });
    expect(verify({ ...PROBLEM, rubric: [...ONE_CRITERION, ...ONE_CRITERION] }).checks.rubric_quality).toEqual({
      verdict: 'FAIL',
      reason: 'The rubric has 2 criteria; a verifiable problem has exactly one correctness criterion.',
    });
    const leaked = { ...PROBLEM, context: 'The factors are {2, 7, 13}.' };
    const leakChecks = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((seed) => {
      const content = `<document title="${family.title}">\n${family.text}\n</document>\n<example>\n${JSON.stringify(leaked)}\n</example>`;
      const request: SimRequest = { model: 'sim-agent', messages: [{ role: 'user', content }], canonical: content, responseFormat: { name: 'quality_verdict', schema: {} } };
      return (JSON.parse(qualityVerifierPersona.respond(request, { rng: seedrandom(String(seed)), simSeed: 0 }).content!) as { checks: Record<string, { verdict: string }> }).checks.answer_leakage!.verdict;
    });
    // The baseline verifier notices a real leak about a third of the time.
    expect(leakChecks).toContain('FAIL');
  });
});

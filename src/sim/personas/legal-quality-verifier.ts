// The sim quality verifier on a legal problem's example: catches most contexts that give the
// conclusion away, counts the rubric, and now and then fails a sound example (a false alarm).
import { promptText, schemaName, tagContent } from './inner-text.ts';
import { isLegalText, LEGAL_OUTCOME } from './legal-model.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

const LEAK_CATCH = 0.9;
const FALSE_ALARM = 0.03;

type Check = { verdict: 'PASS' | 'FAIL'; reason: string };
const pass = (reason: string): Check => ({ verdict: 'PASS', reason });
const fail = (reason: string): Check => ({ verdict: 'FAIL', reason });

function rubricCheck(rubric: unknown): Check {
  const items = Array.isArray(rubric) ? (rubric as Array<Record<string, unknown>>) : [];
  const weights = items.map((item) => item.weight);
  if (weights.some((weight) => typeof weight !== 'number' || !Number.isInteger(weight))) return fail('Some rubric weights are not whole numbers.');
  const positives = weights.filter((weight) => (weight as number) > 0).length;
  const negatives = weights.filter((weight) => (weight as number) < 0).length;
  if (positives < 4 || negatives < 3 || items.length < 10 || items.length > 20) {
    return fail(`The rubric has ${positives} positive and ${negatives} negative criteria (${items.length} in all); it needs at least 4 and 3, and 10 to 20 in all.`);
  }
  return pass(`The rubric has ${positives} steps of the analysis and ${negatives} mistakes to watch for.`);
}

export const legalQualityVerifierPersona: Persona = {
  name: 'legal-quality-verifier',
  matches: (request: SimRequest) => schemaName(request) === 'quality_verdict' && isLegalText(tagContent(promptText(request), 'document') ?? ''),
  respond(request: SimRequest, { rng }: PersonaContext) {
    let example: Record<string, unknown> = {};
    try {
      example = JSON.parse(tagContent(promptText(request), 'example') ?? '{}') as Record<string, unknown>;
    } catch {
      example = {};
    }
    const leaks = String(example.context ?? '').includes(LEGAL_OUTCOME);
    const leakFound = leaks ? rng() < LEAK_CATCH : rng() < FALSE_ALARM;
    const checks = {
      answer_leakage: leakFound
        ? fail('The context already says how the provisions come out, so the question tests nothing.')
        : pass('The context quotes the provisions and the facts without applying one to the other.'),
      reasoning_not_recall: pass('Answering takes applying the provisions to the facts.'),
      rubric_quality: rubricCheck(example.rubric),
      label_match: pass('The question type fits the question.'),
    };
    const failed = Object.values(checks).filter((check) => check.verdict === 'FAIL');
    const feedback = failed.length === 0 ? 'The example is ready for the solvers.' : failed.map((check) => check.reason).join(' ');
    return { content: JSON.stringify({ checks, overall: failed.length === 0 ? 'PASS' : 'FAIL', feedback }) };
  },
};

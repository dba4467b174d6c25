// The sim solvers on a legal question (context quoting `§ N. Heading. Text` lines): each quoted
// section is stated and then applied with a chance that falls with how hard the section is to
// apply and rises with capability. A rollout's capability varies around the solver's (some days a
// model sees the point, some days it does not), which is what spreads the weak rollouts of a
// question that sits near the weak solver's reach. The answer names what it covers; the judge reads it.
import { clamp, normal, promptText, sigmoid, tagContent } from './inner-text.ts';
import { LEGAL_OUTCOME, PHRASES, readSections, RULE_EASE, sectionDifficulty, SIGNPOST_EASE, signposted, WRONG_OUTCOME } from './legal-model.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

export interface LegalSolverProfile {
  capability: number;
  /** Chance of misreading a section it did not manage to apply (what the negative criteria catch). */
  misreading: number;
}

export const LEGAL_SOLVER_PROFILES: Record<'sim-weak' | 'sim-strong', LegalSolverProfile> = {
  'sim-weak': { capability: 0.37, misreading: 0.35 },
  'sim-strong': { capability: 0.68, misreading: 0.25 },
};
const SHARPNESS = 0.07;
/** How far one rollout's capability strays from the solver's. */
const ROLLOUT_SPREAD = 0.09;
/** Chance of naming the right result without having worked through every section. */
const LUCKY_CONCLUSION = 0.25;
const SECTION_LINE_START = /^§ \d+\. /m;

/** A pointer to a section helps the reader who would otherwise miss it; a capable reader has seen it already. */
export function signpostEase(capability: number): number {
  return SIGNPOST_EASE * clamp((0.7 - capability) / 0.3, 0, 1);
}

export function isLegalQuestion(request: SimRequest): boolean {
  return SECTION_LINE_START.test(tagContent(promptText(request), 'context') ?? '');
}

export function writeLegalAnswer(context: string, question: string, profile: LegalSolverProfile, rng: () => number): string {
  const capability = profile.capability + ROLLOUT_SPREAD * normal(rng);
  const pointed = signposted(question);
  const lines = ['Taking the provisions in turn.'];
  let appliedAll = true;
  for (const section of readSections(context)) {
    const difficulty = clamp(sectionDifficulty(section) - (pointed.has(section.number) ? signpostEase(profile.capability) : 0), 0, 1);
    if (rng() < sigmoid((capability - (difficulty - RULE_EASE)) / SHARPNESS)) lines.push(PHRASES.rule(section));
    if (rng() < sigmoid((capability - difficulty) / SHARPNESS)) {
      lines.push(PHRASES.applied(section));
    } else {
      appliedAll = false;
      if (rng() < profile.misreading) lines.push(PHRASES.misread(section));
    }
  }
  lines.push(PHRASES.conclusion(appliedAll || rng() < LUCKY_CONCLUSION ? LEGAL_OUTCOME : WRONG_OUTCOME));
  return lines.join(' ');
}

export const legalSolverPersona: Persona = {
  name: 'legal-solver',
  matches: (request: SimRequest) =>
    (request.model === 'sim-weak' || request.model === 'sim-strong') && !request.responseFormat && !request.tools && isLegalQuestion(request),
  respond(request: SimRequest, { rng }: PersonaContext) {
    const prompt = promptText(request);
    const profile = LEGAL_SOLVER_PROFILES[request.model as 'sim-weak' | 'sim-strong'];
    return { content: writeLegalAnswer(tagContent(prompt, 'context') ?? '', tagContent(prompt, 'question') ?? '', profile, rng) };
  },
};

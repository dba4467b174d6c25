// The sim solvers (`sim-weak`, `sim-strong`, free text): see only the context and the question.
// Each concept the question hinges on is covered with a chance that falls with the concept's
// difficulty and rises with capability; the answer names what it covers, so the judge scores text.
import { deriveSeed } from '../../util/hash.ts';
import { applyDirectives } from '../directives.ts';
import { capitalize, instructionText, promptText, sigmoid, tagContent } from './inner-text.ts';
import { termDifficulty } from './inner-terms.ts';
import { questionTerms, readContext } from './inner-templates.ts';
import { GENERIC_CUES, NUMBER_CUES, negativeMarker } from './inner-vocabulary.ts';
import { solveVerifiable } from './inner-verifiable-solver.ts';
import { answerInStrongMode } from './solver-modes.ts';
import { NO_MEMO, type SimMemo } from '../memo.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

export interface SolverProfile {
  /** Concept difficulty at which this solver covers a concept half the time. */
  capability: number;
  /** Chance of adding a hedged remark about a covered concept (what misfires negative criteria). */
  elaboration: number;
  /** Chance of a wrong claim about a concept it does not know. */
  confusion: number;
}

export const SOLVER_PROFILES: Record<'sim-weak' | 'sim-strong', SolverProfile> = {
  'sim-weak': { capability: 0.53, elaboration: 0.22, confusion: 0.03 },
  'sim-strong': { capability: 0.71, elaboration: 0.5, confusion: 0.01 },
};
/**
 * Both solvers know some papers' topics better than others: a shift of capability read from the
 * paper title the context names. A familiar topic needs a deeper question than the challenger
 * usually reaches, an unfamiliar one a shallower one: a per-document hardness no harness removes.
 */
const FAMILIARITY_SPREAD = 0.2;
/** How sharply coverage falls around the capability. */
const SHARPNESS = 0.05;
const LEAKED_COVERAGE = 0.93;


/** P(cover a concept): falls with difficulty, rises with capability. */
export function coverageProbability(capability: number, difficulty: number): number {
  return sigmoid((capability - difficulty) / SHARPNESS);
}

function solverProfile(request: SimRequest, instructions: string, rng: () => number, memo: SimMemo): SolverProfile {
  const base = SOLVER_PROFILES[request.model as keyof typeof SOLVER_PROFILES] ?? SOLVER_PROFILES['sim-weak'];
  const role = request.model === 'sim-strong' ? 'strongSolver' : 'weakSolver';
  const { solverCapability } = applyDirectives({ solverCapability: base.capability }, instructions, role, rng, memo);
  return { ...base, capability: solverCapability };
}

export function topicFamiliarity(context: string): number {
  const title = readContext(context).title;
  if (!title) return 0;
  return FAMILIARITY_SPREAD * (((deriveSeed('topic-familiarity', title) % 20001) / 10000) - 1);
}

/** How an answer says that it covers a term: one sentence per term, no wording twice in a row. */
const COVERAGE_LINES = [
  'A central part is played by the {t}: the way the effect unfolds follows from it.',
  'Much turns on the {t} in this setting.',
  'Consider the {t}: under these conditions, what happens depends on it.',
  'The size of the change is decided in part by the {t}.',
  'I would expect the {t} to respond early, being on the path of the effect.',
  'Without the {t} the picture would look different.',
];

/**
 * The answer to a rubric question: every term the question and the context name is covered with a
 * chance that falls with its difficulty (a term the context makes a claim about is nearly always
 * covered), and each covered term gets a sentence naming it, which is what the judge reads.
 * `difficultyOf` (given the lower-cased term) is termDifficulty unless a strong mode makes terms easier.
 */
export function writeRubricAnswer(context: string, question: string, profile: SolverProfile, rng: () => number, difficultyOf: (term: string) => number): string {
  const reading = readContext(context);
  const capability = profile.capability + topicFamiliarity(context);
  const generic = GENERIC_CUES.test(question);
  const seen = new Set<string>();
  const terms = [...questionTerms(question), ...reading.terms].filter((term) => !seen.has(term.toLowerCase()) && seen.add(term.toLowerCase()));
  const lines = ['Reasoning step by step about the situation described.'];
  let line = Math.floor(rng() * COVERAGE_LINES.length);
  for (const term of terms) {
    let chance = coverageProbability(capability, difficultyOf(term.toLowerCase()));
    if (generic) chance = 0.5 + 0.5 * chance;
    if (reading.claimed.has(term.toLowerCase())) chance = Math.max(chance, LEAKED_COVERAGE);
    if (rng() < chance) {
      line = (line + 1 + Math.floor(rng() * 2)) % COVERAGE_LINES.length;
      lines.push(capitalize(COVERAGE_LINES[line]!.replace('{t}', term)));
      if (rng() < profile.elaboration) lines.push(`One might treat the ${term} as ${negativeMarker(term)}, but that needs care.`);
    } else if (rng() < profile.confusion) {
      lines.push(`I would treat the ${term} as ${negativeMarker(term)}.`);
    }
  }
  if (NUMBER_CUES.test(question)) {
    const numbers = context.match(/\b\d+(?:\.\d+)?(?:%|x)?/g) ?? [];
    lines.push(numbers.length > 0 && rng() < 0.5 ? `The reported value is ${numbers[Math.floor(rng() * numbers.length)]}.` : 'The exact reported value is not given here, so I estimate it is moderate.');
  }
  lines.push(lines.length > 1 ? 'Final answer: the factors above together explain the outcome.' : 'Final answer: I am not sure.');
  return lines.join(' ');
}

export const solverPersona: Persona = {
  name: 'solver',
  matches: (request: SimRequest) => (request.model === 'sim-weak' || request.model === 'sim-strong') && !request.responseFormat && !request.tools,
  respond(request: SimRequest, { rng, memo = NO_MEMO }: PersonaContext) {
    const prompt = promptText(request);
    // The weak model standing in as the strong solver (with the document, or aggregating samples).
    const strongMode = answerInStrongMode(request, prompt, rng, memo, { solverProfile, writeRubricAnswer });
    if (strongMode) return strongMode;
    const context = tagContent(prompt, 'context') ?? '';
    const question = tagContent(prompt, 'question') ?? prompt;
    const profile = solverProfile(request, instructionText(prompt, ['context', 'question']), rng, memo);
    const verifiable = solveVerifiable(question, profile.capability, rng);
    if (verifiable !== null) return { content: verifiable };
    return { content: writeRubricAnswer(context, question, profile, rng, termDifficulty) };
  },
};

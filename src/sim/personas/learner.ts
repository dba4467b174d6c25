// The sim learner (`batch_learnings`, `generate --batches`): reads a finished batch's trajectories
// as the analyzer does (the same failure modes, counted the same way) and writes, in plain words,
// one lesson per failure mode seen in more than one round (or, for how episodes end, in more than
// one document), most frequent first, each with what to do instead and a quoted line as evidence.
// Like a real reader it is imperfect: now and then (seeded) it leaves one lesson out.
import { findFailureModes } from './analyzer.ts';
import type { FailureModeId } from './meta-failure-modes.ts';
import { findSection, pick } from './meta-request.ts';
import type { Persona, SimReply, SimRequest } from './index.ts';

export const BATCH_LEARNINGS_SCHEMA = 'batch_learnings';
const MAX_LESSONS = 5;
const MISS_RATE = 0.1;

/** What to do instead, addressed to the question writer and the agent directing it. */
const ADVICE: Record<FailureModeId, readonly string[]> = {
  'too-easy': ['aim each question at an insight only this paper provides, one step past its obvious reading', 'ask about what the paper alone establishes, not what a well-read solver could guess'],
  'generic-question': ['before finishing, check that the question could not be answered without reading the paper'],
  'context-leak': ['keep the finding itself out of the context: it sets the scene, the solver has to work the answer out'],
  'number-tied': ['do not ask for values read off the result tables; ask what they imply instead'],
  'recall-question': ['ask what would happen under a change, or what a design trades off, rather than for lists of what the paper names'],
  'rubric-format': ['write every rubric weight as a bare integer'],
  'negative-misfire': ['word negative criteria so that an answer which mentions a mistake only to reject it is not penalised'],
  'qv-demands-negatives': ['keep at least three negative criteria in every rubric'],
  'failed-on-strong': ['after a question fails on the strong solver, step back toward what the paper states outright'],
  'label-mismatch': ['choose the question type after writing the question, so the label describes it'],
  'gave-up': ['keep trying new angles until the round budget is spent'],
  'false-acceptance': ['wait until both evaluations have passed before calling an example accepted'],
};

export interface BatchLearningsReply {
  summary: string;
  learnings: Array<{ lesson: string; evidence: string }>;
}

export function learnFromTrajectories(trajectories: string, rng: () => number): BatchLearningsReply {
  const documents = trajectories.split('\n').filter((line) => /^=== Document\b/.test(line));
  const accepted = documents.filter((line) => /\(accepted in the end\)/.test(line)).length;
  const rounds = trajectories.split('\n').filter((line) => /^Round \d+:/.test(line)).length;
  let repeated = findFailureModes(trajectories).filter((observed) => observed.count > 1);
  if (repeated.length > 1 && rng() < MISS_RATE) {
    const missed = Math.floor(rng() * repeated.length);
    repeated = repeated.filter((_, index) => index !== missed);
  }
  const learnings = repeated.slice(0, MAX_LESSONS).map((observed) => {
    const scope = observed.mode.scope === 'document' ? `${observed.count} of ${documents.length} documents` : `${observed.count} of ${rounds} rounds`;
    return {
      lesson: `${capitalize(observed.mode.name)} (${scope}): ${pick(ADVICE[observed.mode.id], rng)}.`,
      evidence: observed.evidence[0] ?? '',
    };
  });
  const [first] = repeated;
  const summary =
    `${accepted} of ${documents.length} documents ended with an accepted example over ${rounds} rounds` +
    (first ? `; the most frequent problem was ${first.mode.name}.` : '; no problem repeated across rounds.');
  return { summary, learnings };
}

export const learnerPersona: Persona = {
  name: 'learner',
  matches: (request: SimRequest) => request.responseFormat?.name === BATCH_LEARNINGS_SCHEMA,
  respond(request, context): SimReply {
    const trajectories = findSection(request, 'trajectories')?.content ?? '';
    return { content: JSON.stringify(learnFromTrajectories(trajectories, context.rng)), finishReason: 'stop' };
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

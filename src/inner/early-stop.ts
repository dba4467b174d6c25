// Early stopping of a solver stage (harness setting `earlyStop`): after each attempt, in the fixed
// attempt order, ask whether the attempts still to come could change the stage's outcome under the
// acceptance preset. Each remaining attempt may score anything in 0..1 (verifiable: 0 or 1), so the
// stage is decided when the best and worst completions give the same outcome. Pure functions only.
//
// The outcome of a stage is what the round record keeps of it: for the weak stage pass, 'too-easy'
// or 'weak-all-zero' (the two failures feed different groups of the refinement message); for the
// strong stage pass or fail. A weak pass is never cut short under the rubric presets, because the
// strong stage's gap criterion reads the weak mean over every weak attempt.
import type { AcceptancePreset, WeakZeroRule } from './acceptance.ts';
import type { SolverStage } from './stages.ts';

export type StageOutcome = 'pass' | 'too-easy' | 'weak-all-zero' | 'fail';

export type EarlyStopDecision = { decided: false } | { decided: true; outcome: StageOutcome; reason: string };

export interface StageProgress {
  preset: AcceptancePreset;
  weakZeroRule: WeakZeroRule;
  stage: SolverStage;
  /** Scores of the attempts made so far, in attempt order. */
  scores: readonly number[];
  /** Attempts of the stage not made yet. */
  remaining: number;
  /** Strong stage only: the weak mean the gap is measured from. */
  weakMean?: number;
}

// The same tolerance and comparisons as acceptance.ts, so a bound reads exactly as the verdict would.
const TOLERANCE = 1e-9;
const atMost = (value: number, limit: number) => value <= limit + TOLERANCE;
const atLeast = (value: number, limit: number) => value >= limit - TOLERANCE;
const below = (value: number, limit: number) => value < limit - TOLERANCE;
const isZero = (score: number) => score <= TOLERANCE;
const isCorrect = (score: number) => score >= 1 - TOLERANCE;
const format = (value: number) => value.toFixed(2);

const UNDECIDED: EarlyStopDecision = { decided: false };
const decided = (outcome: StageOutcome, reason: string): EarlyStopDecision => ({ decided: true, outcome, reason });

/** Whether the remaining attempts can still change the stage's outcome; with none remaining it is always decided. */
export function stageDecision(progress: StageProgress): EarlyStopDecision {
  const { scores, remaining } = progress;
  if (scores.length === 0 && remaining > 0) return UNDECIDED;
  return progress.stage === 'weak' ? weakDecision(progress) : strongDecision(progress);
}

/** The attempt (1-based) and score of the first attempt that meets `test`, for the reason text. */
function firstAttempt(scores: readonly number[], test: (score: number) => boolean): string {
  const index = scores.findIndex(test);
  return `attempt ${index + 1} scored ${format(scores[index]!)}`;
}

function weakDecision(progress: StageProgress): EarlyStopDecision {
  const { preset, weakZeroRule, scores, remaining } = progress;
  const total = scores.length + remaining;
  const sum = scores.reduce((acc, score) => acc + score, 0);
  const lowestMean = sum / total;
  const highestMean = (sum + remaining) / total;
  const anyNonZero = scores.some((score) => !isZero(score));

  // A failure is decided only with its kind: 'weak-all-zero' needs every attempt at 0, so once a
  // measured attempt is above 0 the failure is 'too-easy'; while all are 0 and some remain, wait.
  const firstNonZero = scores.findIndex((score) => !isZero(score));
  const failure = (reason: string): EarlyStopDecision => {
    if (anyNonZero) return decided('too-easy', reason);
    return remaining === 0 ? decided('weak-all-zero', reason) : UNDECIDED;
  };

  switch (preset) {
    case 'paper-prompt': {
      if (scores.some((score) => !atMost(score, 0.75))) return failure(`weak ${firstAttempt(scores, (score) => !atMost(score, 0.75))} > 0.75 (best-attempt limit)`);
      if (!atMost(lowestMean, 0.65)) return failure(`weak mean is above 0.65 even if the ${remaining} remaining attempt(s) score 0`);
      if (weakZeroRule === 'any' && scores.some(isZero)) {
        // Leading zeros wait for a non-zero attempt (or the last one): say which one settled the kind.
        const settled = firstNonZero > 0 ? `; attempt ${firstNonZero + 1} scored above 0, so not every attempt is 0` : '';
        return failure(`weak ${firstAttempt(scores, isZero)} (a weak 0 rejects)${settled}`);
      }
      if (remaining > 0) return UNDECIDED;
      if (weakZeroRule === 'all' && !anyNonZero) return decided('weak-all-zero', 'every weak attempt scored 0');
      return decided('pass', 'every weak attempt was made');
    }
    case 'paper-prose': {
      if (!below(lowestMean, 0.5)) return failure(`weak mean is 0.50 or more even if the ${remaining} remaining attempt(s) score 0`);
      // below(highestMean) would decide a pass, but the gap needs the whole weak mean: go on.
      if (remaining > 0) return UNDECIDED;
      return decided('pass', 'every weak attempt was made');
    }
    case 'verifiable': {
      const correct = scores.filter(isCorrect).length;
      const allowed = Math.floor(total / 4);
      if (correct > allowed) return failure(`weak solver correct ${correct} time(s) by attempt ${scores.length}, more than the ${allowed} allowed of ${total}`);
      // No gap in this preset: a pass is decided once even all remaining attempts correct stay within the limit.
      if (correct + remaining <= allowed) return decided('pass', `weak solver correct ${correct} of ${scores.length}; the ${remaining} remaining attempt(s) cannot exceed ${allowed} of ${total}`);
      return UNDECIDED;
    }
  }
}

function strongDecision(progress: StageProgress): EarlyStopDecision {
  const { preset, scores, remaining } = progress;
  const weakMean = progress.weakMean ?? 0;
  const total = scores.length + remaining;
  const sum = scores.reduce((acc, score) => acc + score, 0);
  const lowestMean = sum / total;
  const highestMean = (sum + remaining) / total;
  const rest = `even if the ${remaining} remaining attempt(s) score 1`;

  switch (preset) {
    case 'paper-prompt': {
      if (scores.some(isZero)) return decided('fail', `strong ${firstAttempt(scores, isZero)} (a strong 0 rejects)`);
      if (!atLeast(highestMean, 0.6)) return decided('fail', `strong mean stays below 0.60 ${rest}`);
      if (!atLeast(highestMean - weakMean, 0.2)) return decided('fail', `gap stays below 0.20 ${rest} (weak mean ${format(weakMean)})`);
      if (!below(lowestMean, 0.95)) return decided('fail', `strong mean is 0.95 or more even if the ${remaining} remaining attempt(s) score 0`);
      // A remaining attempt at 0 would still fail the stage: a pass needs every attempt.
      if (remaining > 0) return UNDECIDED;
      return decided('pass', 'every strong attempt was made');
    }
    case 'paper-prose': {
      if (!atLeast(highestMean, 0.65)) return decided('fail', `strong mean stays below 0.65 ${rest}`);
      if (!atLeast(highestMean - weakMean, 0.2)) return decided('fail', `gap stays below 0.20 ${rest} (weak mean ${format(weakMean)})`);
      if (atLeast(lowestMean, 0.65) && atLeast(lowestMean - weakMean, 0.2)) {
        return decided('pass', remaining === 0 ? 'every strong attempt was made' : `strong mean and gap hold even if the ${remaining} remaining attempt(s) score 0`);
      }
      return remaining === 0 ? decided('fail', 'every strong attempt was made') : UNDECIDED;
    }
    case 'verifiable': {
      const correct = scores.filter(isCorrect).length;
      const needed = Math.ceil((3 * total) / 4);
      if (correct >= needed) return decided('pass', `strong solver correct ${correct} of ${scores.length}, the ${needed} of ${total} needed`);
      if (correct + remaining < needed) return decided('fail', `strong solver correct ${correct} of ${scores.length}; ${needed} of ${total} can no longer be reached`);
      return UNDECIDED;
    }
  }
}

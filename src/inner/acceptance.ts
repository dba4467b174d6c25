// Acceptance presets: pure functions of the recorded scores. The framework always recomputes
// acceptance with these; no model's claim of acceptance is ever taken on trust.
import type { HarnessSettings } from '../harness/settings.ts';

export type AcceptancePreset = HarnessSettings['acceptance'];
export type WeakZeroRule = HarnessSettings['weakZeroRule'];

export interface StageVerdict {
  passed: boolean;
  reasons: string[];
}

export interface AcceptanceVerdict {
  accepted: boolean;
  /** The stage that decided: 'weak' when the weak criteria failed, else 'strong'. */
  stage: 'weak' | 'strong';
  reasons: string[];
}

// Scores are ratios of small integers; a tolerance keeps 0.65 from reading as 0.6500000001.
const TOLERANCE = 1e-9;
const atMost = (value: number, limit: number) => value <= limit + TOLERANCE;
const atLeast = (value: number, limit: number) => value >= limit - TOLERANCE;
const below = (value: number, limit: number) => value < limit - TOLERANCE;

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

const format = (value: number) => value.toFixed(2);
/** " of 4" when early stopping left attempts out, so a count reads against the planned attempts. */
const ofPlanned = (scored: number, attempts: number) => (scored === attempts ? '' : ` of ${attempts}`);

/** Every attempt scored 0 (a weak stage failed this way is not too easy but too hard, or ill-posed). */
export function allScoredZero(scores: readonly number[]): boolean {
  return scores.length > 0 && scores.every((score) => score <= TOLERANCE);
}

/** Counting rule of the verifiable mode, written for 4 attempts and scaled to others. */
export function verifiableLimits(weakAttempts: number, strongAttempts: number): { weakCorrectMax: number; strongCorrectMin: number } {
  return { weakCorrectMax: Math.floor(weakAttempts / 4), strongCorrectMin: Math.ceil((3 * strongAttempts) / 4) };
}

/**
 * The weak-solver criteria alone (decides whether the strong solver runs at all). `attempts` is the
 * number of attempts the stage was set to make (more than the scores when early stopping skipped
 * some); only the verifiable counting rule reads it.
 */
export function weakStageVerdict(
  preset: AcceptancePreset,
  weakScores: readonly number[],
  weakZeroRule: WeakZeroRule = 'any',
  attempts: number = weakScores.length,
): StageVerdict {
  const reasons: string[] = [];
  if (weakScores.length === 0) return { passed: false, reasons: ['no weak scores'] };
  const weakMean = mean(weakScores);
  switch (preset) {
    case 'paper-prompt': {
      const best = Math.max(...weakScores);
      if (!atMost(weakMean, 0.65)) reasons.push(`weak mean ${format(weakMean)} is above 0.65`);
      if (!atMost(best, 0.75)) reasons.push(`best weak attempt ${format(best)} is above 0.75`);
      const zeros = weakScores.filter((score) => score <= TOLERANCE).length;
      if (weakZeroRule === 'any' && zeros > 0) reasons.push(`${zeros} weak attempt(s) scored 0`);
      if (weakZeroRule === 'all' && zeros === weakScores.length) reasons.push('every weak attempt scored 0');
      break;
    }
    case 'paper-prose':
      if (!below(weakMean, 0.5)) reasons.push(`weak mean ${format(weakMean)} is not below 0.50`);
      break;
    case 'verifiable': {
      const correct = weakScores.filter((score) => score >= 1 - TOLERANCE).length;
      const { weakCorrectMax } = verifiableLimits(attempts, attempts);
      if (correct > weakCorrectMax) reasons.push(`weak solver correct ${correct} of ${weakScores.length} (at most ${weakCorrectMax}${ofPlanned(weakScores.length, attempts)} allowed)`);
      break;
    }
  }
  return { passed: reasons.length === 0, reasons };
}

/** Strong and gap criteria, given weak scores that already passed; `attempts` as in weakStageVerdict. */
export function strongStageVerdict(
  preset: AcceptancePreset,
  weakScores: readonly number[],
  strongScores: readonly number[],
  attempts: number = strongScores.length,
): StageVerdict {
  const reasons: string[] = [];
  if (strongScores.length === 0) return { passed: false, reasons: ['no strong scores'] };
  const strongMean = mean(strongScores);
  const gap = strongMean - mean(weakScores);
  switch (preset) {
    case 'paper-prompt': {
      if (!atLeast(strongMean, 0.6)) reasons.push(`strong mean ${format(strongMean)} is below 0.60`);
      if (!below(strongMean, 0.95)) reasons.push(`strong mean ${format(strongMean)} is 0.95 or more`);
      const zeros = strongScores.filter((score) => score <= TOLERANCE).length;
      if (zeros > 0) reasons.push(`${zeros} strong attempt(s) scored 0`);
      if (!atLeast(gap, 0.2)) reasons.push(`gap ${format(gap)} is below 0.20`);
      break;
    }
    case 'paper-prose':
      if (!atLeast(strongMean, 0.65)) reasons.push(`strong mean ${format(strongMean)} is below 0.65`);
      if (!atLeast(gap, 0.2)) reasons.push(`gap ${format(gap)} is below 0.20`);
      break;
    case 'verifiable': {
      const correct = strongScores.filter((score) => score >= 1 - TOLERANCE).length;
      const { strongCorrectMin } = verifiableLimits(weakScores.length, attempts);
      if (correct < strongCorrectMin) reasons.push(`strong solver correct ${correct} of ${strongScores.length} (at least ${strongCorrectMin}${ofPlanned(strongScores.length, attempts)} needed)`);
      break;
    }
  }
  return { passed: reasons.length === 0, reasons };
}

/** The full decision from recorded scores; `strongScores` null means the strong stage did not run. */
export function acceptanceVerdict(
  preset: AcceptancePreset,
  weakScores: readonly number[],
  strongScores: readonly number[] | null,
  weakZeroRule: WeakZeroRule = 'any',
  attempts: { weak: number; strong: number } = { weak: weakScores.length, strong: strongScores?.length ?? 0 },
): AcceptanceVerdict {
  const weak = weakStageVerdict(preset, weakScores, weakZeroRule, attempts.weak);
  if (!weak.passed) return { accepted: false, stage: 'weak', reasons: weak.reasons };
  if (strongScores === null) return { accepted: false, stage: 'strong', reasons: ['the strong solver has not been evaluated'] };
  const strong = strongStageVerdict(preset, weakScores, strongScores, attempts.strong);
  return { accepted: strong.passed, stage: 'strong', reasons: strong.reasons };
}

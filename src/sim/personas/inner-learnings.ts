// How the sim challenger and main agent take the learnings of earlier batches (`generate
// --batches`, the `<learnings>` block of their prompts). A lesson is data, not the harness's own
// instruction, so it never fires a directive outright: a lesson that names a failure mode (in the
// words the analyzer recognises, meta-failure-modes.ts) acts like the first directive that fixes
// that mode for this role, at LEARNING_STRENGTH of its strength, with no noise (no random draw, so
// a prompt without learnings samples exactly as before). Switch-like directives (full strength,
// e.g. "no negative criteria") are left out: a lesson cannot change a rubric convention the
// verifier's prompt must agree to. Lessons about anything else do nothing.
import { getDirective, type DirectiveId, type LatentRate } from '../directives.ts';
import { failureModeCatalogue, lineShowsMode } from './meta-failure-modes.ts';

/** A lesson moves a rate half as far as the matching directive written into the harness would. */
export const LEARNING_STRENGTH = 0.5;

export type LearningRole = 'challenger' | 'mainAgent';

/** The directives the lessons stand in for, for `role`: per named failure mode, its first fix for that role. */
export function learnedDirectives(learnings: string, role: LearningRole): DirectiveId[] {
  const found: DirectiveId[] = [];
  for (const line of learnings.split('\n')) {
    for (const mode of failureModeCatalogue) {
      if (!lineShowsMode(mode, line)) continue;
      const fix = mode.fixes.find((id) => {
        const directive = getDirective(id);
        return directive.role === role && directive.effects.every((effect) => Math.abs(effect.strength) < 1);
      });
      if (fix && !found.includes(fix)) found.push(fix);
    }
  }
  return found;
}

/** `rates` after the lessons in `learnings` (null or empty: unchanged, the same object). */
export function applyLearnings<R extends Partial<Record<LatentRate, number>>>(rates: R, learnings: string | null, role: LearningRole): R {
  if (!learnings) return rates;
  const result: Partial<Record<LatentRate, number>> = { ...rates };
  for (const id of learnedDirectives(learnings, role)) {
    for (const effect of getDirective(id).effects) {
      const value = result[effect.rate];
      if (value === undefined) continue;
      const strength = Math.abs(effect.strength) * LEARNING_STRENGTH;
      result[effect.rate] = effect.strength < 0 ? value * (1 - strength) : value + (1 - value) * strength;
    }
  }
  return result as R;
}

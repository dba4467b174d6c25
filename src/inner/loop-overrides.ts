// The code overrides of the judge-decided loop (harness setting `loopJudge`): checks in code that
// force improve whatever the loop judge says, so its accept is never taken on trust (pure).
import type { HarnessSettings } from '../harness/settings.ts';
import { loopJudgeSettingsSchema } from '../harness/settings.ts';
import type { DiagnosticPacket } from './result-schema.ts';

export type LoopOverrides = NonNullable<HarnessSettings['loopJudge']>;

/** Scores are ratios of small integers: a tolerance keeps 0.2 from reading as 0.19999999. */
const TOLERANCE = 1e-9;

/** The harness's overrides, or the defaults (only the question-length cap binds) when it sets none. */
export function loopOverrides(settings: Pick<HarnessSettings, 'loopJudge'>): LoopOverrides {
  return settings.loopJudge ?? loopJudgeSettingsSchema.parse({});
}

/** Each override the round violates, as one line that says what and by how much; empty when none. */
export function overrideViolations(overrides: LoopOverrides, packet: DiagnosticPacket): string[] {
  const violations: string[] = [];
  if (packet.question_chars > overrides.maxQuestionChars) {
    violations.push(`the question body is ${packet.question_chars} characters, over the ${overrides.maxQuestionChars} allowed`);
  }
  if (packet.weak.mean < overrides.minWeakMean - TOLERANCE) {
    violations.push(`weak mean ${packet.weak.mean.toFixed(2)} is below ${overrides.minWeakMean.toFixed(2)}: too hard for the weak solver to learn from`);
  }
  if (packet.weak.mean > overrides.maxWeakMean + TOLERANCE) {
    violations.push(`weak mean ${packet.weak.mean.toFixed(2)} is above ${overrides.maxWeakMean.toFixed(2)}: too easy`);
  }
  if (packet.gap < overrides.minGap - TOLERANCE) {
    violations.push(`gap ${packet.gap.toFixed(2)} is below ${overrides.minGap.toFixed(2)}`);
  }
  return violations;
}

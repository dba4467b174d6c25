// A model that cannot be reached is a systemic fault: the run stops (and resumes later) instead
// of recording a string of iterations that failed for a reason unrelated to the harness.
import { RunHalted } from '../errors.ts';
import type { LlmResult } from '../llm/types.ts';

export function throwIfUnavailable(result: LlmResult<unknown>, role: string): void {
  if (result.ok) return;
  if (result.failure.kind === 'transport' || result.failure.kind === 'cache-miss') {
    throw new RunHalted(
      `the ${role} endpoint failed (${result.failure.kind}: ${result.failure.message}); check it with \`autodata doctor\`, then resume`,
    );
  }
}

// The analyzer role: reads the parent's failed training trajectories and the history log, and
// returns a structured root-cause analysis of the systematic failures.
import { renderFile } from '../harness/index.ts';
import { paidCallsOf } from '../llm/call-count.ts';
import type { Llm, LlmResult } from '../llm/types.ts';
import { joinTrajectories, type TrajectoryText } from '../inner/format-trajectory.ts';
import { throwIfUnavailable } from './llm-outage.ts';
import { FAILURE_ANALYSIS_SCHEMA_NAME, failureAnalysisSchema, type FailureAnalysis } from './schemas.ts';

// The `trajectories` value is the inner loop's, shared with the learner of `generate --batches`.
export { joinTrajectories, type TrajectoryText };

export interface AnalyzeInput {
  /** The analyzer prompt template (placeholders `trajectories`, `history`). */
  template: string;
  trajectories: TrajectoryText[];
  history: string;
  seed: number;
}

export type AnalyzeOutcome =
  | { ok: true; analysis: FailureAnalysis; calls: number; tokens: number }
  | { ok: false; error: string; calls: number; tokens: number };

export async function analyzeFailures(llm: Llm, input: AnalyzeInput): Promise<AnalyzeOutcome> {
  const prompt = renderFile(input.template, { trajectories: joinTrajectories(input.trajectories), history: input.history });
  const result = await llm.structured({
    role: 'analyzer',
    messages: [{ role: 'user', content: prompt }],
    seed: input.seed,
    schemaName: FAILURE_ANALYSIS_SCHEMA_NAME,
    schema: failureAnalysisSchema,
  });
  throwIfUnavailable(result, 'analyzer');
  const { calls, tokens } = usageOf(result);
  if (!result.ok) return { ok: false, error: `analyzer ${result.failure.kind}: ${result.failure.message}`, calls, tokens };
  return { ok: true, analysis: result.value, calls, tokens };
}

/** Analysis as the implementer reads it: pretty JSON of the structured reply. */
export function formatAnalysis(analysis: FailureAnalysis): string {
  return JSON.stringify(analysis, null, 2);
}

/** What a call cost (paid calls, llm/call-count.ts): a cache hit (e.g. an iteration redone after a resume) costs nothing. */
export function usageOf(result: LlmResult<unknown>): { calls: number; tokens: number } {
  return {
    calls: paidCallsOf(result.usage),
    tokens: result.usage.promptTokens + result.usage.completionTokens,
  };
}

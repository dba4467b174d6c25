// The analyzer role: reads the parent's failed training trajectories and the history log, and
// returns a structured root-cause analysis of the systematic failures.
import { renderFile } from '../harness/index.ts';
import { paidCallsOf } from '../llm/call-count.ts';
import type { Llm, LlmResult } from '../llm/types.ts';
import { throwIfUnavailable } from './llm-outage.ts';
import { FAILURE_ANALYSIS_SCHEMA_NAME, failureAnalysisSchema, type FailureAnalysis } from './schemas.ts';

/** One document's trajectory as text (from the inner loop's formatTrajectory). */
export interface TrajectoryText {
  documentId: string;
  accepted: boolean;
  text: string;
}

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

// Real trajectories can be long; the analyzer needs the pattern, not every byte of every round.
const MAX_TRAJECTORY_CHARS = 12_000;

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

/** The `trajectories` value: one block per document, failed ones first as the loop passes them. */
export function joinTrajectories(trajectories: readonly TrajectoryText[]): string {
  if (trajectories.length === 0) return 'No trajectories.';
  return trajectories
    .map((trajectory) => {
      const verdict = trajectory.accepted ? 'accepted in the end' : 'not accepted';
      const text =
        trajectory.text.length > MAX_TRAJECTORY_CHARS
          ? `${trajectory.text.slice(0, MAX_TRAJECTORY_CHARS)}\n[... ${trajectory.text.length - MAX_TRAJECTORY_CHARS} more characters cut]`
          : trajectory.text;
      return `=== Document ${trajectory.documentId} (${verdict}) ===\n${text.trimEnd()}`;
    })
    .join('\n\n');
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

// The structured replies of the outer loop's two LLM roles (src/README.md, "The wire protocol").
// The same zod schema builds the JSON schema sent to the model and validates its reply.
import { z } from 'zod';

export const FAILURE_ANALYSIS_SCHEMA_NAME = 'failure_analysis';
export const HARNESS_EDITS_SCHEMA_NAME = 'harness_edits';

export const failureModeSchema = z.object({
  name: z.string().min(1),
  count: z.number().int().min(0),
  evidence: z.array(z.string()),
  suggested_fix: z.string(),
});

export const failureAnalysisSchema = z.object({
  headline: z.string().min(1),
  failure_modes: z.array(failureModeSchema),
});
export type FailureAnalysis = z.infer<typeof failureAnalysisSchema>;

export const harnessEditSchema = z.object({
  file: z.string(),
  search: z.string(),
  replace: z.string(),
});

export const harnessEditsSchema = z.object({
  summary: z.string(),
  edits: z.array(harnessEditSchema),
});
export type HarnessEdits = z.infer<typeof harnessEditsSchema>;

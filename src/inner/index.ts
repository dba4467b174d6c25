// The inner loop's public API: Agentic Self-Instruct and its baselines over one harness.
export type {
  DocumentOutcome,
  EvaluateOptions,
  EvaluationSummary,
  ExampleStatistics,
  HarnessEvaluation,
  InnerDeps,
  InnerDocument,
  RoleCounts,
  RunDocumentOptions,
} from './types.ts';
export {
  FAILURE_REASONS,
  documentResultSchema,
  documentFitSchema,
  type AttemptReport,
  type DocumentFitRecord,
  type DocumentResult,
  type FailureReason,
  type RoundRecord,
  type RubricItem,
} from './result-schema.ts';
export { evaluateHarness, runDocument } from './evaluate-harness.ts';
export {
  contextFitFor,
  DEFAULT_LONG_DOCUMENT_POLICY,
  describeDocumentFit,
  DOCUMENT_ROLES,
  fitDocument,
  fitDocuments,
  LONG_DOCUMENT_POLICIES,
  TOO_LONG_FOR_CONTEXT,
  type ContextFit,
  type DocumentRole,
  type EndpointLimits,
  type FitDecision,
  type FittedDocuments,
  type LongDocumentPolicy,
  type RoleWindow,
} from './fit-document.ts';
export { summarizeEvaluation } from './summarize-evaluation.ts';
export { formatTrajectory } from './format-trajectory.ts';
export { acceptanceVerdict, weakStageVerdict, type AcceptanceVerdict, type AcceptancePreset } from './acceptance.ts';
export { parseRubric, rubricScore, type ParsedRubric } from './rubric.ts';
export { buildRefinementMessage, FIRST_ROUND_FEEDBACK } from './refinement.ts';
export * from './schemas.ts';
export { verdictLine } from './format-trajectory.ts';
export { formatSummary } from './format-summary.ts';
export { runGeneration, type GenerationOptions, type GenerationResult } from './run-generation.ts';
export { compareMethods, formatComparison, type CompareOptions, type MethodRow } from './compare-methods.ts';
export { MAX_INFRASTRUCTURE_ROUNDS } from './scripted-orchestrator.ts';

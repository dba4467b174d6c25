// Public API of the outer loop (meta-optimization of the harness).
export { evolve, sampleDocuments, type EvolveDeps, type EvolveResult, type EvolveSetup } from './evolve.ts';
export { runEvolution, RUN_KIND, STORE_FILE, WORKSPACE_FOLDER, type RunEvolutionOptions, type RunEvolutionResult } from './run-evolution.ts';
export { selectParent, selectionProbabilities, parentSelectionSchema, type ParentSelection, type ScoredCandidate, type Rng } from './select-parent.ts';
export { acceptChild, acceptanceRuleSchema, discordantPairs, signTestPValue, type AcceptanceRule, type AcceptanceDecision, type PairedEvaluation } from './accept-child.ts';
export { analyzeFailures, formatAnalysis, joinTrajectories, type AnalyzeInput, type AnalyzeOutcome, type TrajectoryText } from './analyze.ts';
export { proposeEdit, type EditAttempt, type ProposeInput, type ProposeOutcome } from './propose-edit.ts';
export { renderHistory, renderHistoryEntry } from './history.ts';
export { bestAfterEachIteration, bestCandidate, candidateScores, populationAsOf, type CandidateStanding } from './best-candidate.ts';
export { checkPlateau, describePlateau, plateauRuleSchema, type PlateauCheck, type PlateauRule } from './plateau.ts';
export { progressFromStore, type Emit, type EvolveEvent, type EvolveProgress, type StopReason } from './events.ts';
export { describeEvent, describeProgress } from './event-lines.ts';
export { budgetStopReason, plannedIterations } from './budget.ts';
export { finalTestFromStore, formatFinalTest, runFinalTest, TEST_REPEAT, type FinalTestResult, type TestScore } from './final-test.ts';
export {
  candidateDetails,
  curvePoints,
  formatCandidateDetails,
  formatRunStatus,
  locateRunStore,
  runStatus,
  type CandidateDetails,
  type CurvePoint,
  type RunStatus,
} from './inspect-run.ts';
export * from './population-store.ts';
export * from './schemas.ts';

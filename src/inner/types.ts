// Public types of the inner loop (consumed by the outer loop and the CLI).
import type { Llm, Role } from '../llm/types.ts';
import type { Store } from '../store/open-store.ts';
import type { ContextFit } from './fit-document.ts';
import type { DocumentFitRecord, DocumentResult, FailureReason, ResultProvenance } from './result-schema.ts';

export interface InnerDeps {
  llm: Llm;
  store?: Store;
  log?: (line: string) => void;
  /** Timestamp for stored rows (defaults to the wall clock). */
  now?: () => string;
}

/** What the loop needs of a document (`Document` from src/documents satisfies it). */
export interface InnerDocument {
  id: string;
  title: string;
  text: string;
  /** Set when `text` was truncated to fit a context window (inner/fit-document.ts); recorded in result.json. */
  fit?: DocumentFitRecord;
}

export interface RunDocumentOptions {
  seed: number;
  repeat: number;
  /** Folder for `<document id>.json`, rewritten atomically after every round. */
  resultsDir?: string;
  /** The endpoints are the sim: result.json says so. */
  simulated?: boolean;
  /** Overrides the harness's `earlyStop` setting for this run (absent: the harness decides). */
  earlyStop?: boolean;
  /** Recorded in result.json as `provenance` (run, candidate, split part, iteration); never in a prompt, seed or key. */
  provenance?: ResultProvenance;
  /** Learnings of earlier batches (`generate --batches`) for the challenger and main agent; absent: requests as without batches. */
  learnings?: string;
}

export interface EvaluateOptions extends RunDocumentOptions {
  concurrency: number;
  /**
   * The context windows of the roles that carry the document, and the long-document policy: a
   * document that cannot fit is truncated or skipped (never sent). Absent: documents run as given.
   */
  contextFit?: ContextFit;
  /** `index`: the document's place in the list run (after context fitting). */
  onDocumentDone?: (outcome: DocumentOutcome, done: number, total: number, index: number) => void;
  /**
   * Awaited before each document starts, in list order: it may hold the document back (resolve
   * later), and false stops the evaluation there (that document and every later one are not
   * started; those running finish), which then covers the documents started. It must stay false
   * for later documents once it said false. Racing the paired validation
   * (outer/race-validation.ts) uses it. Absent: every document runs.
   */
  beforeStart?: (index: number) => boolean | Promise<boolean>;
}

export interface RoleCounts {
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export interface DocumentOutcome {
  documentId: string;
  accepted: boolean;
  acceptedRound: number | null;
  totalRounds: number;
  /** Failed rounds by reason, plus one 'gave-up' or 'budget-exhausted' when nothing was accepted. */
  failureReasons: Record<FailureReason, number>;
  /** The accepted round's means, else the last evaluated round's (null when nothing was evaluated). */
  weakMean: number | null;
  strongMean: number | null;
  gap: number | null;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  falseAcceptanceClaims: number;
  usageByRole: Partial<Record<Role, RoleCounts>>;
  /** The result.json content. */
  result: DocumentResult;
  /** Taken from the store instead of being run again. */
  reused: boolean;
  error?: string;
}

export interface ExampleStatistics {
  /** Examples this block is computed over. */
  examples: number;
  weakMean: number | null;
  strongMean: number | null;
  gap: number | null;
  /** Mean question length in characters. */
  questionLength: number | null;
  rubricItems: number | null;
}

export interface EvaluationSummary {
  /** Documents run (skipped ones are not: see `skipped`); completed + errored. */
  documents: number;
  /** Documents that reached a verdict (accepted or not); the pass rate's denominator. */
  completed: number;
  /** Documents that ended with an error: no verdict, not in the pass rate, retried on resume. */
  errored: number;
  accepted: number;
  /** accepted / completed; null when no document reached a verdict. */
  passRate: number | null;
  /** Documents that ended with an error (not a verdict), with the error line. */
  errors: Array<{ documentId: string; error: string }>;
  /** Documents run on a truncated text to fit a role's context window (inner/fit-document.ts); they count like any other. */
  truncated: number;
  /** Documents never sent to any model: too long for a role's context window. Not in `documents`, not in the pass rate. */
  skipped: number;
  /** Each skipped document with its reason (`too-long-for-context`) and one line of detail. */
  skippedDocuments: Array<{ documentId: string; reason: string; detail: string }>;
  /** `2 documents truncated to fit challenger's 8192-token window, 1 skipped (...)`; null when every document went whole. */
  documentFit: string | null;
  /**
   * Solver attempts made and skipped by early stopping (harness setting `earlyStop`), over every
   * evaluated stage; present only when some were skipped. The means below are then over the attempts made.
   */
  earlyStop?: { attemptsMade: number; attemptsSkipped: number };
  /** Over accepted examples (the agentic loop's Table 1 numbers). */
  acceptedExamples: ExampleStatistics;
  /** Over every round that passed QV and was evaluated (the single-shot baseline's Table 1 numbers). */
  evaluatedRounds: ExampleStatistics;
  /** Mean accepted round (counting only rounds that reached a verdict). */
  roundsPerAccepted: number | null;
  failureReasons: Record<FailureReason, number>;
  falseAcceptanceClaims: number;
  usageByRole: Partial<Record<Role, RoleCounts>>;
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export interface HarnessEvaluation {
  /** accepted / completed documents (errored ones left out); null when none completed. */
  passRate: number | null;
  outcomes: DocumentOutcome[];
  summary: EvaluationSummary;
}

// The content of result.json (one per document) and of document_result.result_json.
// Field names are snake_case because the file is the dataset-facing artefact.
import { z } from 'zod';

export const FAILURE_REASONS = [
  'too-easy',
  /** Every weak attempt scored 0: too hard for the weak solver, or ill-posed (the paper's weak-zero rule). */
  'weak-all-zero',
  'failed-on-strong',
  'failed-qv',
  'rubric-format',
  'infrastructure',
  /** judge-loop orchestrator: the loop judge asked for another draft, or a code override overruled its accept. */
  'loop-improve',
  'gave-up',
  'budget-exhausted',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Why one round did not produce an accepted example (the document-level reasons are separate). */
export type RoundFailureReason = Extract<
  FailureReason,
  'too-easy' | 'weak-all-zero' | 'failed-on-strong' | 'failed-qv' | 'rubric-format' | 'infrastructure' | 'loop-improve'
>;

export const rubricItemSchema = z.object({
  index: z.number().int(),
  criterion: z.string(),
  weight: z.number().int(),
  category: z.string(),
});
export type RubricItem = z.infer<typeof rubricItemSchema>;

const criterionScoreSchema = z.object({
  index: z.number().int(),
  criterion: z.string(),
  weight: z.number(),
  met: z.number(),
  reason: z.string(),
});

export const attemptReportSchema = z.object({
  attempt: z.number().int(),
  answer: z.string().nullable(),
  score: z.number().nullable(),
  /** Rubric mode: the judge's score per criterion. */
  criteria: z.array(criterionScoreSchema).optional(),
  /** Verifiable mode: the judge's binary verdict against the reference. */
  correct: z.boolean().optional(),
  judge_reason: z.string().optional(),
  /** Calls that failed on the way to this attempt's score (retried with new seeds). */
  errors: z.array(z.string()),
  /**
   * The beginning of the solver's reasoning (a thinking model's, never shown to the judge) and its
   * whole length in characters, for the analyzer's trajectories. Absent when the reply had none.
   */
  reasoning: z.object({ excerpt: z.string(), chars: z.number().int() }).optional(),
});
export type AttemptReport = z.infer<typeof attemptReportSchema>;

/** Characters of a solver's reasoning kept with its attempt (result.json stays small; the cache has it all). */
export const REASONING_EXCERPT_CHARS = 300;

/** What an attempt keeps of a solver's reasoning; undefined for a reply without any. */
export function reasoningExcerpt(reasoning: string | null | undefined): AttemptReport['reasoning'] {
  const text = reasoning?.trim() ?? '';
  if (text === '') return undefined;
  return { excerpt: Array.from(text).slice(0, REASONING_EXCERPT_CHARS).join(''), chars: Array.from(text).length };
}

/**
 * A solver stage that stopped early (harness setting `earlyStop`): the attempts it was set to make,
 * the attempt numbers it did not make, and why none of them could change the outcome.
 */
export const earlyStopSchema = z.object({
  attempts_planned: z.number().int(),
  skipped: z.number().int(),
  skipped_attempts: z.array(z.number().int()),
  reason: z.string(),
});
export type EarlyStopRecord = z.infer<typeof earlyStopSchema>;

/** `scores`, `mean` and `best` are over the attempts made; with `early_stop`, some were skipped. */
const stageSchema = z.object({
  scores: z.array(z.number()),
  mean: z.number(),
  best: z.number(),
  passed: z.boolean(),
  reasons: z.array(z.string()),
  early_stop: earlyStopSchema.optional(),
});
export type StageSummary = z.infer<typeof stageSchema>;

const checkSchema = z.object({ verdict: z.string(), reason: z.string() });

/** One capability's rollouts in a diagnostic packet (judge-loop orchestrator, inner/loop-packet.ts). */
const packetGroupSchema = z.object({
  /** Each rollout's score and, per rubric item in rubric order, whether the judge found it met (0/1). */
  rollouts: z.array(z.object({ attempt: z.number().int(), score: z.number(), met: z.array(z.number()) })),
  mean: z.number(),
  /** Population variance and standard deviation of the rollout scores. */
  variance: z.number(),
  sd: z.number(),
  min: z.number(),
  max: z.number(),
  /** Per rubric item (rubric order): the share of rollouts that met it. */
  criterion_rates: z.array(z.number()),
});

export const diagnosticPacketSchema = z.object({
  question_chars: z.number().int(),
  rubric: z.array(z.object({ index: z.number().int(), criterion: z.string(), weight: z.number() })),
  weak: packetGroupSchema,
  strong: packetGroupSchema,
  gap: z.number(),
});
export type DiagnosticPacket = z.infer<typeof diagnosticPacketSchema>;

/** What the judge-loop orchestrator recorded of a round's decision. */
export const loopJudgeRecordSchema = z.object({
  packet: diagnosticPacketSchema,
  /** The loop judge's verdict as given (null when its call failed: the round is then an infrastructure round). */
  verdict: z.enum(['accept', 'improve']).nullable(),
  suggestion: z.string(),
  reasons: z.array(z.string()),
  /** The code overrides the round violated (each forces improve). */
  overrides_violated: z.array(z.string()),
  /** The judge said accept and an override said no: the accept was overruled (counted in false_acceptance_claims). */
  overruled: z.boolean(),
});
export type LoopJudgeRecord = z.infer<typeof loopJudgeRecordSchema>;

/** The fields of a round's record; a draft of a parallel round has them too. */
const roundFields = {
  round: z.number().int(),
  feedback_given: z.string(),
  question_type: z.string().nullable(),
  reasoning_skills: z.array(z.string()),
  context: z.string().nullable(),
  question: z.string().nullable(),
  reference_answer: z.string().nullable(),
  /** The rubric exactly as the challenger wrote it (weights unparsed). */
  rubric: z.unknown(),
  rubric_format_errors: z.array(z.string()),
  quality_check: z
    .object({ passed: z.boolean(), feedback: z.string(), checks: z.record(z.string(), checkSchema) })
    .nullable(),
  weak: stageSchema.nullable(),
  strong: stageSchema.nullable(),
  gap: z.number().nullable(),
  accepted: z.boolean(),
  failure_reason: z.enum(FAILURE_REASONS).nullable(),
  failure_detail: z.string().nullable(),
  evaluation_report: z.object({ weak: z.array(attemptReportSchema), strong: z.array(attemptReportSchema) }),
  /** judge-loop orchestrator only: the diagnostic packet and the loop judge's verdict of this round. */
  loop_judge: loopJudgeRecordSchema.optional(),
};

/**
 * One draft of a parallel round (agentic orchestrator, challengersPerRound > 1, the main agent gave
 * angles): its number (1-based, in the agent's order), its angle, whether it was kept, and its own
 * stages as a round records them.
 */
export const draftRecordSchema = z.object({ draft: z.number().int(), angle: z.string(), kept: z.boolean(), ...roundFields });
export type DraftRecord = z.infer<typeof draftRecordSchema>;

export const roundRecordSchema = z.object({
  ...roundFields,
  /** A parallel round: every draft; the round's own fields are the kept (best-separating) draft's. */
  drafts: z.array(draftRecordSchema).optional(),
});
export type RoundRecord = z.infer<typeof roundRecordSchema>;

/**
 * How a document was made to fit the context windows of the roles that carry it (inner/fit-document.ts).
 * Absent when the whole document fits (or no window is set).
 */
export const documentFitSchema = z.object({
  /** truncated: run on its title, abstract and the leading sections that fit; skipped: never sent to a model. */
  action: z.enum(['truncated', 'skipped']),
  policy: z.enum(['truncate', 'skip']),
  /** Why it was not run whole. */
  reason: z.literal('too-long-for-context'),
  /** The role whose window leaves the document the least room, and that window (tokens). */
  role: z.string(),
  context_window: z.number().int(),
  /** Estimated tokens that role's prompt leaves for the document (window - maxTokens - reserves). */
  room_tokens: z.number().int(),
  /** Estimated tokens of the whole document in its tag, and of what was sent (null when skipped). */
  document_tokens: z.number().int(),
  kept_tokens: z.number().int().nullable(),
  /** Sections (Markdown headings after the title) kept, and the headings of the ones left out. */
  kept_sections: z.number().int(),
  omitted_sections: z.array(z.string()),
  /** One line for a person. */
  detail: z.string(),
});
export type DocumentFitRecord = z.infer<typeof documentFitSchema>;

/**
 * Which evaluation the episode belongs to, so a reader needs no knowledge of the `repeat`
 * convention. Never part of a prompt, seed or cache key. Absent in results written before it existed.
 */
export const resultProvenanceSchema = z.object({
  /** The store's run id: an evolve run's name, or a generate folder's run (null when nothing is recorded). */
  run: z.string().nullable(),
  /** The evolve candidate evaluated, or the one a generate harness came from (`--harness RUN:CANDIDATE`); null for a folder. */
  candidate: z.string().nullable(),
  split_part: z.enum(['train', 'validation', 'test']).nullable(),
  /** The evolve iteration whose evaluation this is (0: the baseline); null for generate. */
  iteration: z.number().int().nullable(),
});
export type ResultProvenance = z.infer<typeof resultProvenanceSchema>;

const roleUsageSchema = z.object({ calls: z.number(), prompt_tokens: z.number(), completion_tokens: z.number() });
export type RoleUsage = z.infer<typeof roleUsageSchema>;

export const documentResultSchema = z.object({
  document_id: z.string(),
  title: z.string(),
  harness: z.object({ content_hash: z.string(), orchestrator: z.string(), mode: z.string(), acceptance: z.string() }),
  seed: z.number(),
  repeat: z.number(),
  simulated: z.boolean().optional(),
  /**
   * The evaluation that made the episode. A stored episode reused by a later evaluation keeps the
   * first one's in the store; the result.json the reuse writes carries the reusing evaluation's.
   */
  provenance: resultProvenanceSchema.optional(),
  /** Present when the document was truncated (or skipped) to fit a role's context window. */
  document_fit: documentFitSchema.optional(),
  question_type: z.string().nullable(),
  reasoning_skills: z.array(z.string()),
  rounds: z.array(roundRecordSchema),
  final_accepted_round: z.number().int().nullable(),
  total_rounds: z.number().int(),
  /** How the episode ended when nothing was accepted: 'gave-up', 'budget-exhausted', or null. */
  end_reason: z.enum(FAILURE_REASONS).nullable(),
  false_acceptance_claims: z.number().int(),
  agent_steps: z.number().int(),
  usage: z.record(z.string(), roleUsageSchema),
  error: z.string().nullable(),
  finished: z.boolean(),
});
export type DocumentResult = z.infer<typeof documentResultSchema>;

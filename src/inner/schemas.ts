// Reply schemas of the inner-loop roles: the source of truth for the JSON schema sent to a model
// (response_format name = the schema name) and for validating its reply.
import { z } from 'zod';

export const CHALLENGER_SCHEMA_NAME = 'challenger_example';
export const QUALITY_SCHEMA_NAME = 'quality_verdict';
export const RUBRIC_SCORES_SCHEMA_NAME = 'rubric_scores';
export const ANSWER_VERDICT_SCHEMA_NAME = 'answer_verdict';

// Rubric items are kept loose at the call path on purpose: a missing key or a weight written as
// the string "+8" must reach the rubric parser, which records it as a format error of the example.
const rawRubricItemSchema = z.object({
  criterion: z.string().optional(),
  weight: z.unknown().describe('an integer, positive for wanted content, negative for a fault'),
  category: z.string().optional(),
});

const exampleFields = {
  question_type: z.string(),
  reasoning_skills: z.array(z.string()),
  context: z.string(),
  question: z.string(),
  reference_answer: z.string(),
  rubric: z.array(rawRubricItemSchema),
};

export const challengerExampleSchema = z.object(exampleFields);
export type ChallengerExample = z.infer<typeof challengerExampleSchema>;

/** The CoT Self-Instruct baseline reasons first, then writes the same example. */
export const chainOfThoughtExampleSchema = z.object({ reasoning: z.string(), ...exampleFields });

const checkSchema = z.object({ verdict: z.enum(['PASS', 'FAIL']), reason: z.string() });

export const QUALITY_CHECK_NAMES = ['answer_leakage', 'reasoning_not_recall', 'rubric_quality', 'label_match'] as const;

export const qualityVerdictSchema = z.object({
  checks: z.object({
    answer_leakage: checkSchema,
    reasoning_not_recall: checkSchema,
    rubric_quality: checkSchema,
    label_match: checkSchema,
  }),
  overall: z.enum(['PASS', 'FAIL']),
  feedback: z.string(),
});
export type QualityVerdict = z.infer<typeof qualityVerdictSchema>;

const scoreSchema = z.object({ index: z.number().int(), met: z.union([z.literal(0), z.literal(1)]), reason: z.string() });

/**
 * Judge scores for a rubric of `itemCount` items: exactly one score per index 1..itemCount. One
 * schema per count, so the call path converts it to a JSON schema once, not on every judge call.
 */
export function rubricScoresSchema(itemCount: number): RubricScoresSchema {
  let schema = rubricScoresSchemas.get(itemCount);
  if (!schema) {
    schema = buildRubricScoresSchema(itemCount);
    rubricScoresSchemas.set(itemCount, schema);
  }
  return schema;
}

type RubricScoresSchema = ReturnType<typeof buildRubricScoresSchema>;
const rubricScoresSchemas = new Map<number, RubricScoresSchema>();

function buildRubricScoresSchema(itemCount: number) {
  return z
    .object({ scores: z.array(scoreSchema) })
    .superRefine((value, context) => {
      const seen = new Set<number>();
      for (const score of value.scores) {
        if (score.index < 1 || score.index > itemCount) {
          context.addIssue({ code: 'custom', message: `score index ${score.index} is outside 1..${itemCount}` });
        } else if (seen.has(score.index)) {
          context.addIssue({ code: 'custom', message: `score index ${score.index} appears twice` });
        }
        seen.add(score.index);
      }
      const missing = Array.from({ length: itemCount }, (_, offset) => offset + 1).filter((index) => !seen.has(index));
      if (missing.length > 0) {
        context.addIssue({ code: 'custom', message: `no score for rubric item(s) ${missing.join(', ')}` });
      }
    });
}
export type RubricScores = z.infer<RubricScoresSchema>;

export const answerVerdictSchema = z.object({ correct: z.boolean(), reason: z.string() });
export type AnswerVerdict = z.infer<typeof answerVerdictSchema>;

export const LOOP_VERDICT_SCHEMA_NAME = 'loop_verdict';

/** The loop judge's answer (judge-loop orchestrator): accept the round's example, or improve it as suggested. */
export const loopVerdictSchema = z.object({
  verdict: z.enum(['accept', 'improve']),
  suggestion: z.string().describe('What the next draft should change; empty when accepting'),
  reasons: z.array(z.string()).describe('What in the diagnostic packet the verdict rests on'),
});
export type LoopVerdict = z.infer<typeof loopVerdictSchema>;

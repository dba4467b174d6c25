// What the learner role (`generate --batches`) is asked after each batch, and the reply's shape.
// The prompt belongs to this module, not to a harness: the outer loop never runs batches, so an
// editable learner prompt would be a surface the optimizer gets no signal from, and a new file in
// the baselines would change their hashes and every request the implementer sees.
// The trajectories and the earlier learnings go in tagged blocks, as harness prompts carry data.
import { z } from 'zod';

export const LEARNINGS_SCHEMA_NAME = 'batch_learnings';
/** Lessons kept per batch: the prompts of the next batch carry them all. */
export const MAX_LESSONS = 6;

const lesson = z.object({
  lesson: z.string().trim().min(1).max(400),
  evidence: z.string().max(400),
});

export const batchLearningsSchema = z.object({
  summary: z.string().max(600),
  learnings: z.array(lesson).max(MAX_LESSONS),
});
export type BatchLearningsReply = z.infer<typeof batchLearningsSchema>;

/** What `<previous_learnings>` says before the first batch. */
export const NO_PREVIOUS_LEARNINGS = 'None: this was the first batch.';

export function learnerPrompt(trajectories: string, previousLearnings: string | undefined): string {
  return [
    'You are reviewing one finished batch of a synthetic-data run. For each source document below, an',
    'agent tried to write one evaluation example (a question, a reference answer and a grading rubric)',
    'that a weak model fails and a strong model passes. Each trajectory shows every round: its verdict,',
    "the quality checks, the solvers' answers and their scores.",
    '',
    'Find what went wrong again and again across documents (not once in one document) and turn it into',
    'advice for the next batch: short lessons that the question writer, and the agent directing it, can',
    'act on without seeing these trajectories. Say in plain words what kept failing, how often, and what',
    'to do instead. Keep a lesson from the earlier learnings only when this batch still shows the problem.',
    `Give at most ${MAX_LESSONS} lessons, most important first, each with a short quote from the trajectories as evidence,`,
    'and a one-sentence summary of the batch.',
    '',
    '<previous_learnings>',
    previousLearnings ?? NO_PREVIOUS_LEARNINGS,
    '</previous_learnings>',
    '',
    '<trajectories>',
    trajectories,
    '</trajectories>',
  ].join('\n');
}

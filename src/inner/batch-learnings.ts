// The learnings of one batch (`generate --batches`): the learner role reads the batch's
// trajectories (formatTrajectory, as the outer loop's analyzer does) and the learnings in force
// during the batch, and writes the lessons the next batch's challenger and main agent get. Each
// batch's learnings are kept in the run folder (learnings/batch-<n>.json) and reused on resume, so
// a resumed run sends the later batches exactly what the first run sent.
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { Llm } from '../llm/types.ts';
import { deriveSeed } from '../util/hash.ts';
import { readJsonFile } from '../util/read-json-file.ts';
import { writeFileAtomically } from '../util/write-file-atomically.ts';
import { formatTrajectory, joinTrajectories } from './format-trajectory.ts';
import { batchLearningsSchema, learnerPrompt, LEARNINGS_SCHEMA_NAME } from './learner-prompt.ts';
import type { DocumentOutcome } from './types.ts';

export const LEARNINGS_DIR = 'learnings';

const storedLearningsSchema = z.object({
  batch: z.number().int().positive(),
  documents: z.array(z.string()),
  summary: z.string(),
  learnings: z.array(z.object({ lesson: z.string(), evidence: z.string() })),
  /** What the next batch's challenger and main agent prompts carry (`{{learnings}}`). */
  text: z.string(),
});
export type BatchLearnings = z.infer<typeof storedLearningsSchema>;

export function learningsFile(runDir: string, batch: number): string {
  return path.join(runDir, LEARNINGS_DIR, `batch-${batch}.json`);
}

/** What to do about a damaged learnings file: the same words for a resumed run and for an export. */
const LEARNINGS_REMEDY = 'remove it and run the `autodata generate --batches` command that made the folder again, which derives it anew';

/**
 * One learnings file, or undefined when it does not exist. The only reader: resume and the export's
 * data card both stop at a damaged file with one line (as for analysis.json), since a resumed run
 * would send the next batch other lessons and a card would leave a batch out unsaid.
 */
function readLearningsFile(file: string): BatchLearnings | undefined {
  const value = readJsonFile(file, LEARNINGS_REMEDY, (read) => storedLearningsSchema.safeParse(read).success);
  return value === undefined ? undefined : storedLearningsSchema.parse(value);
}

/**
 * The stored learnings of `batch`, or undefined when there are none yet. A file made for other
 * documents (a changed split) is refused: later batches already ran with it.
 */
export function readStoredLearnings(runDir: string, batch: number, documents: readonly string[]): BatchLearnings | undefined {
  const file = learningsFile(runDir, batch);
  const parsed = readLearningsFile(file);
  if (parsed === undefined) return undefined;
  if (parsed.documents.join('\n') !== documents.join('\n')) {
    throw new ConfigError(file, `made for other documents than batch ${batch} has now; use a new run folder`);
  }
  return parsed;
}

export function writeLearnings(runDir: string, learnings: BatchLearnings): void {
  writeFileAtomically(learningsFile(runDir, learnings.batch), `${JSON.stringify(learnings, null, 2)}\n`);
}

/** Every stored batch's learnings in a run folder, in batch order (the data card reads them); a damaged file is a ConfigError. */
export function readAllLearnings(runDir: string): BatchLearnings[] {
  const all: BatchLearnings[] = [];
  for (let batch = 1; ; batch += 1) {
    const learnings = readLearningsFile(learningsFile(runDir, batch));
    if (learnings === undefined) return all;
    all.push(learnings);
  }
}

/**
 * The `learnings` prompt value: the lessons as a list. Model-written, so a closing tag in it is
 * defused: the lessons stay data inside `<learnings>` and never read as the harness's instructions.
 */
export function learningsText(batch: number, lessons: ReadonlyArray<{ lesson: string }>): string {
  if (lessons.length === 0) return `The learner found no repeated problem in batch ${batch}.`;
  const lines = lessons.map((entry) => `- ${entry.lesson.replace(/\s+/g, ' ').trim()}`);
  return [`Lessons from the earlier batches of this run (after batch ${batch}):`, ...lines].join('\n').replace(/<(\/?)learnings/gi, '&lt;$1learnings');
}

export type LearnOutcome = { ok: true; learnings: BatchLearnings } | { ok: false; error: string };

/** One learner call over a finished batch: failed documents first, as the outer loop shows them. */
export async function learnFromBatch(
  llm: Llm,
  input: { batch: number; seed: number; outcomes: readonly DocumentOutcome[]; previous: BatchLearnings | undefined },
): Promise<LearnOutcome> {
  const ordered = [...input.outcomes].sort((a, b) => Number(a.accepted) - Number(b.accepted));
  const trajectories = joinTrajectories(ordered.map((outcome) => ({ documentId: outcome.documentId, accepted: outcome.accepted, text: formatTrajectory(outcome.result) })));
  const result = await llm.structured({
    role: 'learner',
    messages: [{ role: 'user', content: learnerPrompt(trajectories, input.previous?.text) }],
    seed: deriveSeed(input.seed, 'learner', input.batch),
    schemaName: LEARNINGS_SCHEMA_NAME,
    schema: batchLearningsSchema,
  });
  if (!result.ok) return { ok: false, error: `${result.failure.kind}: ${result.failure.message}` };
  const { summary, learnings } = result.value;
  return {
    ok: true,
    learnings: {
      batch: input.batch,
      documents: input.outcomes.map((outcome) => outcome.documentId),
      summary,
      learnings,
      text: learningsText(input.batch, learnings),
    },
  };
}

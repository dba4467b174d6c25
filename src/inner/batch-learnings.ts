// The learnings of one batch (`generate --batches`): the learner role reads the batch's
// trajectories (formatTrajectory, as the outer loop's analyzer does) and the learnings in force
// during the batch, and writes the lessons the next batch's challenger and main agent get. Each
// batch's learnings are kept in the run folder (learnings/batch-<n>.json) and reused on resume, so
// a resumed run sends the later batches exactly what the first run sent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { Llm } from '../llm/types.ts';
import { deriveSeed } from '../util/hash.ts';
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

/**
 * The stored learnings of `batch`, or undefined when there are none yet. A file made for other
 * documents (a changed split) is refused: later batches already ran with it.
 */
export function readStoredLearnings(runDir: string, batch: number, documents: readonly string[]): BatchLearnings | undefined {
  const file = learningsFile(runDir, batch);
  if (!existsSync(file)) return undefined;
  let parsed: BatchLearnings;
  try {
    parsed = storedLearningsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new ConfigError(file, `not a learnings file (${(error as Error).message.split('\n')[0]}); remove it to derive the learnings again`);
  }
  if (parsed.documents.join('\n') !== documents.join('\n')) {
    throw new ConfigError(file, `made for other documents than batch ${batch} has now; use a new run folder`);
  }
  return parsed;
}

export function writeLearnings(runDir: string, learnings: BatchLearnings): void {
  writeFileAtomically(learningsFile(runDir, learnings.batch), `${JSON.stringify(learnings, null, 2)}\n`);
}

/** Every stored batch's learnings in a run folder, in batch order (the data card reads them). */
export function readAllLearnings(runDir: string): BatchLearnings[] {
  const all: BatchLearnings[] = [];
  for (let batch = 1; existsSync(learningsFile(runDir, batch)); batch += 1) {
    const parsed = storedLearningsSchema.safeParse(safeJson(readFileSync(learningsFile(runDir, batch), 'utf8')));
    if (!parsed.success) break;
    all.push(parsed.data);
  }
  return all;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
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

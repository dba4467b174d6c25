// The implementer role: analysis + history + the parent's editable files -> search/replace edits.
// The harness module applies them all or nothing; a refusal goes back to the model with its
// reason for a bounded number of retries, and every attempt is kept for the record.
import type { EditRefusalReason } from '../errors.ts';
import { applyEdits, formatEditableFiles, renderFile, type Harness } from '../harness/index.ts';
import type { ChatMessage, Llm } from '../llm/types.ts';
import { usageOf } from './analyze.ts';
import { throwIfUnavailable } from './llm-outage.ts';
import { HARNESS_EDITS_SCHEMA_NAME, harnessEditsSchema } from './schemas.ts';

export interface ProposeInput {
  /** The implementer prompt template (placeholders `analysis`, `history`, `harness`). */
  template: string;
  analysis: string;
  history: string;
  parent: Harness;
  /** Folder the baseline was loaded from, so paths that are symlinks there are refused too. */
  harnessDir?: string;
  /** Extra attempts after the first one is refused. */
  retries: number;
  seedForAttempt: (attempt: number) => number;
}

export interface EditAttempt {
  attempt: number;
  summary: string;
  /** The edits as the model sent them (null when the reply was not valid edits JSON). */
  edits: unknown;
  outcome: 'applied' | 'refused';
  refusalReason: EditRefusalReason | null;
  message: string;
  calls: number;
  tokens: number;
}

export type ProposeOutcome =
  | { ok: true; harness: Harness; summary: string; attempts: EditAttempt[] }
  | { ok: false; reason: EditRefusalReason; message: string; summary: string; attempts: EditAttempt[] };

export async function proposeEdit(llm: Llm, input: ProposeInput): Promise<ProposeOutcome> {
  const prompt = renderFile(input.template, {
    analysis: input.analysis,
    history: input.history,
    harness: formatEditableFiles(input.parent),
  });
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  const attempts: EditAttempt[] = [];

  for (let attempt = 1; attempt <= input.retries + 1; attempt += 1) {
    const result = await llm.structured({
      role: 'implementer',
      messages: [...messages],
      seed: input.seedForAttempt(attempt),
      schemaName: HARNESS_EDITS_SCHEMA_NAME,
      schema: harnessEditsSchema,
    });
    throwIfUnavailable(result, 'implementer');
    const { calls, tokens } = usageOf(result);

    if (!result.ok) {
      const message = `the reply was not valid harness_edits JSON (${result.failure.kind}: ${result.failure.message})`;
      attempts.push({ attempt, summary: '', edits: null, outcome: 'refused', refusalReason: 'malformed-edits', message, calls, tokens });
      if (result.failure.rawText) messages.push({ role: 'assistant', content: result.failure.rawText });
      messages.push({ role: 'user', content: retryRequest('malformed-edits', message) });
      continue;
    }

    const applied = applyEdits(input.parent, result.value.edits, { dir: input.harnessDir });
    if (applied.ok) {
      attempts.push({ attempt, summary: result.value.summary, edits: result.value.edits, outcome: 'applied', refusalReason: null, message: '', calls, tokens });
      return { ok: true, harness: applied.harness, summary: result.value.summary, attempts };
    }
    const { reason, message } = applied.refusal;
    attempts.push({ attempt, summary: result.value.summary, edits: result.value.edits, outcome: 'refused', refusalReason: reason, message, calls, tokens });
    messages.push({ role: 'assistant', content: JSON.stringify(result.value) });
    messages.push({ role: 'user', content: retryRequest(reason, message) });
  }

  const last = attempts.at(-1)!;
  return {
    ok: false,
    reason: last.refusalReason ?? 'malformed-edits',
    message: `${last.refusalReason}: ${last.message}${attempts.length > 1 ? ` (after ${attempts.length} attempts)` : ''}`,
    summary: last.summary,
    attempts,
  };
}

function retryRequest(reason: EditRefusalReason, message: string): string {
  return (
    `Your edits were refused (${reason}): ${message}\n` +
    'Nothing was applied. Reply with a corrected, complete set of edits as JSON in the same format.'
  );
}

// What the taxonomist role is asked at each step of the taxonomy discovery, and the reply shapes.
// The questions go in a <questions> block of JSON lines, so the sim (and a reader of the call log)
// can find them; every name a model writes is bounded in length before it is used.
import { z } from 'zod';

export const PROPOSE_SCHEMA_NAME = 'question_types_proposed';
export const CONSOLIDATE_SCHEMA_NAME = 'question_types_consolidated';
export const CLASSIFY_SCHEMA_NAME = 'question_type_labels';

const typeName = z.string().trim().min(1).max(80);
const description = z.string().max(400);

export const proposedTypesSchema = z.object({ types: z.array(z.object({ name: typeName, description })).min(1).max(40) });
export const consolidatedTypesSchema = z.object({
  types: z.array(z.object({ name: typeName, description, merges: z.array(z.string().max(80)).max(400) })).min(1).max(40),
});
/** Only the shape is checked here: whether each label names a known type and a shown item is the caller's count of parse failures. */
export const labelsSchema = z.object({ labels: z.array(z.object({ item: z.number().int(), type: z.string().max(200) })).max(400) });

export interface PromptItem {
  item: number;
  question: string;
}

function questionsBlock(items: PromptItem[]): string {
  return ['<questions>', ...items.map((entry) => JSON.stringify(entry)), '</questions>'].join('\n');
}

export function proposePrompt(items: PromptItem[]): string {
  return [
    'Below are exam questions written from research documents, one JSON object per line.',
    'Name the kinds of question you see: what each asks the reader to do (explain a mechanism, predict',
    'the outcome of a change, weigh two options, ...), not what topic it is about. Give each kind a short',
    'name and a one-sentence description. Several questions may share a kind.',
    '',
    questionsBlock(items),
  ].join('\n');
}

export function consolidatePrompt(rawTypes: Array<{ name: string; description: string }>, maxTypes: number): string {
  return [
    'Different readers named the kinds of question in batches of a dataset; their names overlap.',
    `Merge them into at most ${maxTypes} distinct question types that together cover every name below.`,
    'For each type give a short name, a one-sentence description, and in `merges` the names from the list it absorbs.',
    '',
    '<raw_types>',
    ...rawTypes.map((entry) => JSON.stringify(entry)),
    '</raw_types>',
  ].join('\n');
}

export function classifyPrompt(types: Array<{ name: string; description: string }>, items: PromptItem[]): string {
  return [
    'Assign each question below exactly one of these question types. Use the type names exactly as written.',
    'Reply with one label per question: its `item` number and the `type` name.',
    '',
    '<types>',
    ...types.map((entry) => JSON.stringify(entry)),
    '</types>',
    '',
    questionsBlock(items),
  ].join('\n');
}

// One entry of GET {baseURL}/models, read leniently: servers add their own fields.
import { isRecord } from './call-errors.ts';

export interface ListedModel {
  id: string;
  /** Tokens the model takes in, when the server says (vLLM / SGLang max_model_len, OpenRouter context_length). */
  contextWindow?: number;
}

/** Larger than any model's context; a bigger number is a broken server, not a window. */
const MAX_CONTEXT_WINDOW = 100_000_000;
const CONTEXT_FIELDS = ['max_model_len', 'context_length', 'context_window'] as const;

/** The model's id and context window; undefined for an entry without a string id. */
export function readListedModel(entry: unknown): ListedModel | undefined {
  if (!isRecord(entry) || typeof entry['id'] !== 'string' || entry['id'] === '') return undefined;
  for (const field of CONTEXT_FIELDS) {
    const value = entry[field];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_CONTEXT_WINDOW) {
      return { id: entry['id'], contextWindow: value };
    }
  }
  return { id: entry['id'] };
}

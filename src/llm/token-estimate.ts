// Prompt sizes without a tokenizer: the models autodata drives use different vocabularies (Qwen,
// Kimi, GPT), so one stated estimate with a safety margin beats one vocabulary's exact count.
// BPE vocabularies average about four characters of English prose per token; counting three
// over-estimates English by about a third, which is the margin. Dense text (code, CJK) is denser:
// set the role's contextWindow lower if such documents come close to the limit.

/** Characters counted as one token. */
export const CHARS_PER_TOKEN = 3;
/** Tokens a chat template adds per message (role markers, separators). */
export const TOKENS_PER_MESSAGE = 8;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** An upper estimate of the prompt tokens of a request: every message, tool and schema counted. */
export function estimatePromptTokens(parts: { messages: ReadonlyArray<{ content: string | null }>; extra?: unknown[] }): number {
  let tokens = 0;
  for (const message of parts.messages) tokens += TOKENS_PER_MESSAGE + estimateTokens(message.content ?? '');
  for (const value of parts.extra ?? []) if (value !== undefined) tokens += estimateTokens(JSON.stringify(value));
  return tokens;
}

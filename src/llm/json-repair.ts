// Lenient JSON reading for model replies: code fences, prose around the JSON, trailing commas.
import { jsonrepair } from 'jsonrepair';

export type LenientJson = { ok: true; value: unknown; repaired: boolean } | { ok: false; reason: string };

const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)```/;

/**
 * Parses `text` as JSON, repairing what models commonly get wrong. Only an object or array is
 * accepted: jsonrepair turns bare prose into a JSON string, which is never what a schema asked for.
 */
export function parseLenientJson(text: string): LenientJson {
  const trimmed = text.trim();
  try {
    return { ok: true, value: JSON.parse(trimmed), repaired: false };
  } catch {
    // fall through to repair
  }
  const span = extractJsonSpan(trimmed);
  if (span === undefined) return { ok: false, reason: 'the reply contains no JSON object or array' };
  try {
    return { ok: true, value: JSON.parse(span), repaired: true };
  } catch {
    // fall through to jsonrepair
  }
  try {
    const value: unknown = JSON.parse(jsonrepair(span));
    if (value === null || typeof value !== 'object') return { ok: false, reason: 'the reply is not a JSON object or array' };
    return { ok: true, value, repaired: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the reply is not valid JSON and could not be repaired (${reason})` };
  }
}

/** The text inside the first code fence if any, then from the first `{`/`[` to the last matching closer. */
export function extractJsonSpan(text: string): string | undefined {
  const fenced = FENCE.exec(text);
  const body = fenced?.[1] ?? text;
  const objectStart = body.indexOf('{');
  const arrayStart = body.indexOf('[');
  const starts = [objectStart, arrayStart].filter((index) => index >= 0);
  if (starts.length === 0) return undefined;
  const start = Math.min(...starts);
  const closer = body[start] === '{' ? '}' : ']';
  const end = body.lastIndexOf(closer);
  // Without a closer (cut-off JSON) hand jsonrepair everything from the opener on.
  return end > start ? body.slice(start, end + 1) : body.slice(start);
}

import { z } from 'zod';

/** One source document the inner loop turns into an example. */
export const documentSchema = z.object({
  /** Stable id; also used as a file/folder name by the inner loop, so it never contains a path separator. */
  id: z.string().min(1),
  title: z.string(),
  text: z.string(),
  /** Where it came from: a file path, `file.jsonl:LINE`, or a `sim:...` spec. */
  source: z.string(),
});
export type Document = z.infer<typeof documentSchema>;

/** A document that could not be loaded; bad entries are data, never fatal. */
export interface SkippedDocument {
  source: string;
  reason: string;
}

export interface LoadedDocuments {
  documents: Document[];
  skipped: SkippedDocument[];
}

/** The first Markdown heading, or else the first non-empty line, trimmed. */
export function titleOf(text: string): string {
  const lines = text.split(/\r?\n/);
  for (const line of lines) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading && heading[1]) return heading[1].trim();
  }
  return lines.find((line) => line.trim() !== '')?.trim() ?? '';
}

/** Why `id` cannot name a document (it becomes a file name downstream), or undefined if it can. */
export function invalidIdReason(id: string): string | undefined {
  if (id.trim() !== id || id === '' || id === '.' || id === '..' || /[/\\\u0000-\u001f]/.test(id)) {
    return `id ${JSON.stringify(id)} cannot be used as a file name (no slashes, control characters, surrounding spaces, "." or "..")`;
  }
  return undefined;
}

/** Code-point order, independent of the machine's locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

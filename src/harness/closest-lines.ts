// Hints for a search text that does not match: the file's lines most like it, so the model can retry.

/** Dice similarity of character bigrams, 0..1, case and surrounding whitespace ignored. */
export function lineSimilarity(a: string, b: string): number {
  const left = a.trim().toLowerCase();
  const right = b.trim().toLowerCase();
  if (left === right) return 1;
  if (left.length < 2 || right.length < 2) return 0;
  const counts = new Map<string, number>();
  for (let index = 0; index < left.length - 1; index++) {
    const pair = left.slice(index, index + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  let shared = 0;
  for (let index = 0; index < right.length - 1; index++) {
    const pair = right.slice(index, index + 2);
    const count = counts.get(pair) ?? 0;
    if (count > 0) {
      shared++;
      counts.set(pair, count - 1);
    }
  }
  return (2 * shared) / (left.length - 1 + right.length - 1);
}

export interface ClosestLine {
  lineNumber: number;
  text: string;
  similarity: number;
}

/** The `limit` lines of `content` most similar to any non-empty line of `search`, best first. */
export function closestLines(content: string, search: string, limit = 3): ClosestLine[] {
  const searchLines = search.split('\n').filter((line) => line.trim().length > 0);
  const ranked = content
    .split('\n')
    .map((text, offset) => ({
      lineNumber: offset + 1,
      text,
      similarity: Math.max(0, ...searchLines.map((line) => lineSimilarity(line, text))),
    }))
    .filter((line) => line.text.trim().length > 0 && line.similarity > 0);
  ranked.sort((a, b) => b.similarity - a.similarity || a.lineNumber - b.lineNumber);
  return ranked.slice(0, limit);
}

/** One-line hint for a failed search: whitespace-only mismatches first, then the closest lines. */
export function notFoundHint(content: string, search: string): string {
  const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
  if (collapse(search).length > 0 && collapse(content).includes(collapse(search))) {
    return 'the text exists when whitespace is ignored: copy spaces and line breaks exactly as they are in the file';
  }
  const lines = closestLines(content, search);
  if (lines.length === 0) return 'no similar line in the file; copy the search text from the current file';
  const shown = lines.map((line) => `${line.lineNumber}: ${JSON.stringify(truncate(line.text.trim(), 120))}`).join(', ');
  return `closest lines in the file: ${shown}; copy the search text exactly from the current file`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

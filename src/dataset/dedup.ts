// --dedup: exact duplicates after normalising case, Unicode forms, punctuation and spacing. The first
// row in export order is kept; near-duplicates are the analysis's job, not the exporter's.
export function normalizedQuestion(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The items whose normalised question was not seen earlier; each dropped one with the kept item it repeats. */
export function dropDuplicateQuestions<T>(items: T[], questionOf: (item: T) => string): { kept: T[]; dropped: Array<{ item: T; duplicateOf: T }> } {
  const seen = new Map<string, T>();
  const kept: T[] = [];
  const dropped: Array<{ item: T; duplicateOf: T }> = [];
  for (const item of items) {
    const key = normalizedQuestion(questionOf(item));
    const first = seen.get(key);
    if (first !== undefined) dropped.push({ item, duplicateOf: first });
    else {
      seen.set(key, item);
      kept.push(item);
    }
  }
  return { kept, dropped };
}

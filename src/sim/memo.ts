// A bounded memo for pure text analyses (document models, directive matches, answer sentences).
// The same document and the same harness prompts come back in every round of every episode, so
// one handler keeps what it derived from them; each handler owns its memo (no module state), and
// entries are evicted oldest-first past a fixed count so a long run does not grow without bound.
// Cached values are shared between calls: callers must treat them as read-only.

export interface SimMemo {
  /** The value of `compute()` for (kind, key): computed once, then served from the memo. */
  remember<T>(kind: string, key: string, compute: () => T): T;
}

/** About the number of distinct documents and prompts a run touches at once; each kind has its own bound. */
const DEFAULT_ENTRIES_PER_KIND = 512;

export function createSimMemo(entriesPerKind = DEFAULT_ENTRIES_PER_KIND): SimMemo {
  const kinds = new Map<string, Map<string, unknown>>();
  return {
    remember<T>(kind: string, key: string, compute: () => T): T {
      let entries = kinds.get(kind);
      if (!entries) kinds.set(kind, (entries = new Map()));
      if (entries.has(key)) {
        const value = entries.get(key) as T;
        // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
        entries.delete(key);
        entries.set(key, value);
        return value;
      }
      const value = compute();
      entries.set(key, value);
      if (entries.size > entriesPerKind) entries.delete(entries.keys().next().value as string);
      return value;
    },
  };
}

/** For a persona called without a memo (tests calling `respond` directly): computes every time. */
export const NO_MEMO: SimMemo = { remember: (_kind, _key, compute) => compute() };

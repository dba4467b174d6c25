// Train/test by document: every example of a document lands on the same side, so no document's
// text is in both. Which documents go to test is a seeded ranking (sha256 of seed and id), so the
// same seed gives the same split whatever order the examples come in.
import { ConfigError } from '../errors.ts';
import { sha256Hex } from '../util/hash.ts';

export function checkTestFraction(fraction: number): void {
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction >= 1) {
    throw new ConfigError('--test-fraction', `must be a number strictly between 0 and 1, got ${fraction}`);
  }
}

/**
 * The documents of the test side: round(n * fraction) of them, at least one and at most n - 1 when
 * there are two or more documents (a single document goes to train).
 */
export function testDocuments(documentIds: Iterable<string>, fraction: number, seed: number): Set<string> {
  checkTestFraction(fraction);
  const ids = [...new Set(documentIds)];
  if (ids.length < 2) return new Set();
  const count = Math.min(ids.length - 1, Math.max(1, Math.round(ids.length * fraction)));
  const ranked = ids
    .map((id) => ({ id, rank: sha256Hex(`${seed}\u0000${id}`) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  return new Set(ranked.slice(0, count).map((entry) => entry.id));
}

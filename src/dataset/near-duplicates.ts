// Exact and near-duplicate questions: word shingles, MinHash signatures and LSH banding find the
// candidate pairs without comparing every pair; each candidate is then confirmed by its exact
// Jaccard similarity, so banding can only miss pairs, never invent them. Clusters are the connected
// groups of confirmed pairs. A short own implementation: the npm MinHash packages are unmaintained
// or carry their own hashing we would have to trust blind.
import { normalizedQuestion } from './dedup.ts';

export interface NearDuplicateSettings {
  /** Words per shingle. */
  shingle: number;
  /** Jaccard similarity of the shingle sets at or above which two questions are near-duplicates. */
  threshold: number;
  /** MinHash functions: bands × rows. */
  bands: number;
  rows: number;
}

/** 32 bands of 4 rows: a pair at Jaccard 0.5 becomes a candidate with probability 1-(1-0.5^4)^32 ≈ 0.87, at 0.7 ≈ 1.0. */
export const DEFAULT_NEAR_DUPLICATE_SETTINGS: NearDuplicateSettings = { shingle: 3, threshold: 0.5, bands: 32, rows: 4 };

export interface DuplicateCluster {
  /** Item ids, in input order. */
  ids: string[];
  /** Lowest Jaccard similarity over the confirmed pairs that joined the cluster (1 for exact duplicates). */
  minSimilarity: number;
}

export interface DuplicateReport {
  settings: NearDuplicateSettings;
  /** Same question after normalising case, Unicode, punctuation and spacing. */
  exact: DuplicateCluster[];
  /** Near-duplicates (exact ones included: a cluster here may hold an exact cluster). */
  near: DuplicateCluster[];
  /** Items that are in some near cluster but not its first: what a near-dedup would drop. */
  redundant: number;
}

export function shingles(text: string, size: number): Set<string> {
  const words = normalizedQuestion(text).split(' ').filter(Boolean);
  if (words.length <= size) return new Set([words.join(' ')]);
  const result = new Set<string>();
  for (let start = 0; start + size <= words.length; start += 1) result.add(words.slice(start, start + size).join(' '));
  return result;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** 32-bit FNV-1a of the text, mixed with a function index (each index is one hash function). */
function hash32(text: string, index: number): number {
  let hash = (0x811c9dc5 ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  for (let position = 0; position < text.length; position += 1) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // A final avalanche so nearby indexes give unrelated functions.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  return hash >>> 0;
}

function signature(set: Set<string>, functions: number): number[] {
  const minima = new Array<number>(functions).fill(0xffffffff);
  for (const item of set) {
    for (let index = 0; index < functions; index += 1) {
      const value = hash32(item, index);
      if (value < minima[index]!) minima[index] = value;
    }
  }
  return minima;
}

export function findDuplicates(items: Array<{ id: string; text: string }>, settings: NearDuplicateSettings = DEFAULT_NEAR_DUPLICATE_SETTINGS): DuplicateReport {
  const exactGroups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = normalizedQuestion(item.text);
    exactGroups.set(key, [...(exactGroups.get(key) ?? []), index]);
  });
  const exact = [...exactGroups.values()].filter((group) => group.length > 1).map((group) => ({ ids: group.map((index) => items[index]!.id), minSimilarity: 1 }));

  const sets = items.map((item) => shingles(item.text, settings.shingle));
  const signatures = sets.map((set) => signature(set, settings.bands * settings.rows));
  const candidates = new Set<string>();
  for (let band = 0; band < settings.bands; band += 1) {
    const buckets = new Map<string, number[]>();
    signatures.forEach((sig, index) => {
      const key = sig.slice(band * settings.rows, (band + 1) * settings.rows).join(',');
      buckets.set(key, [...(buckets.get(key) ?? []), index]);
    });
    for (const bucket of buckets.values()) {
      for (let i = 0; i < bucket.length; i += 1) for (let j = i + 1; j < bucket.length; j += 1) candidates.add(`${bucket[i]},${bucket[j]}`);
    }
  }
  // Union-find over the confirmed pairs.
  const parent = items.map((_, index) => index);
  const root = (index: number): number => (parent[index] === index ? index : (parent[index] = root(parent[index]!)));
  const lowest = new Map<number, number>();
  const confirmed: Array<[number, number, number]> = [];
  for (const pair of candidates) {
    const [a, b] = pair.split(',').map(Number) as [number, number];
    const similarity = jaccard(sets[a]!, sets[b]!);
    if (similarity >= settings.threshold) confirmed.push([a, b, similarity]);
  }
  for (const [a, b] of confirmed) parent[root(b)] = root(a);
  for (const [a, , similarity] of confirmed) lowest.set(root(a), Math.min(lowest.get(root(a)) ?? 1, similarity));
  const groups = new Map<number, number[]>();
  items.forEach((_, index) => groups.set(root(index), [...(groups.get(root(index)) ?? []), index]));
  const near = [...groups.entries()]
    .filter(([, group]) => group.length > 1)
    .map(([key, group]) => ({ ids: group.map((index) => items[index]!.id), minSimilarity: Number((lowest.get(key) ?? 1).toFixed(3)) }));
  return { settings, exact, near, redundant: near.reduce((sum, cluster) => sum + cluster.ids.length - 1, 0) };
}

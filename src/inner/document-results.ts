// document_result rows (003-inner.sql): a finished episode is stored once and reused on resume.
import type { Store } from '../store/open-store.ts';
import { documentResultSchema, type DocumentResult, type RoundRecord } from './result-schema.ts';

export interface DocumentResultKey {
  harnessHash: string;
  documentId: string;
  seed: number;
  repeat: number;
}

export function findDocumentResult(store: Store, key: DocumentResultKey): DocumentResult | undefined {
  const row = store.db
    .prepare('SELECT result_json FROM document_result WHERE harness_hash = ? AND document_id = ? AND seed = ? AND repeat = ?')
    .get(key.harnessHash, key.documentId, key.seed, key.repeat) as { result_json: string } | undefined;
  if (!row) return undefined;
  const parsed = documentResultSchema.safeParse(JSON.parse(row.result_json));
  // A row written by an older layout is simply run again rather than trusted.
  return parsed.success ? parsed.data : undefined;
}

export function saveDocumentResult(store: Store, key: DocumentResultKey, result: DocumentResult, now: () => string): void {
  const accepted = result.rounds.find((round) => round.accepted);
  store.db
    .prepare(
      `INSERT OR REPLACE INTO document_result
       (harness_hash, document_id, seed, repeat, accepted, accepted_round, total_rounds, weak_mean, strong_mean, gap, result_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      key.harnessHash,
      key.documentId,
      key.seed,
      key.repeat,
      accepted ? 1 : 0,
      result.final_accepted_round,
      result.total_rounds,
      accepted?.weak?.mean ?? null,
      accepted?.strong?.mean ?? null,
      accepted?.gap ?? null,
      JSON.stringify(result),
      now(),
    );
}

export interface AcceptedDocumentResult {
  key: DocumentResultKey;
  result: DocumentResult;
  /** The accepted round: the document's example. */
  round: RoundRecord;
}

/**
 * Every stored episode that produced an accepted example, read lazily (a long run holds thousands):
 * the harness `firstHash` first, then by when they were stored. Rows of an older layout are skipped.
 */
export function* acceptedDocumentResults(store: Store, options: { firstHash?: string } = {}): Generator<AcceptedDocumentResult> {
  const rows = store.db
    .prepare(
      `SELECT harness_hash, document_id, seed, repeat, result_json FROM document_result WHERE accepted = 1
       ORDER BY harness_hash = ? DESC, created_at, document_id, repeat`,
    )
    .iterate(options.firstHash ?? '') as IterableIterator<{ harness_hash: string; document_id: string; seed: number; repeat: number; result_json: string }>;
  for (const row of rows) {
    const parsed = documentResultSchema.safeParse(JSON.parse(row.result_json));
    if (!parsed.success) continue;
    const round = parsed.data.rounds.find((entry) => entry.accepted);
    if (!round) continue;
    yield { key: { harnessHash: row.harness_hash, documentId: row.document_id, seed: row.seed, repeat: row.repeat }, result: parsed.data, round };
  }
}

// document_result rows (003-inner.sql): a finished episode is stored once and reused on resume.
import type { Store } from '../store/open-store.ts';
import { documentResultSchema, type DocumentResult } from './result-schema.ts';

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

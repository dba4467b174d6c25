import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import type { Store } from './open-store.ts';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const runRecordSchema = z.object({
  id: z.string().min(1),
  /** generate | evolve | calibrate | ... */
  kind: z.string().min(1),
  name: z.string(),
  createdAt: z.string(),
  config: z.unknown(),
  configHash: z.string(),
  seed: z.number().int(),
  /** Versions of what produced the run (autodata, node, harness commit, ...). */
  versions: z.record(z.string(), z.string()),
  status: z.enum(RUN_STATUSES),
  finishedAt: z.string().nullable(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export interface NewRun {
  id: string;
  kind: string;
  name: string;
  config: unknown;
  seed: number;
  versions?: Record<string, string>;
  /** ISO timestamp; defaults to now. */
  createdAt?: string;
}

/** The hash that identifies a resolved config: sha256 of its canonical JSON. */
export function configHash(config: unknown): string {
  return sha256Hex(canonicalJson(config));
}

interface RunRow {
  id: string;
  kind: string;
  name: string;
  created_at: string;
  config_json: string;
  config_hash: string;
  seed: number;
  versions_json: string;
  status: string;
  finished_at: string | null;
}

/**
 * Records a run as `running`. Recording an id that already exists with the same config is a
 * resume: the row goes back to `running` and keeps its creation time. The same id with a
 * different config is refused, because its stored results belong to another experiment.
 */
export function recordRun(store: Store, run: NewRun): RunRecord {
  const hash = configHash(run.config);
  const existing = getRun(store, run.id);
  if (existing) {
    if (existing.configHash !== hash) {
      throw new ConfigError(
        store.path,
        `run ${run.id} already exists with a different config (hash ${existing.configHash.slice(0, 12)} vs ${hash.slice(0, 12)}); use a new run folder or the original config`,
      );
    }
    store.db.prepare(`UPDATE run SET status = 'running', finished_at = NULL WHERE id = ?`).run(run.id);
    return { ...existing, status: 'running', finishedAt: null };
  }
  const record: RunRecord = {
    id: run.id,
    kind: run.kind,
    name: run.name,
    createdAt: run.createdAt ?? new Date().toISOString(),
    config: run.config,
    configHash: hash,
    seed: run.seed,
    versions: run.versions ?? {},
    status: 'running',
    finishedAt: null,
  };
  store.db
    .prepare(
      `INSERT INTO run (id, kind, name, created_at, config_json, config_hash, seed, versions_json, status, finished_at)
       VALUES (@id, @kind, @name, @createdAt, @configJson, @configHash, @seed, @versionsJson, @status, NULL)`,
    )
    .run({
      id: record.id,
      kind: record.kind,
      name: record.name,
      createdAt: record.createdAt,
      configJson: canonicalJson(record.config),
      configHash: record.configHash,
      seed: record.seed,
      versionsJson: canonicalJson(record.versions),
      status: record.status,
    });
  return record;
}

export function getRun(store: Store, id: string): RunRecord | undefined {
  const row = store.db.prepare('SELECT * FROM run WHERE id = ?').get(id) as RunRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function listRuns(store: Store): RunRecord[] {
  const rows = store.db.prepare('SELECT * FROM run ORDER BY created_at, id').all() as RunRow[];
  return rows.map(fromRow);
}

/** Marks a run finished. Returns the updated record; an unknown id is a caller bug and throws. */
export function finishRun(
  store: Store,
  id: string,
  status: Exclude<RunStatus, 'running'>,
  finishedAt: string = new Date().toISOString(),
): RunRecord {
  const result = store.db.prepare('UPDATE run SET status = ?, finished_at = ? WHERE id = ?').run(status, finishedAt, id);
  if (result.changes === 0) throw new Error(`finishRun: no run with id ${id} in ${store.path}`);
  const record = getRun(store, id);
  if (!record) throw new Error(`finishRun: run ${id} vanished from ${store.path}`);
  return record;
}

function fromRow(row: RunRow): RunRecord {
  return runRecordSchema.parse({
    id: row.id,
    kind: row.kind,
    name: row.name,
    createdAt: row.created_at,
    config: JSON.parse(row.config_json),
    configHash: row.config_hash,
    seed: row.seed,
    versions: JSON.parse(row.versions_json),
    status: row.status,
    finishedAt: row.finished_at,
  });
}

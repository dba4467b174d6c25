import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.ts';
import { appliedMigrations, applyMigrations, DEFAULT_MIGRATIONS_DIR, hasVersionTable, loadMigrations } from './migrations.ts';

export interface Store {
  db: Database.Database;
  /** The path as given by the caller (used in error messages), or ':memory:'. */
  path: string;
  readonly: boolean;
  close(): void;
}

export interface OpenStoreOptions {
  /** Open without writing: no migrations, no journal-mode change. Safe while another process writes. */
  readonly?: boolean;
  /** Folder of `NNN-name.sql` files; defaults to `src/store/migrations/`. */
  migrationsDir?: string;
  /** Milliseconds to wait for another connection's write lock before failing. */
  busyTimeoutMs?: number;
  /** Timestamp source for `schema_version.applied_at`. */
  now?: () => string;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * Opens (creating if needed) the run store at `storePath` and brings its schema up to date.
 * A read-only open never migrates and refuses a file whose schema is older than the code, unless
 * every migration it lacks is optional for readers (migrations.ts).
 */
export function openStore(storePath: string, options: OpenStoreOptions = {}): Store {
  const readonly = options.readonly ?? false;
  const inMemory = storePath === ':memory:';
  if (inMemory && readonly) {
    throw new ConfigError(storePath, 'an in-memory store cannot be opened read-only; pass a file path');
  }
  if (!inMemory) checkFileBeforeOpening(storePath, readonly);

  const db = new Database(storePath, { readonly, fileMustExist: readonly, timeout: options.busyTimeoutMs ?? 5000 });
  try {
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    bringSchemaUpToDate(db, storePath, readonly, options);
  } catch (error) {
    db.close();
    throw translateOpenError(error, storePath);
  }
  return { db, path: storePath, readonly, close: () => db.close() };
}

/** Rejects a missing file (read-only) or a file that is not SQLite before SQLite can touch it. */
function checkFileBeforeOpening(storePath: string, readonly: boolean): void {
  if (!existsSync(storePath)) {
    if (readonly) throw new ConfigError(storePath, 'run store not found; check the path (is the run folder right?)');
    mkdirSync(path.dirname(path.resolve(storePath)), { recursive: true });
    return;
  }
  const stats = statSync(storePath);
  if (stats.isDirectory()) {
    throw new ConfigError(storePath, 'is a folder, not an autodata run store; pass the .sqlite file inside it');
  }
  if (stats.size === 0) return; // SQLite treats an empty file as a new database
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const descriptor = openSync(storePath, 'r');
  try {
    readSync(descriptor, header, 0, header.length, 0);
  } finally {
    closeSync(descriptor);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) throw notAStore(storePath, 'file is not a database');
}

function bringSchemaUpToDate(db: Database.Database, storePath: string, readonly: boolean, options: OpenStoreOptions): void {
  const known = loadMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const knownVersions = new Set(known.map((migration) => migration.version));
  const latestKnown = known.at(-1)?.version ?? 0;

  if (!hasVersionTable(db)) {
    const tableCount = (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }).n;
    if (tableCount > 0) throw notAStore(storePath, 'a SQLite database without a schema_version table');
  }
  const applied = appliedMigrations(db);
  const unknown = applied.filter((migration) => !knownVersions.has(migration.version));
  if (unknown.length > 0) {
    const newest = Math.max(...unknown.map((migration) => migration.version));
    throw new ConfigError(
      storePath,
      `run store has schema version ${newest} but this autodata knows only up to ${latestKnown}; upgrade autodata to read it`,
    );
  }
  const appliedVersions = new Set(applied.map((migration) => migration.version));
  const missing = known.filter((migration) => !appliedVersions.has(migration.version));
  if (missing.length === 0) return;
  if (readonly && missing.every((migration) => migration.optionalForReaders)) return;
  if (readonly) {
    const current = applied.at(-1)?.version ?? 0;
    throw new ConfigError(
      storePath,
      `run store schema is older than this autodata (version ${current}, code expects ${latestKnown}); open it once without --readonly (e.g. resume the run) to migrate it`,
    );
  }
  applyMigrations(db, known, options.now ?? (() => new Date().toISOString()));
}

function notAStore(storePath: string, why: string): ConfigError {
  return new ConfigError(storePath, `not an autodata run store (${why}); nothing was changed: check the path or move the file aside`);
}

function translateOpenError(error: unknown, storePath: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB') return notAStore(storePath, 'file is not a database');
  if (code === 'SQLITE_CORRUPT') return notAStore(storePath, 'database disk image is malformed');
  return error;
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { ConfigError } from '../errors.ts';

/** The folder holding this code's `NNN-name.sql` files. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Readers do without it (its file says `-- optional for readers` on its first line): a read-only
   * open of a store that lacks it goes ahead, and whoever reads what it adds checks for it first.
   */
  optionalForReaders: boolean;
}

const OPTIONAL_FOR_READERS = /^-- optional for readers\b/;

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

const MIGRATION_FILE = /^(\d{3})-([a-z0-9][a-z0-9-]*)\.sql$/;

/** Every migration in `dir`, in version order. A misnamed or duplicated file is a code fault, so it throws. */
export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.sql'));
  } catch {
    throw new ConfigError(dir, 'migrations folder not found; pass an existing folder as migrationsDir');
  }
  const migrations: Migration[] = [];
  const seen = new Map<number, string>();
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file);
    if (!match) {
      throw new ConfigError(path.join(dir, file), 'migration files must be named NNN-name.sql (e.g. 002-llm.sql)');
    }
    const version = Number(match[1]);
    const earlier = seen.get(version);
    if (earlier !== undefined) {
      throw new ConfigError(path.join(dir, file), `migration version ${version} is also used by ${earlier}; renumber one of them`);
    }
    seen.set(version, file);
    const sql = readFileSync(path.join(dir, file), 'utf8');
    migrations.push({ version, name: match[2] ?? '', sql, optionalForReaders: OPTIONAL_FOR_READERS.test(sql) });
  }
  return migrations.sort((a, b) => a.version - b.version);
}

const CREATE_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

export function hasVersionTable(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).get() !== undefined;
}

export function appliedMigrations(db: Database.Database): AppliedMigration[] {
  if (!hasVersionTable(db)) return [];
  const rows = db
    .prepare('SELECT version, name, applied_at AS appliedAt FROM schema_version ORDER BY version')
    .all() as AppliedMigration[];
  return rows;
}

/**
 * Applies every migration not yet recorded, each in its own IMMEDIATE transaction (so two processes
 * opening a fresh file at once do not both apply it: the second re-checks under the write lock).
 * Returns the versions applied now.
 */
export function applyMigrations(db: Database.Database, migrations: Migration[], now: () => string): number[] {
  db.exec(CREATE_VERSION_TABLE);
  const applied: number[] = [];
  const isApplied = db.prepare('SELECT 1 FROM schema_version WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of migrations) {
    const applyOne = db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return false;
      try {
        db.exec(migration.sql);
      } catch (error) {
        // A broken migration is a code fault, not a user error: keep the SQLite message for the developer.
        const file = `${String(migration.version).padStart(3, '0')}-${migration.name}.sql`;
        throw new Error(`migration ${file} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      record.run(migration.version, migration.name, now());
      return true;
    });
    if (applyOne.immediate()) applied.push(migration.version);
  }
  return applied;
}

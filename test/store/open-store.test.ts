import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { catchError } from '../support/catch-error.ts';
import { appliedMigrations, DEFAULT_MIGRATIONS_DIR, loadMigrations, openStore, type Store } from '../../src/store/index.ts';

let folder: string;
const opened: Store[] = [];

function open(...args: Parameters<typeof openStore>): Store {
  const store = openStore(...args);
  opened.push(store);
  return store;
}

/** A migrations folder with the real 001 plus the given extra files. */
function migrationsWith(extra: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(folder, 'migrations-'));
  fs.copyFileSync(path.join(DEFAULT_MIGRATIONS_DIR, '001-run.sql'), path.join(dir, '001-run.sql'));
  for (const [name, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

const ONLY_001 = () => migrationsWith({});
const WITH_002 = () => migrationsWith({ '002-note.sql': 'CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);' });

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
});

afterEach(() => {
  for (const store of opened.splice(0)) if (store.db.open) store.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('openStore', () => {
  it('creates the parent folder, uses WAL, and records each applied migration once', () => {
    const file = path.join(folder, 'populations', 'x', 'run.sqlite');
    const migrationsDir = WITH_002();
    const store = open(file, { migrationsDir, now: () => '2026-01-01T00:00:00.000Z' });
    expect(store.path).toBe(file);
    expect(store.readonly).toBe(false);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(appliedMigrations(store.db)).toEqual([
      { version: 1, name: 'run', appliedAt: '2026-01-01T00:00:00.000Z' },
      { version: 2, name: 'note', appliedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    store.close();

    const reopened = open(file, { migrationsDir, now: () => '2027-01-01T00:00:00.000Z' });
    expect(appliedMigrations(reopened.db).map((migration) => migration.appliedAt)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('applies only the migrations a file does not have yet', () => {
    const file = path.join(folder, 'run.sqlite');
    open(file, { migrationsDir: ONLY_001(), now: () => 'first' }).close();
    const store = open(file, { migrationsDir: WITH_002(), now: () => 'second' });
    expect(appliedMigrations(store.db)).toEqual([
      { version: 1, name: 'run', appliedAt: 'first' },
      { version: 2, name: 'note', appliedAt: 'second' },
    ]);
    store.db.prepare('INSERT INTO note (body) VALUES (?)').run('hello');
    expect(store.db.prepare('SELECT body FROM note').pluck().get()).toBe('hello');
  });

  it('opens :memory: with the full schema', () => {
    const store = open(':memory:');
    const shipped = loadMigrations().map((migration) => migration.version);
    expect(shipped[0]).toBe(1);
    expect(appliedMigrations(store.db).map((migration) => migration.version)).toEqual(shipped);
    expect(store.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'run'`).pluck().get()).toBe('run');
  });

  it('rolls back a failing migration and names its file', () => {
    const file = path.join(folder, 'run.sqlite');
    const migrationsDir = migrationsWith({ '002-broken.sql': 'CREATE TABLE half (id INTEGER); THIS IS NOT SQL;' });
    const error = catchError(() => open(file, { migrationsDir }));
    expect(error.message).toBe('migration 002-broken.sql failed: near "THIS": syntax error');
    const store = open(file, { migrationsDir: ONLY_001() });
    expect(appliedMigrations(store.db).map((migration) => migration.version)).toEqual([1]);
    expect(store.db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half'`).pluck().get()).toBe(0);
  });

  it('refuses a misnamed migration file', () => {
    const migrationsDir = migrationsWith({ '2-llm.sql': 'SELECT 1;' });
    const error = catchError(() => open(':memory:', { migrationsDir }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`${path.join(migrationsDir, '2-llm.sql')}: migration files must be named NNN-name.sql (e.g. 002-llm.sql)`);
  });
});

describe('openStore read-only', () => {
  it('never migrates and says so when the file is older than the code', () => {
    const file = path.join(folder, 'run.sqlite');
    open(file, { migrationsDir: ONLY_001() }).close();
    const error = catchError(() => open(file, { readonly: true, migrationsDir: WITH_002() }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${file}: run store schema is older than this autodata (version 1, code expects 2); open it once without --readonly (e.g. resume the run) to migrate it`,
    );
    const store = open(file, { migrationsDir: ONLY_001() });
    expect(appliedMigrations(store.db).map((migration) => migration.version)).toEqual([1]);
  });

  it('opens a store that lacks only migrations optional for readers, without applying them', () => {
    const file = path.join(folder, 'run.sqlite');
    open(file, { migrationsDir: ONLY_001() }).close();
    const optional = migrationsWith({ '002-note-index.sql': '-- optional for readers: nothing reads it yet\nCREATE INDEX run_by_name ON run(name);' });
    const store = open(file, { readonly: true, migrationsDir: optional });
    expect(appliedMigrations(store.db).map((migration) => migration.version)).toEqual([1]);
    store.close();
    // One required migration among the missing ones and the old rule holds.
    const mixed = migrationsWith({ '002-note-index.sql': '-- optional for readers\nCREATE INDEX run_by_name ON run(name);', '003-note.sql': 'CREATE TABLE note (id INTEGER PRIMARY KEY);' });
    expect(catchError(() => open(file, { readonly: true, migrationsDir: mixed })).message).toContain('run store schema is older than this autodata (version 1, code expects 3)');
    expect(appliedMigrations(open(file, { migrationsDir: optional }).db).map((migration) => migration.version)).toEqual([1, 2]);
  });

  it('refuses a file written by newer code, read-only or not', () => {
    const file = path.join(folder, 'run.sqlite');
    open(file, { migrationsDir: WITH_002() }).close();
    const expected = `${file}: run store has schema version 2 but this autodata knows only up to 1; upgrade autodata to read it`;
    expect(catchError(() => open(file, { migrationsDir: ONLY_001() })).message).toBe(expected);
    expect(catchError(() => open(file, { readonly: true, migrationsDir: ONLY_001() })).message).toBe(expected);
  });

  it('reports a missing file instead of creating it', () => {
    const file = path.join(folder, 'nowhere', 'run.sqlite');
    const error = catchError(() => open(file, { readonly: true }));
    expect(error.message).toBe(`${file}: run store not found; check the path (is the run folder right?)`);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('sees what a second connection committed, and not what it has not', () => {
    const file = path.join(folder, 'run.sqlite');
    const writer = open(file, { migrationsDir: WITH_002() });
    writer.db.prepare('INSERT INTO note (body) VALUES (?)').run('committed');
    writer.db.exec('BEGIN IMMEDIATE');
    writer.db.prepare('INSERT INTO note (body) VALUES (?)').run('pending');

    const reader = open(file, { readonly: true, migrationsDir: WITH_002() });
    expect(reader.readonly).toBe(true);
    expect(reader.db.prepare('SELECT body FROM note ORDER BY id').pluck().all()).toEqual(['committed']);
    expect(() => reader.db.prepare('INSERT INTO note (body) VALUES (?)').run('x')).toThrow('attempt to write a readonly database');

    writer.db.exec('COMMIT');
    const laterReader = open(file, { readonly: true, migrationsDir: WITH_002() });
    expect(laterReader.db.prepare('SELECT body FROM note ORDER BY id').pluck().all()).toEqual(['committed', 'pending']);
  });

  it('reads while another process keeps writing', async () => {
    const file = path.join(folder, 'run.sqlite');
    const migrationsDir = WITH_002();
    open(file, { migrationsDir }).close();
    const script = path.join(folder, 'writer.ts');
    const storeModule = new URL('../../src/store/index.ts', import.meta.url).pathname;
    fs.writeFileSync(
      script,
      [
        `import { openStore, withTransaction } from ${JSON.stringify(storeModule)};`,
        `const store = openStore(${JSON.stringify(file)}, { migrationsDir: ${JSON.stringify(migrationsDir)} });`,
        `const insert = store.db.prepare('INSERT INTO note (body) VALUES (?)');`,
        `for (let i = 0; i < 300; i += 1) withTransaction(store, () => { insert.run('a' + i); insert.run('b' + i); });`,
        `store.close();`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const counts: number[] = [];
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      const reader = openStore(file, { readonly: true, migrationsDir });
      const count = reader.db.prepare('SELECT count(*) FROM note').pluck().get() as number;
      reader.close();
      counts.push(count);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(stderr).toBe('');
    expect(await exited).toBe(0);
    // Each transaction adds two rows, so a reader never sees half of one.
    expect(counts.every((count) => count % 2 === 0)).toBe(true);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const final = open(file, { readonly: true, migrationsDir });
    expect(final.db.prepare('SELECT count(*) FROM note').pluck().get()).toBe(600);
  });
});

describe('openStore from several processes at once', () => {
  it('applies each migration once when they all open a fresh file together', async () => {
    const file = path.join(folder, 'shared', 'run.sqlite');
    const storeModule = new URL('../../src/store/index.ts', import.meta.url).pathname;
    const script = path.join(folder, 'opener.ts');
    fs.writeFileSync(
      script,
      [
        `import { openStore } from ${JSON.stringify(storeModule)};`,
        `openStore(${JSON.stringify(file)}).close();`,
      ].join('\n'),
    );
    const children = [1, 2, 3].map(
      () =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (chunk) => (stderr += String(chunk)));
          child.on('exit', (code) => resolve({ code, stderr }));
        }),
    );
    expect(await Promise.all(children)).toEqual([1, 2, 3].map(() => ({ code: 0, stderr: '' })));
    const store = open(file, { readonly: true });
    expect(appliedMigrations(store.db).map((migration) => migration.version)).toEqual(loadMigrations().map((migration) => migration.version));
  });
});

describe('openStore on a file that is not a run store', () => {
  it('gives one line and leaves a corrupted file byte-identical', () => {
    const file = path.join(folder, 'populations', 'x', 'run.sqlite');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const garbage = Buffer.from('this was a run store until a disk went bad\n'.repeat(200));
    fs.writeFileSync(file, garbage);
    for (const readonly of [false, true]) {
      const error = catchError(() => open(file, { readonly }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(
        `${file}: not an autodata run store (file is not a database); nothing was changed: check the path or move the file aside`,
      );
      expect(error.message.includes('\n')).toBe(false);
    }
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['run.sqlite']);
  });

  it('refuses a SQLite database that some other program made', () => {
    const file = path.join(folder, 'other.sqlite');
    const other = open(file, { migrationsDir: ONLY_001() });
    other.db.exec('DROP TABLE schema_version; DROP TABLE run; CREATE TABLE photos (id INTEGER)');
    other.close();
    const error = catchError(() => open(file));
    expect(error.message).toBe(
      `${file}: not an autodata run store (a SQLite database without a schema_version table); nothing was changed: check the path or move the file aside`,
    );
  });

  it('names a folder passed as the store', () => {
    const error = catchError(() => open(folder));
    expect(error.message).toBe(`${folder}: is a folder, not an autodata run store; pass the .sqlite file inside it`);
  });
});

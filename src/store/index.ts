// The run store: one SQLite file per run. See src/README.md "Store migrations".
export { openStore, type OpenStoreOptions, type Store } from './open-store.ts';
export {
  appliedMigrations,
  DEFAULT_MIGRATIONS_DIR,
  loadMigrations,
  type AppliedMigration,
  type Migration,
} from './migrations.ts';
export { withTransaction } from './transaction.ts';
export {
  configHash,
  finishRun,
  getRun,
  listRuns,
  recordRun,
  RUN_STATUSES,
  runRecordSchema,
  type NewRun,
  type RunRecord,
  type RunStatus,
} from './run.ts';
export { acquireRunLock, LOCK_FILE, RunLocked, type RunLock } from './run-lock.ts';

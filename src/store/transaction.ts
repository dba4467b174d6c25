import type { Store } from './open-store.ts';

/**
 * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so two writers never
 * deadlock upgrading a read lock). `fn` must be synchronous: never hold a transaction across a
 * model call; compute first, then write the completed record.
 */
export function withTransaction<T>(store: Store, fn: () => T): T {
  const run = store.db.transaction(() => {
    const result = fn();
    if (result instanceof Promise) {
      throw new TypeError('withTransaction: fn returned a Promise; transactions must be synchronous');
    }
    return result;
  });
  return run.immediate();
}

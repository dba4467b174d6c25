// Promise.all that waits for every promise before failing: work still in flight after a failure
// would otherwise go on writing to a store its caller is about to close.

/** Resolves with every value, or, once all have settled, rejects with the first rejection. */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

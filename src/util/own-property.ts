// Lookups keyed by text a model wrote (file names, settings keys, tool names, ...). A plain object
// inherits `constructor`, `toString`, `__proto__` and friends from Object.prototype, so
// `record[modelText]` can return a function where a string was expected: only own properties count.

/** `record[key]` when `key` is an own property of `record`, otherwise undefined. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `key` is an own property of `record` (never true for an inherited name such as "constructor"). */
export function hasOwnKey(record: object, key: string): boolean {
  return Object.hasOwn(record, key);
}

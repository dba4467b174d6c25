// The error a call throws, for tests that assert on its exact class, field or message.
import { ConfigError } from '../../src/errors.ts';

export function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** Like catchError, but any other error than a ConfigError propagates (and fails the test as itself). */
export function catchConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

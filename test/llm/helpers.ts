// Shared set-up for the call-path tests: endpoints on a loopback sim server, a fast sleep, a temp store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseEndpoints, type EndpointSettings, type Endpoints } from '../../src/config/endpoints.ts';
import { ROLES } from '../../src/llm/types.ts';

/** Every role on `baseURL` with model sim-agent, small timeouts; `overrides` go into `defaults`. */
export function endpointsOn(
  baseURL: string,
  overrides: Partial<EndpointSettings> = {},
  env: NodeJS.ProcessEnv = {},
): Endpoints {
  return parseEndpoints(
    { defaults: { baseURL, model: 'sim-agent', timeoutMs: 2000, maxRetries: 2, concurrency: 4, ...overrides } },
    'test endpoints',
    env,
  );
}

/** Records every requested wait and returns at once, so backoff never slows a test. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
}

export const verdictSchema = z.object({ correct: z.boolean(), reason: z.string() });

export function userMessage(content: string) {
  return [{ role: 'user' as const, content }];
}

export { ROLES };

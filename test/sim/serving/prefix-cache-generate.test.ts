// End to end: `autodata generate` on the in-process sim logs the sim's prefix cache in the call
// log's cached_tokens; the main agent re-sends its growing conversation each step, so most of its
// prompt tokens are cached.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';

const bin = new URL('../../../bin/autodata.js', import.meta.url).pathname;
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-prefix-cache-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

interface RoleRow {
  role: string;
  calls: number;
  promptTokens: number;
  cachedTokens: number | null;
  overCount: number;
}

describe('prefix cache in a generate run', () => {
  it('logs non-zero cached_tokens for the main agent, never more than the prompt', () => {
    const out = path.join(folder, 'run');
    execFileSync(process.execPath, [bin, 'generate', '--limit', '3', '--out', out, '--json'], { encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
    const store = openStore(path.join(out, 'run.sqlite'), { readonly: true });
    try {
      const rows = store.db
        .prepare(
          `SELECT role, COUNT(*) AS calls, SUM(prompt_tokens) AS promptTokens, SUM(cached_tokens) AS cachedTokens,
                  SUM(cached_tokens > prompt_tokens) AS overCount
             FROM llm_call_log WHERE cache_hit = 0 GROUP BY role`,
        )
        .all() as RoleRow[];
      const main = rows.find((row) => row.role === 'mainAgent');
      expect(main?.calls).toBeGreaterThan(3);
      expect(main!.cachedTokens).toBeGreaterThan(0);
      // Each step re-sends the conversation so far: most of it is a prefix the server has seen.
      expect(main!.cachedTokens! / main!.promptTokens).toBeGreaterThan(0.5);
      for (const row of rows) expect(row.overCount).toBe(0);
    } finally {
      store.close();
    }
  }, 120_000);
});

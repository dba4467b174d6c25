// Token economy: the agentic baseline over the validation documents under several seeds (as
// `generate --seed S` runs it: sim seed and run seed S), each on a fresh store, then prompt tokens,
// the server's prefix-cache hits (`cached_tokens`) and the uncached rest per accepted example, by
// role, from the call log (paid calls only). The reference is the same measurement at cc30161,
// before the lean main-agent conversation and the reordered prompts: 75,903 uncached prompt tokens
// per accepted example over seeds 0-3 (README "Cost and performance").
import path from 'node:path';
import { createAppLlm } from '../app/create-llm.ts';
import { defaultSimEndpoints } from '../config/endpoints.ts';
import type { Document } from '../documents/index.ts';
import type { Harness } from '../harness/harness.ts';
import { evaluateHarness } from '../inner/index.ts';
import { openStore } from '../store/index.ts';
import { inTempDir } from './bench-fixtures.ts';
import { ratio, type BenchFigure } from './bench-report.ts';

/** Uncached prompt tokens per accepted example at cc30161, `generate --seed S` for S = 0..3 over the 25 validation documents. */
export const UNCACHED_PER_ACCEPTED_BEFORE = 75_903;

export interface TokensBenchOptions {
  harness: Harness;
  documents: Document[];
  seeds: readonly number[];
  concurrency: number;
  log: (line: string) => void;
}

interface RoleTokens {
  prompt: number;
  cached: number;
}

export async function benchTokens(options: TokensBenchOptions): Promise<BenchFigure[]> {
  const { harness, documents, seeds, concurrency, log } = options;
  const byRole = new Map<string, RoleTokens>();
  let accepted = 0;
  await inTempDir(async (dir) => {
    for (const seed of seeds) {
      log(`tokens: agentic baseline over ${documents.length} documents, seed ${seed}`);
      const store = openStore(path.join(dir, `seed-${seed}.sqlite`));
      try {
        const llm = createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: seed, store, cacheMode: 'use' });
        const evaluation = await evaluateHarness({ llm }, harness, documents, { seed, repeat: 0, concurrency, simulated: true });
        accepted += evaluation.outcomes.filter((outcome) => outcome.accepted).length;
        const rows = store.db
          .prepare('SELECT role, SUM(prompt_tokens) AS prompt, SUM(COALESCE(cached_tokens, 0)) AS cached FROM llm_call_log WHERE cache_hit = 0 GROUP BY role')
          .all() as Array<{ role: string; prompt: number; cached: number }>;
        for (const row of rows) {
          const sum = byRole.get(row.role) ?? { prompt: 0, cached: 0 };
          byRole.set(row.role, { prompt: sum.prompt + row.prompt, cached: sum.cached + row.cached });
        }
      } finally {
        store.close();
      }
    }
  });
  const episodes = documents.length * seeds.length;
  const perAccepted = (tokens: number) => ratio(tokens, accepted);
  const figures: BenchFigure[] = [...byRole].sort(([a], [b]) => a.localeCompare(b)).map(([role, tokens]) => ({
    id: `tokens.${role}.uncachedPerAccepted`, section: 'tokens', label: `${role}: uncached prompt tokens per accepted example`,
    value: perAccepted(tokens.prompt - tokens.cached), unit: 'tokens',
    note: `${(100 * ratio(tokens.cached, tokens.prompt)).toFixed(1)}% of ${tokens.prompt} prompt tokens cached`,
  }));
  const total = [...byRole.values()].reduce((sum, tokens) => ({ prompt: sum.prompt + tokens.prompt, cached: sum.cached + tokens.cached }), { prompt: 0, cached: 0 });
  const uncached = perAccepted(total.prompt - total.cached);
  figures.push(
    {
      id: 'tokens.total.uncachedPerAccepted', section: 'tokens', label: 'all roles: uncached prompt tokens per accepted example', value: uncached, unit: 'tokens',
      note: `${accepted} accepted of ${episodes} episodes (seeds ${seeds.join(', ')}); ${(100 * ratio(total.cached, total.prompt)).toFixed(1)}% of prompt tokens cached`,
    },
    {
      id: 'tokens.total.overBefore', section: 'tokens', label: 'uncached prompt tokens per accepted / the same at cc30161', value: ratio(uncached, UNCACHED_PER_ACCEPTED_BEFORE), unit: '×',
      goal: { at: 'most', value: 0.5 }, note: `cc30161: ${UNCACHED_PER_ACCEPTED_BEFORE} (seeds 0-3, 25 validation docs, every attempt, the old main-agent format)`,
    },
  );
  return figures;
}

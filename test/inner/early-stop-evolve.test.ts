// The library side of `evolve --early-stop`: runEvolution's `earlyStop` reaches every evaluation of
// the run (baseline, parents, children), whatever the harnesses' own setting says.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { documentResultSchema } from '../../src/inner/index.ts';
import { runEvolution } from '../../src/outer/run-evolution.ts';
import { openStore } from '../../src/store/index.ts';
import { loadTiny, writeTinyExperiment } from '../outer/support.ts';

async function stagesStopped(earlyStop: boolean | undefined): Promise<number> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-early-stop-evolve-'));
  const experiment = loadTiny(writeTinyExperiment(temp, 'early-stop'), { iterations: 1 });
  const result = await runEvolution({
    experiment,
    documents: resolveDocuments(experiment.paths.documents).documents,
    runDir: path.join(temp, 'run'),
    resume: false,
    createLlm: (store) => createAppLlm({ endpoints: defaultSimEndpoints(), store, simSeed: experiment.config.simSeed, cacheMode: 'use' }),
    ...(earlyStop === undefined ? {} : { earlyStop }),
  });
  const store = openStore(result.storePath, { readonly: true });
  try {
    const rows = store.db.prepare('SELECT result_json FROM document_result').all() as Array<{ result_json: string }>;
    expect(rows.length).toBeGreaterThan(0);
    let stopped = 0;
    for (const row of rows) {
      const document = documentResultSchema.parse(JSON.parse(row.result_json));
      for (const round of document.rounds) for (const stage of [round.weak, round.strong]) if (stage?.early_stop) stopped += 1;
    }
    return stopped;
  } finally {
    store.close();
  }
}

describe('runEvolution earlyStop', () => {
  it('off: every attempt in the stored episodes; absent: the baseline setting (on) holds', async () => {
    expect(await stagesStopped(false)).toBe(0);
    expect(await stagesStopped(undefined)).toBeGreaterThan(0);
  }, 300_000);
});

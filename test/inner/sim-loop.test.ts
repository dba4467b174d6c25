// The inner loop against the sim: over its HTTP server and in process, and `generate` end to end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints, parseEndpoints } from '../../src/config/endpoints.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { evaluateHarness } from '../../src/inner/index.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { startSimServer } from '../../src/sim/index.ts';

const root = new URL('../../', import.meta.url).pathname;
const SIM_SEED = 5;

function validationDocuments(limit: number) {
  const split = loadSplit(path.join(root, 'splits/sim-cs.json'));
  return documentsForPart(resolveDocuments(split.documents).documents, split, 'validation').slice(0, limit);
}

describe('inner loop on the sim', () => {
  it('gives identical results over the HTTP server and in process', async () => {
    const harness = loadHarness(path.join(root, 'baselines/agentic-self-instruct'));
    const documents = validationDocuments(3);
    const options = { seed: 2, repeat: 0, concurrency: 3 };

    const inProcess = await evaluateHarness({ llm: createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: SIM_SEED }) }, harness, documents, options);

    const server = await startSimServer({ seed: SIM_SEED });
    try {
      const endpoints = parseEndpoints(
        {
          defaults: { baseURL: server.baseURL, model: 'sim-agent', timeoutMs: 30_000 },
          weakSolver: { model: 'sim-weak' },
          strongSolver: { model: 'sim-strong' },
        },
        'sim over HTTP',
      );
      const overHttp = await evaluateHarness({ llm: createLlm({ endpoints }) }, harness, documents, options);
      expect(overHttp.outcomes.map((outcome) => outcome.result)).toEqual(inProcess.outcomes.map((outcome) => outcome.result));
      expect(overHttp.summary).toEqual(inProcess.summary);
      // A run that reaches nothing would compare equal trivially.
      expect(inProcess.summary.calls).toBeGreaterThan(documents.length * 5);
    } finally {
      await server.close();
    }
  });

  it('`autodata generate` runs 5 validation documents end to end and every accepted example re-checks', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
    const stdout = execFileSync(
      process.execPath,
      [path.join(root, 'bin/autodata.js'), 'generate', '--limit', '5', '--out', out, '--seed', '1', '--json'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const report = JSON.parse(stdout) as {
      simulated: boolean;
      evaluation: { passRate: number; summary: { documents: number; accepted: number } };
    };
    expect(report.simulated).toBe(true);
    expect(report.evaluation.summary.documents).toBe(5);
    const files = fs.readdirSync(path.join(out, 'results')).sort();
    expect(files).toEqual(validationDocuments(5).map((document) => `${document.id}.json`).sort());
    let accepted = 0;
    for (const file of files) {
      const result = JSON.parse(fs.readFileSync(path.join(out, 'results', file), 'utf8'));
      expect(result.simulated).toBe(true);
      expect(result.finished).toBe(true);
      for (const round of result.rounds) {
        if (!round.accepted) continue;
        accepted += 1;
        // Re-check from the stored scores alone: the paper's deployed thresholds.
        const weak: number[] = round.weak.scores;
        const strong: number[] = round.strong.scores;
        const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
        expect(mean(weak)).toBeLessThanOrEqual(0.65 + 1e-9);
        expect(Math.max(...weak)).toBeLessThanOrEqual(0.75 + 1e-9);
        expect(Math.min(...weak)).toBeGreaterThan(0);
        expect(mean(strong)).toBeGreaterThanOrEqual(0.6 - 1e-9);
        expect(mean(strong)).toBeLessThan(0.95);
        expect(Math.min(...strong)).toBeGreaterThan(0);
        expect(mean(strong) - mean(weak)).toBeGreaterThanOrEqual(0.2 - 1e-9);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBe(report.evaluation.summary.accepted);
    expect(report.evaluation.passRate).toBe(accepted / 5);
  });

  it('`autodata compare-methods` puts the single-shot baseline and the loop side by side', () => {
    const stdout = execFileSync(process.execPath, [path.join(root, 'bin/autodata.js'), 'compare-methods', '--limit', '3', '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const report = JSON.parse(stdout) as { documents: number; methods: Array<{ method: string; basis: string; rounds: number | null; summary: { documents: number } }> };
    expect(report.documents).toBe(3);
    expect(report.methods.map((row) => [row.method, row.basis])).toEqual([
      ['cot-self-instruct', 'QV-passed examples'],
      ['agentic-self-instruct', 'accepted examples'],
    ]);
    expect(report.methods[0]!.rounds).toBe(1);
    expect(report.methods.map((row) => row.summary.documents)).toEqual([3, 3]);
  });
});

// `autodata generate --early-stop` / `--no-early-stop` override the harness's `earlyStop` setting for
// one run; without either flag the harness decides (default on).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentResultSchema } from '../../src/inner/index.ts';
import { openStore } from '../../src/store/index.ts';
import { writeTinyExperiment } from '../outer/support.ts';

const root = new URL('../../', import.meta.url).pathname;

interface Report {
  evaluation: { summary: { earlyStop?: { attemptsMade: number; attemptsSkipped: number } } };
}

function generate(harness: string, flags: string[]): { report: Report; stagesStopped: number } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-early-stop-'));
  const stdout = execFileSync(
    process.execPath,
    [path.join(root, 'bin/autodata.js'), 'generate', '--harness', harness, '--limit', '2', '--out', out, '--seed', '1', '--json', ...flags],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stagesStopped = 0;
  for (const file of fs.readdirSync(path.join(out, 'results'))) {
    const result = JSON.parse(fs.readFileSync(path.join(out, 'results', file), 'utf8'));
    for (const round of result.rounds) {
      for (const stage of [round.weak, round.strong]) if (stage?.early_stop) stagesStopped += 1;
    }
  }
  return { report: JSON.parse(stdout) as Report, stagesStopped };
}

describe('generate --early-stop / --no-early-stop', () => {
  const baseline = path.join(root, 'baselines/agentic-self-instruct');

  it('the baseline stops stages early unless --no-early-stop asks for every attempt', () => {
    const plain = generate(baseline, []);
    expect(plain.stagesStopped).toBeGreaterThan(0);
    expect(plain.report.evaluation.summary.earlyStop?.attemptsSkipped).toBeGreaterThan(0);
    const full = generate(baseline, ['--no-early-stop']);
    expect(full.stagesStopped).toBe(0);
    expect(full.report.evaluation.summary.earlyStop).toBeUndefined();
  }, 120_000);

  it('--early-stop overrides a harness that turns it off', () => {
    const harness = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-harness-')), 'full');
    fs.cpSync(baseline, harness, { recursive: true });
    const settingsPath = path.join(harness, 'settings.json');
    fs.writeFileSync(settingsPath, JSON.stringify({ ...JSON.parse(fs.readFileSync(settingsPath, 'utf8')), earlyStop: false }, null, 2));
    expect(generate(harness, []).stagesStopped).toBe(0);
    expect(generate(harness, ['--early-stop']).stagesStopped).toBeGreaterThan(0);
  }, 120_000);
});

describe('evolve --early-stop / --no-early-stop', () => {
  /** Stages stopped early in the episodes an evolve run stored. */
  function evolveStagesStopped(flags: string[]): number {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-early-stop-evolve-cli-'));
    const file = writeTinyExperiment(temp, 'early-stop-cli');
    const out = path.join(temp, 'run');
    execFileSync(process.execPath, [path.join(root, 'bin/autodata.js'), 'evolve', file, '--iterations', '1', '--out', out, '--json', ...flags], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const store = openStore(path.join(out, 'run.sqlite'), { readonly: true });
    try {
      const rows = store.db.prepare('SELECT result_json FROM document_result').all() as Array<{ result_json: string }>;
      expect(rows.length).toBeGreaterThan(0);
      let stopped = 0;
      for (const row of rows) {
        for (const round of documentResultSchema.parse(JSON.parse(row.result_json)).rounds) {
          for (const stage of [round.weak, round.strong]) if (stage?.early_stop) stopped += 1;
        }
      }
      return stopped;
    } finally {
      store.close();
    }
  }

  it('--early-stop reaches every evaluation of the run; --no-early-stop keeps the full pattern', () => {
    expect(evolveStagesStopped(['--early-stop'])).toBeGreaterThan(0);
    expect(evolveStagesStopped(['--no-early-stop'])).toBe(0);
  }, 300_000);
});

// An evolved harness as an input: RUN:CANDIDATE and RUN:best resolve from a real evolve run on the
// sim (its store and git workspace), `harness export` writes a folder that loads as the same harness,
// and generate --harness RUN:best makes examples that export finds the harness of.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDataset } from '../../src/dataset/export-dataset.ts';
import { resolveHarness } from '../../src/dataset/harness-ref.ts';
import { ConfigError } from '../../src/errors.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { getCandidate, runStatus } from '../../src/outer/index.ts';
import { readRun } from '../../src/outer/inspect-run.ts';
import { loadTiny, runInProcess, writeTinyExperiment } from '../outer/support.ts';
import { bin, readJsonl, repoRoot, tempFolder } from './support.ts';

const temp = tempFolder('harness-ref');
const runDir = path.join(temp, 'run');
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
beforeAll(async () => {
  // Seed 2 of the tiny experiment accepts a child that beats the baseline, so best is not c0000 (seeds 1 and 3 to 7 keep the baseline best on the sim's readable text).
  await runInProcess(loadTiny(writeTinyExperiment(temp, 'tiny'), { iterations: 2, seed: 2 }), runDir);
}, 120_000);

const recordedHash = (id: string) => readRun(runDir, (store) => getCandidate(store, id)!.contentHash);

describe('RUN:CANDIDATE', () => {
  it('RUN:best is the candidate status calls best, with the files the run recorded', async () => {
    const best = readRun(runDir, runStatus).best!.id;
    expect(best).not.toBe('c0000');
    const resolved = await resolveHarness(`${runDir}:best`);
    expect(resolved.candidate).toEqual({ run: runDir, storePath: path.join(runDir, 'run.sqlite'), id: best, diff: readRun(runDir, (store) => getCandidate(store, best)!.diff) });
    expect(resolved.harness.contentHash).toBe(recordedHash(best));
    expect(resolved.name).toBe(`run-${best}`);
  });

  it('reads ids as status and show do (c0001, 1, baseline); an unknown one is a ConfigError naming the known ones', async () => {
    expect((await resolveHarness(`${runDir}:1`)).harness.contentHash).toBe(recordedHash('c0001'));
    expect((await resolveHarness(`${runDir}:baseline`)).harness.contentHash).toBe(loadHarness(path.join(repoRoot, 'baselines/agentic-self-instruct')).contentHash);
    const error = await resolveHarness(`${runDir}:c0099`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`${runDir}:c0099: no candidate c0099 in this run; known: c0000, c0001, c0002 (or best)`);
  });

  it('rebuilds a candidate whose branch is gone from the baseline branch and its stored diff', async () => {
    const copy = path.join(temp, 'run-copy');
    fs.cpSync(runDir, copy, { recursive: true });
    const workspace = path.join(copy, 'workspace');
    execFileSync('git', ['-C', workspace, 'checkout', '-q', '-f', 'candidate/baseline']);
    execFileSync('git', ['-C', workspace, 'branch', '-q', '-D', 'candidate/c0002']);
    expect((await resolveHarness(`${copy}:c0002`)).harness.contentHash).toBe(recordedHash('c0002'));
  });

  it('an existing folder whose name holds ":" loads as a folder', async () => {
    const odd = path.join(temp, 'odd:c0001');
    fs.cpSync(path.join(repoRoot, 'baselines/cot-self-instruct'), odd, { recursive: true });
    const resolved = await resolveHarness(odd);
    expect(resolved.candidate).toBeUndefined();
    expect(resolved.harness.contentHash).toBe(loadHarness(path.join(repoRoot, 'baselines/cot-self-instruct')).contentHash);
  });
});

describe('autodata harness export and generate --harness RUN:best', () => {
  it('writes the candidate as a folder that loads as the same harness; an unknown candidate is one line, exit 1', () => {
    const best = readRun(runDir, runStatus).best!.id;
    const out = path.join(temp, 'exported');
    const stdout = execFileSync(process.execPath, [bin, 'harness', 'export', runDir, 'best', '--out', out], { cwd: repoRoot, encoding: 'utf8' });
    expect(stdout).toBe(`candidate ${best} of ${runDir} written to ${out} (content hash ${recordedHash(best)!.slice(0, 12)})\n`);
    expect(loadHarness(out).contentHash).toBe(recordedHash(best));
    const unknown = spawnSync(process.execPath, [bin, 'harness', 'export', runDir, 'c0099', '--out', path.join(temp, 'none')], { cwd: repoRoot, encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(`error: ${runDir}:c0099: no candidate c0099 in this run; known: c0000, c0001, c0002 (or best)\n`);
    expect(fs.existsSync(path.join(temp, 'none'))).toBe(false);
  }, 30_000);

  it('generate --harness RUN:best runs that candidate, and export finds it by the run it recorded', async () => {
    const best = readRun(runDir, runStatus).best!.id;
    const generated = path.join(temp, 'gen');
    execFileSync(process.execPath, [bin, 'generate', '--harness', `${runDir}:best`, '--part', 'train', '--limit', '6', '--out', generated], {
      cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = path.join(temp, 'gen-export');
    const { summary } = await exportDataset({ source: generated, outDir: out, format: 'jsonl', testFraction: 0.5, seed: 0, dedup: false, cwd: repoRoot });
    expect(summary.harnesses.map((harness) => harness.hash)).toEqual([recordedHash(best)]);
    expect(loadHarness(path.join(out, 'harness')).contentHash).toBe(recordedHash(best));
    expect(new Set(readJsonl<{ harness_hash: string }>(path.join(out, 'examples.jsonl')).map((row) => row.harness_hash))).toEqual(new Set([recordedHash(best)]));
  }, 60_000);

  it('export of the evolve run writes one harness folder per harness behind its examples', async () => {
    const out = path.join(temp, 'run-export');
    const { summary, rows } = await exportDataset({ source: runDir, outDir: out, format: 'jsonl', testFraction: 0.3, seed: 0, dedup: false, cwd: repoRoot });
    const hashes = [...new Set(rows.map((row) => row.harness_hash))].sort();
    expect(summary.harnesses.map((harness) => harness.hash).sort()).toEqual(hashes);
    for (const harness of summary.harnesses) {
      expect(loadHarness(path.join(out, harness.folder)).contentHash).toBe(harness.hash);
      for (const id of harness.candidates) expect(recordedHash(id)).toBe(harness.hash);
    }
  });
});

// Provenance a card can trust: the endpoints a generate folder ran on are recorded (no keys), a
// resume on other models or sampling settings is refused unless allowed, and "simulated" is one
// rule: any role on the sim.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endpointProvenance, isSimulated, provenanceChanges, readEndpointsRecord, recordEndpoints } from '../../src/config/endpoint-provenance.ts';
import { defaultSimEndpoints, parseEndpoints } from '../../src/config/endpoints.ts';
import { runExperiment } from '../../src/app/run-experiment.ts';
import { loadTiny, writeTinyExperiment } from '../outer/support.ts';
import { bin, repoRoot, tempFolder } from './support.ts';

const temp = tempFolder('provenance');
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const real = (overrides: Record<string, unknown> = {}) =>
  parseEndpoints({ defaults: { baseURL: 'http://127.0.0.1:9/v1', model: 'm-agent', apiKeyEnv: 'PROVENANCE_KEY' }, ...overrides }, 'e.yaml', { PROVENANCE_KEY: 'sk-secret-value' });

describe('endpoint provenance', () => {
  it('keeps models and sampling settings, never a key', () => {
    const roles = endpointProvenance(real({ judge: { model: 'm-judge', temperature: 0.2 } }), ['judge', 'challenger']);
    expect(Object.keys(roles)).toEqual(['challenger', 'judge']);
    expect(roles.judge).toMatchObject({ model: 'm-judge', temperature: 0.2 });
    expect(JSON.stringify(roles)).not.toContain('sk-secret-value');
    expect(JSON.stringify(roles)).not.toContain('PROVENANCE_KEY');
  });

  it('names every changed field, and a role called only on one side', () => {
    const before = endpointProvenance(real(), ['judge', 'challenger']);
    const after = endpointProvenance(real({ judge: { model: 'm-other', temperature: 0.5 } }), ['judge', 'mainAgent']);
    expect(provenanceChanges(before, after)).toEqual([
      'challenger: no longer called',
      'judge.model: "m-agent" -> "m-other"',
      'judge.temperature: 1 -> 0.5',
      'mainAgent: not called before',
    ]);
    // Limits that change only speed or cost are not provenance.
    expect(provenanceChanges(before, endpointProvenance(real({ defaults: { baseURL: 'http://127.0.0.1:9/v1', model: 'm-agent', concurrency: 64 } }), ['judge', 'challenger']))).toEqual([]);
  });

  it('refuses to resume a folder on changed endpoints unless allowed, and keeps the history', () => {
    const dir = path.join(temp, 'gen');
    fs.mkdirSync(dir);
    const first = { source: 'e.yaml', roles: endpointProvenance(real(), ['judge']) };
    expect(recordEndpoints(dir, first, false)).toEqual([]);
    expect(recordEndpoints(dir, first, false)).toEqual([]);
    const changed = { source: 'e.yaml', roles: endpointProvenance(real({ judge: { model: 'm-judge-2' } }), ['judge']) };
    expect(() => recordEndpoints(dir, changed, false)).toThrow(/was run with other endpoints \(judge\.model: "m-agent" -> "m-judge-2"\).*--allow-endpoint-change/);
    expect(readEndpointsRecord(dir)?.history).toHaveLength(1);
    expect(recordEndpoints(dir, changed, true)).toEqual(['judge.model: "m-agent" -> "m-judge-2"']);
    expect(readEndpointsRecord(dir)?.history.map((entry) => entry.roles.judge?.model)).toEqual(['m-agent', 'm-judge-2']);
  });

  it('simulated: any role on the sim', () => {
    expect(isSimulated(defaultSimEndpoints())).toBe(true);
    expect(isSimulated(real())).toBe(false);
    expect(isSimulated(real({ judge: { baseURL: 'sim://local/v1', model: 'sim-agent' } }))).toBe(true);
  });

  it('generate on an edited endpoints file stops with one line; --allow-endpoint-change resumes', () => {
    const file = path.join(temp, 'endpoints.yaml');
    const write = (temperature: number) => fs.writeFileSync(file, `defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\nweakSolver:\n  model: sim-weak\nstrongSolver:\n  model: sim-strong\njudge:\n  temperature: ${temperature}\n`);
    const out = path.join(temp, 'gen-cli');
    const generate = (...extra: string[]) => spawnSync(process.execPath, [bin, 'generate', '--part', 'test', '--limit', '1', '--seed', '1', '--out', out, '--endpoints', file, ...extra], { cwd: repoRoot, encoding: 'utf8' });
    write(1);
    expect(generate().status).toBe(0);
    write(0.7);
    const refused = generate();
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(`error: --allow-endpoint-change: ${out} was run with other endpoints (judge.temperature: 1 -> 0.7); resuming would mix models in one dataset: use a new --out, or pass --allow-endpoint-change`);
    const allowed = generate('--allow-endpoint-change');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('(1 reused from an earlier run)');
    // The card names both sets of sampling settings (run seed 1 gives an example on the first test document on the sim; seed 0 does not).
    const exported = spawnSync(process.execPath, [bin, 'export', out, '--out', path.join(temp, 'ds')], { cwd: repoRoot, encoding: 'utf8' });
    expect(exported.status, exported.stderr).toBe(0);
    const card = fs.readFileSync(path.join(temp, 'ds', 'DATA_CARD.md'), 'utf8');
    expect(card).toContain('**The folder was run on 2 different sets of endpoints**');
    expect(card).toMatch(/\| judge \| sim-agent \| 0\.7 \|/);
  }, 60_000);

  it('evolve records its endpoints with the run and refuses a resume on changed ones unless allowed', async () => {
    const file = path.join(temp, 'evolve-endpoints.yaml');
    const write = (model: string) => fs.writeFileSync(file, `defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\nweakSolver:\n  model: sim-weak\nstrongSolver:\n  model: ${model}\n`);
    write('sim-strong');
    const experiment = loadTiny(writeTinyExperiment(temp, 'tiny-provenance', { endpoints: file }), { iterations: 1 });
    const runDir = path.join(temp, 'evolve-run');
    const first = await runExperiment({ experiment, runDir, resume: false });
    expect(first.runDir).toBe(runDir);
    expect(readEndpointsRecord(runDir)?.history.map((entry) => entry.roles.strongSolver?.model)).toEqual(['sim-strong']);
    write('sim-strong?cache=none');
    await expect(runExperiment({ experiment, runDir, resume: true })).rejects.toThrow(/was run with other endpoints \(strongSolver\.model: "sim-strong" -> "sim-strong\?cache=none"\)/);
    await runExperiment({ experiment, runDir, resume: true, allowEndpointChange: true });
    expect(readEndpointsRecord(runDir)?.history).toHaveLength(2);
  }, 120_000);
});

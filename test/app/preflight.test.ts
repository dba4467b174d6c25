// Before any paid work: a run whose endpoints cannot do what their roles need stops with one line
// naming the role, the endpoint and the fix; the run folder is not even created.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflightEndpoints } from '../../src/app/preflight.ts';
import { defaultSimEndpoints, parseEndpoints, SIM_BASE_URL } from '../../src/config/endpoints.ts';
import { ConfigError } from '../../src/errors.ts';
import { calledEndpointRoles } from '../../src/harness/roles.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;

const simEndpoints = (roles: Record<string, unknown>) =>
  parseEndpoints({ defaults: { baseURL: SIM_BASE_URL, model: 'sim-agent', timeoutMs: 5000 }, weakSolver: { model: 'sim-weak' }, strongSolver: { model: 'sim-strong' }, ...roles }, 'e.yaml', {});

describe('preflightEndpoints', () => {
  it('stops on an agent endpoint without tool calls, naming role, endpoint and fix', async () => {
    const endpoints = simEndpoints({ mainAgent: { model: 'sim-agent?tools=none' } });
    const error = await preflightEndpoints({ endpoints, roles: ['mainAgent', 'challenger'] }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('endpoints.mainAgent');
    expect((error as ConfigError).message).toMatch(
      /^endpoints\.mainAgent: sim:\/\/local\/v1 \(sim-agent\?tools=none\) no tool calls \(HTTP 400 .*\); start vLLM with --enable-auto-tool-choice .*nothing was run \(autodata doctor checks every role\)$/,
    );
  });

  it('leaves roles the run does not call alone, and passes what a fallback covers', async () => {
    const lines: string[] = [];
    const endpoints = simEndpoints({ mainAgent: { model: 'sim-agent?tools=none' }, challenger: { model: 'sim-agent?structured=json_object' } });
    // A scripted harness never calls the main agent.
    await preflightEndpoints({ endpoints, roles: ['challenger', 'weakSolver'], log: (line) => lines.push(line) });
    expect(lines).toEqual([expect.stringMatching(/^endpoint check: challenger sim-agent\?structured=json_object: .*structured json_object \(json_schema refused\)/)]);
  });

  it('fills in the context window a server reports for roles that set none', async () => {
    const endpoints = simEndpoints({ challenger: { model: 'sim-agent?context=12000' }, qualityVerifier: { model: 'sim-agent?context=12000', contextWindow: 9000 } });
    const checked = await preflightEndpoints({ endpoints, roles: ['challenger', 'qualityVerifier', 'judge'] });
    expect(checked.roles.challenger.contextWindow).toBe(12000);
    expect(checked.roles.qualityVerifier.contextWindow).toBe(9000);
    // Plain sim personas are not asked, so nothing is learned about them.
    expect(checked.roles.judge.contextWindow).toBeUndefined();
    expect(checked.apiKey('challenger')).toBeUndefined();
  });

  it('asks nothing of the built-in sim personas', async () => {
    const lines: string[] = [];
    await preflightEndpoints({ endpoints: defaultSimEndpoints(), roles: ['mainAgent', 'challenger', 'judge'], log: (line) => lines.push(line) });
    expect(lines).toEqual([]);
  });
});

describe('a run on endpoints that refuse what their roles need', () => {
  it('generate exits 1 with the line and creates no run folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-preflight-'));
    const file = path.join(dir, 'endpoints.yaml');
    fs.writeFileSync(file, 'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\nweakSolver:\n  model: sim-weak\nstrongSolver:\n  model: sim-strong\njudge:\n  model: sim-agent?seed=reject\n');
    const out = path.join(dir, 'run');
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'generate', '--endpoints', file, '--limit', '2', '--out', out], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      ({ status, stderr } = error as { status: number; stderr: string });
    }
    expect(status).toBe(1);
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: endpoints.judge: sim://local/v1 (sim-agent?seed=reject) the server rejects "seed"; set endpoints.judge.sendSeed: false ' +
        '(samples stay apart in the cache); nothing was run (autodata doctor checks every role)',
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('the strong solver as the weak model in another mode', () => {
  it('probes the strongSolver endpoint only when a separate strong model answers', () => {
    expect(calledEndpointRoles({ orchestrator: 'agentic', strongSolver: { mode: 'separate', samples: 4 } })).toContain('strongSolver');
    for (const mode of ['samples', 'document'] as const) {
      const roles = calledEndpointRoles({ orchestrator: 'agentic', strongSolver: { mode, samples: 4 } });
      expect(roles).not.toContain('strongSolver');
      expect(roles).toEqual(expect.arrayContaining(['mainAgent', 'challenger', 'qualityVerifier', 'weakSolver', 'judge']));
    }
  });

  it('generate in samples mode runs although the unused strongSolver endpoint would be refused, and does not record it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-preflight-modes-'));
    const harness = path.join(dir, 'harness');
    fs.cpSync(new URL('../../baselines/agentic-self-instruct', import.meta.url).pathname, harness, { recursive: true });
    const settingsFile = path.join(harness, 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(settingsFile, 'utf8')), strongSolver: { mode: 'samples', samples: 2 } }));
    const file = path.join(dir, 'endpoints.yaml');
    // The strongSolver endpoint rejects "seed": probed, it would stop the run (as the judge's does above).
    fs.writeFileSync(file, 'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\nweakSolver:\n  model: sim-weak\nstrongSolver:\n  model: sim-strong?seed=reject\n');
    const run = (harnessDir: string, out: string) => {
      try {
        execFileSync(process.execPath, [bin, 'generate', '--harness', harnessDir, '--endpoints', file, '--limit', '1', '--out', out], { encoding: 'utf8', stdio: 'pipe' });
        return { status: 0, stderr: '' };
      } catch (error) {
        return error as { status: number; stderr: string };
      }
    };
    const out = path.join(dir, 'run');
    expect(run(harness, out).status).toBe(0);
    const recorded = JSON.parse(fs.readFileSync(path.join(out, 'endpoints.json'), 'utf8')) as { history: Array<{ roles: Record<string, unknown> }> };
    expect(Object.keys(recorded.history[0]!.roles)).not.toContain('strongSolver');
    expect(Object.keys(recorded.history[0]!.roles)).toContain('weakSolver');
    // The same endpoints with a separate strong model: the probe refuses before anything runs.
    const refused = run(new URL('../../baselines/agentic-self-instruct', import.meta.url).pathname, path.join(dir, 'separate'));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/error: endpoints\.strongSolver: .*sim-strong\?seed=reject\) the server rejects "seed"/);
  });
});

describe('a run on servers that need the fallbacks', () => {
  it('works: json_object for a verifier whose server refuses json_schema, no seed for a judge that rejects it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-fallbacks-'));
    const file = new URL('../../experiments/sim-servers.endpoints.yaml', import.meta.url).pathname;
    const result = execFileSync(process.execPath, [bin, 'generate', '--endpoints', file, '--limit', '3', '--out', path.join(dir, 'run'), '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const summary = (JSON.parse(result) as { evaluation: { summary: { completed: number; errored: number; accepted: number } } }).evaluation.summary;
    expect(summary).toMatchObject({ completed: 3, errored: 0 });
    expect(summary.accepted).toBeGreaterThan(0);
  });
});

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

// `autodata doctor`: one line per role; a failing role names itself, the endpoint and the fix.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../src/config/endpoints.ts';
import { checkEndpoints } from '../../src/llm/check-endpoints.ts';
import { startSimServer, type SimServer } from '../../src/sim/index.ts';
import { tempDir } from './helpers.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;
const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('checkEndpoints', () => {
  it('passes healthy roles and explains a wrong model and a dead server', async () => {
    const server = await startSimServer({ seed: 1 });
    servers.push(server);
    const dead = await startSimServer({ seed: 1 });
    const deadURL = dead.baseURL;
    await dead.close();
    const endpoints = parseEndpoints(
      {
        defaults: { baseURL: server.baseURL, model: 'sim-agent', maxRetries: 0, timeoutMs: 2000 },
        weakSolver: { model: 'sim-weak' },
        strongSolver: { model: 'gpt-typo' },
        judge: { baseURL: deadURL },
      },
      'doctor-test.yaml',
      {},
    );

    const checks = await checkEndpoints({ endpoints });
    const byRole = Object.fromEntries(checks.map((check) => [check.role, check]));

    expect(checks.map((check) => check.role)).toEqual([
      'mainAgent', 'challenger', 'qualityVerifier', 'weakSolver', 'strongSolver', 'judge', 'analyzer', 'implementer',
    ]);
    expect(byRole.weakSolver).toMatchObject({ ok: true, reachable: true, modelListed: true, structuredOutput: true });
    expect(byRole.strongSolver).toMatchObject({
      ok: false,
      reachable: true,
      modelListed: false,
      problem: `model "gpt-typo" is not listed by ${server.baseURL}/models (it lists: sim-agent, sim-weak, sim-strong); fix endpoints.strongSolver.model`,
    });
    expect(byRole.judge).toMatchObject({
      ok: false,
      reachable: false,
      problem: `cannot reach ${deadURL} (sim-agent) (ECONNREFUSED); start the server or fix endpoints.judge.baseURL`,
    });
    expect(checks.filter((check) => check.ok)).toHaveLength(6);
  });
});

describe('autodata doctor', () => {
  function runDoctor(args: string[]): { status: number; stdout: string; stderr: string } {
    try {
      const stdout = execFileSync(process.execPath, [bin, 'doctor', ...args], { encoding: 'utf8', stdio: 'pipe' });
      return { status: 0, stdout, stderr: '' };
    } catch (error) {
      const failure = error as { status: number; stdout: string; stderr: string };
      return { status: failure.status, stdout: failure.stdout, stderr: failure.stderr };
    }
  }

  it('checks the built-in sim endpoints in process and exits 0', () => {
    const { status, stdout } = runDoctor(['--json']);
    const report = JSON.parse(stdout) as { source: string; checks: Array<{ role: string; ok: boolean }> };
    expect(status).toBe(0);
    expect(report.source).toBe('built-in sim endpoints');
    expect(report.checks.map((check) => check.ok)).toEqual(Array(8).fill(true));
  });

  it('exits 1 and marks the failing role when a model is wrong', () => {
    const file = path.join(tempDir(), 'endpoints.yaml');
    fs.writeFileSync(file, 'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\nanalyzer:\n  model: sim-nope\n');
    const { status, stdout, stderr } = runDoctor(['--endpoints', file]);
    expect(status).toBe(1);
    expect(stderr).toBe('1 role(s) failed the check; fix the lines marked FAIL and run autodata doctor again\n');
    const failing = stdout.split('\n').filter((line) => line.includes('FAIL'));
    expect(failing).toEqual([
      'analyzer        FAIL sim://local/v1 sim-nope   model "sim-nope" is not listed by sim://local/v1/models (it lists: sim-agent, sim-weak, sim-strong); fix endpoints.analyzer.model',
    ]);
  });
});

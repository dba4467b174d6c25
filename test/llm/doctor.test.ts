// `autodata doctor`: one line per role; a failing role names itself, the endpoint and the fix.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../src/config/endpoints.ts';
import { checkEndpoints } from '../../src/llm/check-endpoints.ts';
import { ROLES } from '../../src/llm/types.ts';
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

    // One check per role, in ROLES order (roles added later, such as the learner, too).
    expect(checks.map((check) => check.role)).toEqual([...ROLES]);
    expect(ROLES.slice(0, 9)).toEqual(['mainAgent', 'challenger', 'qualityVerifier', 'weakSolver', 'strongSolver', 'judge', 'analyzer', 'implementer', 'taxonomist']);
    expect(byRole.weakSolver).toMatchObject({ ok: true, reachable: true, modelListed: true, seed: 'accepted', structuredOutput: undefined, reasoning: false });
    expect(byRole.challenger).toMatchObject({ ok: true, structuredOutput: 'json_schema', structuredRefused: [], toolCalls: undefined });
    expect(byRole.mainAgent).toMatchObject({ ok: true, structuredOutput: undefined });
    expect(byRole.mainAgent!.toolCalls).toBeTruthy();
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
    // Every role but the two broken ones.
    expect(checks.filter((check) => check.ok)).toHaveLength(ROLES.length - 2);
  });
});

describe('checkEndpoints on servers that lack what a role needs', () => {
  it('reports every capability, with the fallback or the fix, one role at a time', async () => {
    const models = {
      mainAgent: { model: 'sim-agent?tools=none' },
      challenger: { model: 'sim-agent?structured=json_object&reasoning=think-tags' },
      qualityVerifier: { model: 'sim-agent?structured=none' },
      judge: { model: 'sim-agent?seed=reject' },
      analyzer: { model: 'sim-agent?structured=json_object', structuredOutput: 'json_schema' as const },
      weakSolver: { model: 'sim-weak?reasoning=field&context=8192', contextWindow: 16384 },
      strongSolver: { model: 'sim-strong?reasoning=closing-tag&context=65536' },
    };
    // The server lists these names as vLLM lists its --served-model-name.
    const server = await startSimServer({ seed: 1, servedModels: Object.values(models).map((entry) => entry.model) });
    servers.push(server);
    const endpoints = parseEndpoints(
      { defaults: { baseURL: server.baseURL, model: 'sim-agent', maxRetries: 0, timeoutMs: 2000 }, ...models },
      'mixed.yaml',
      {},
    );
    const checks = await checkEndpoints({ endpoints });
    const byRole = Object.fromEntries(checks.map((check) => [check.role, check]));

    expect(byRole.mainAgent).toMatchObject({ ok: false, toolCalls: false });
    expect(byRole.mainAgent!.refusal).toMatch(/^no tool calls \(HTTP 400 .*\); start vLLM with --enable-auto-tool-choice --tool-call-parser NAME .*or set "orchestrator": "scripted"/);
    expect(byRole.challenger).toMatchObject({ ok: true, structuredOutput: 'json_object', structuredRefused: ['json_schema'], reasoning: true });
    expect(byRole.qualityVerifier).toMatchObject({ ok: true, structuredOutput: 'prompt', structuredRefused: ['json_schema', 'json_object'] });
    expect(byRole.judge).toMatchObject({
      ok: false,
      seed: 'rejected',
      structuredOutput: 'json_schema',
      refusal: 'the server rejects "seed"; set endpoints.judge.sendSeed: false (samples stay apart in the cache)',
    });
    expect(byRole.analyzer).toMatchObject({ ok: false, structuredOutput: false });
    expect(byRole.analyzer!.refusal).toMatch(/^the server refuses structuredOutput json_schema \(HTTP 400 .*\); set endpoints.analyzer.structuredOutput: auto$/);
    expect(byRole.weakSolver).toMatchObject({
      ok: false,
      reasoning: true,
      contextWindow: { tokens: 16384, source: 'setting' },
      refusal: "contextWindow 16384 is larger than the server's 8192; lower endpoints.weakSolver.contextWindow or remove it",
    });
    expect(byRole.strongSolver).toMatchObject({ ok: true, reasoning: true, contextWindow: { tokens: 65536, source: 'server' } });
    expect(byRole.implementer).toMatchObject({ ok: true, structuredOutput: 'json_schema', reasoning: false });
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
    expect(report.checks.map((check) => check.ok)).toEqual(Array(ROLES.length).fill(true));
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

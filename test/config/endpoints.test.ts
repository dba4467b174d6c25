// Endpoint configuration: defaults, validation messages that name the field, keys kept out of values.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ENDPOINT_DEFAULTS,
  defaultSimEndpoints,
  endpointId,
  loadEndpointsFile,
  parseEndpoints,
  redactedEndpoints,
} from '../../src/config/endpoints.ts';
import { catchConfigError } from '../support/catch-error.ts';
import { ROLES } from '../../src/llm/types.ts';

function writeTemp(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-')), name);
  fs.writeFileSync(file, text);
  return file;
}

const base = { defaults: { baseURL: 'http://127.0.0.1:8000/v1', model: 'qwen' } };

describe('parseEndpoints', () => {
  it('applies built-in defaults, then the defaults block, then per-role overrides', () => {
    const endpoints = parseEndpoints(
      { defaults: { ...base.defaults, concurrency: 8 }, judge: { model: 'judge-model', temperature: 0 } },
      'endpoints.yaml',
      {},
    );
    expect(endpoints.roles.judge).toEqual({
      role: 'judge',
      id: endpointId('http://127.0.0.1:8000/v1', 'judge-model'),
      baseURL: 'http://127.0.0.1:8000/v1',
      model: 'judge-model',
      concurrency: 8,
      timeoutMs: BUILT_IN_ENDPOINT_DEFAULTS.timeoutMs,
      maxRetries: BUILT_IN_ENDPOINT_DEFAULTS.maxRetries,
      retryBaseDelayMs: 500,
      temperature: 0,
      maxTokens: BUILT_IN_ENDPOINT_DEFAULTS.maxTokens,
      maxTokensField: 'max_tokens',
      maxConsecutiveFailures: 5,
      structuredOutput: 'auto',
      sendSeed: true,
      reasoningTags: 'auto',
      stream: false,
    });
    expect(endpoints.roles.challenger.model).toBe('qwen');
    expect(endpoints.roles.challenger.id).not.toBe(endpoints.roles.judge.id);
    expect(endpoints.roles.challenger.id).toBe(endpoints.roles.analyzer.id);
  });

  it('names the field, the expected type, the value and the file', () => {
    const error = catchConfigError(() => parseEndpoints({ ...base, judge: { timeoutMs: 'x' } }, 'endpoints.yaml', {}));
    expect(error.path).toBe('endpoints.judge.timeoutMs');
    expect(error.message).toBe('endpoints.judge.timeoutMs: expected number, got "x" (in endpoints.yaml)');
  });

  it('rejects an unknown key with its path', () => {
    const error = catchConfigError(() => parseEndpoints({ ...base, judge: { timout: 5 } }, 'endpoints.yaml', {}));
    expect(error.message).toBe('endpoints.judge.timout: unknown key; check the spelling or remove it (in endpoints.yaml)');
    const role = catchConfigError(() => parseEndpoints({ ...base, jduge: {} }, 'endpoints.yaml', {}));
    expect(role.message).toBe('endpoints.jduge: unknown key; check the spelling or remove it (in endpoints.yaml)');
  });

  it('names each of several unknown keys and every other problem, each at its path', () => {
    const error = catchConfigError(() =>
      parseEndpoints({ ...base, judge: { timout: 5, retries: 2 }, defaults: { ...base.defaults, temperature: 3 } }, 'endpoints.yaml', {}),
    );
    expect(error.message).toBe(
      [
        'endpoints.defaults.temperature: must be <= 2 (in endpoints.yaml), and 2 more problem(s):',
        '  endpoints.judge.timout: unknown key; check the spelling or remove it',
        '  endpoints.judge.retries: unknown key; check the spelling or remove it',
      ].join('\n'),
    );
    expect(error.issues).toHaveLength(3);
  });

  it('asks for a model when neither the role nor the defaults set one', () => {
    const error = catchConfigError(() => parseEndpoints({ defaults: { baseURL: 'http://h/v1' } }, 'e.json', {}));
    expect(error.message).toBe('endpoints.mainAgent.model: missing; set it in endpoints.mainAgent or endpoints.defaults (in e.json)');
  });

  it('rejects out-of-range numbers, non-integers, credentials in the URL and a key where a variable name belongs', () => {
    const messages = [
      { defaults: { ...base.defaults, concurrency: 1.5 } },
      { defaults: { ...base.defaults, temperature: 3 } },
      { defaults: { ...base.defaults, baseURL: 'http://user:pw@host/v1' } },
      { defaults: { ...base.defaults, apiKeyEnv: 'sk-abc123' } },
      { defaults: { ...base.defaults, maxConsecutiveFailures: 0 } },
      { judge: { maxConsecutiveFailures: 1001 }, ...base },
    ].map((value) => catchConfigError(() => parseEndpoints(value, 'e.yaml', {})).message);
    expect(messages).toEqual([
      'endpoints.defaults.concurrency: expected integer, got 1.5 (in e.yaml)',
      'endpoints.defaults.temperature: must be <= 2 (in e.yaml)',
      'endpoints.defaults.baseURL: must not contain credentials; put the key in an environment variable and name it in apiKeyEnv (in e.yaml)',
      'endpoints.defaults.apiKeyEnv: must be the NAME of an environment variable (letters, digits, _), not the key itself (in e.yaml)',
      'endpoints.defaults.maxConsecutiveFailures: must be >= 1 (in e.yaml)',
      'endpoints.judge.maxConsecutiveFailures: must be <= 1000 (in e.yaml)',
    ]);
    expect(messages.join('\n')).not.toContain('sk-abc123');
  });

  it('names the role and the variable when the key variable is not set', () => {
    const error = catchConfigError(() =>
      parseEndpoints({ ...base, judge: { apiKeyEnv: 'OPENROUTER_API_KEY' } }, 'endpoints.yaml', {}),
    );
    expect(error.message).toBe(
      'endpoints.judge.apiKeyEnv: environment variable OPENROUTER_API_KEY is not set; export it or remove apiKeyEnv (in endpoints.yaml)',
    );
  });

  it('reads the key at load time and keeps it out of every serialized form', () => {
    const endpoints = parseEndpoints({ ...base, judge: { apiKeyEnv: 'JUDGE_KEY' } }, 'e.yaml', { JUDGE_KEY: 'sk-very-secret' });
    expect(endpoints.apiKey('judge')).toBe('sk-very-secret');
    expect(endpoints.apiKey('challenger')).toBeUndefined();
    expect(JSON.stringify(endpoints)).not.toContain('sk-very-secret');
    expect(JSON.stringify(redactedEndpoints(endpoints))).not.toContain('sk-very-secret');
    expect(redactedEndpoints(endpoints).roles.judge.apiKeyEnv).toBe('JUDGE_KEY');
  });

  it('keeps a credential-like default header out of the storable form, by name', () => {
    const headers = { 'api-key': 'azure-secret-123', Authorization: 'Bearer abc12345', 'X-Title': 'my-study' };
    const endpoints = parseEndpoints({ ...base, judge: { defaultHeaders: headers } }, 'e.yaml', {});
    expect(redactedEndpoints(endpoints).roles.judge.defaultHeaders).toEqual({
      'api-key': '[redacted]',
      Authorization: '[redacted]',
      'X-Title': 'my-study',
    });
    expect(endpoints.roles.judge.defaultHeaders).toEqual(headers);
  });
});

describe('loadEndpointsFile', () => {
  it('reads YAML and JSON files', () => {
    const yamlFile = writeTemp('endpoints.yaml', 'defaults:\n  baseURL: http://127.0.0.1:8000/v1\n  model: qwen\nweakSolver:\n  model: small\n');
    const jsonFile = writeTemp('endpoints.json', JSON.stringify(base));
    expect(loadEndpointsFile(yamlFile, {}).roles.weakSolver.model).toBe('small');
    expect(loadEndpointsFile(jsonFile, {}).roles.weakSolver.model).toBe('qwen');
  });

  it('names the file in errors: missing, unparsable, invalid', () => {
    const missing = path.join(os.tmpdir(), 'autodata-no-such-endpoints.yaml');
    expect(catchConfigError(() => loadEndpointsFile(missing, {})).message).toBe(
      `${missing}: endpoints file not found; check the path given to --endpoints`,
    );
    const broken = writeTemp('broken.json', '{ "defaults": ');
    expect(catchConfigError(() => loadEndpointsFile(broken, {})).path).toBe(broken);
    const invalid = writeTemp('invalid.yaml', 'judge:\n  maxRetries: -1\n');
    expect(catchConfigError(() => loadEndpointsFile(invalid, {})).message).toBe(`endpoints.judge.maxRetries: must be >= 0 (in ${invalid})`);
  });
});

describe('defaultSimEndpoints', () => {
  it('puts every role on the sim, solvers on their personas', () => {
    const endpoints = defaultSimEndpoints();
    // The solvers on their own personas; every other role, the learner included, on the agent.
    expect(ROLES.map((role) => endpoints.roles[role].model)).toEqual(
      ROLES.map((role) => (role === 'weakSolver' ? 'sim-weak' : role === 'strongSolver' ? 'sim-strong' : 'sim-agent')),
    );
    expect(endpoints.roles.learner.model).toBe('sim-agent');
    expect(new Set(ROLES.map((role) => endpoints.roles[role].baseURL))).toEqual(new Set(['sim://local/v1']));
  });
});

describe('the example endpoints file', () => {
  const file = new URL('../../src/config/endpoints.example.yaml', import.meta.url).pathname;

  it('loads, with per-role sampling settings over the defaults', () => {
    const endpoints = loadEndpointsFile(file, {});
    expect(endpoints.roles.weakSolver).toMatchObject({ model: 'Qwen/Qwen3.5-4B', temperature: 0.6, topP: 0.95, topK: 20, contextWindow: 32768 });
    expect(endpoints.roles.mainAgent).toMatchObject({ model: 'moonshotai/Kimi-K2-Thinking', structuredOutput: 'auto', reasoningTags: 'auto' });
    expect(endpoints.roles.judge).toMatchObject({ temperature: 0, concurrency: 8, maxConsecutiveFailures: 5 });
    expect(endpoints.apiKey('judge')).toBeUndefined();
  });

  it('shows alternatives (OpenRouter, OpenAI reasoning models) that load once uncommented', () => {
    const text = fs.readFileSync(file, 'utf8');
    // Each commented block starts at "# ROLE:" and runs over the "#   " lines below it.
    const blocks = [...text.matchAll(/^# (strongSolver|judge):\n((?:#   .*\n)+)/gm)].map(
      (match) => `${match[1]}:\n${match[2]!.replace(/^# /gm, '')}`,
    );
    expect(blocks).toHaveLength(2);
    const base = 'defaults:\n  baseURL: http://127.0.0.1:8000/v1\n  model: m\n';
    const openRouter = loadEndpointsFile(writeTemp('openrouter.yaml', base + blocks[0]), { OPENROUTER_API_KEY: 'sk-or-example' });
    expect(openRouter.roles.strongSolver).toMatchObject({
      baseURL: 'https://openrouter.ai/api/v1',
      extraBody: { provider: { order: ['deepinfra'], allow_fallbacks: false } },
      defaultHeaders: { 'HTTP-Referer': 'https://example.org/my-study', 'X-Title': 'my-study' },
    });
    expect(openRouter.apiKey('strongSolver')).toBe('sk-or-example');
    const openAi = loadEndpointsFile(writeTemp('openai.yaml', base + blocks[1]), { OPENAI_API_KEY: 'sk-example' });
    expect(openAi.roles.judge).toMatchObject({ temperature: null, maxTokensField: 'max_completion_tokens', reasoningEffort: 'low' });
  });
});

// The API key reaches the endpoint and nothing else: not the store, the cache, the log, the config snapshot.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parseEndpoints, redactedEndpoints } from '../../src/config/endpoints.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { startSimServer, type SimServer } from '../../src/sim/index.ts';
import { openStore } from '../../src/store/index.ts';
import { recordingSleep, tempDir, userMessage, verdictSchema } from './helpers.ts';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

it('never writes the API key to any file of the run, through successes, failures and cache hits', async () => {
  const secret = `sk-autodata-test-${randomUUID()}`;
  const env = { AUTODATA_TEST_KEY: secret };
  const server = await startSimServer({
    seed: 8,
    faults: [
      { kind: '500', models: ['sim-weak'] },
      { kind: 'malformed', malformedShape: 'hopeless', schemaNames: ['hopeless_case'] },
      { kind: 'truncated', models: ['sim-strong'] },
      { kind: '429', timesPerRequest: 1, retryAfterMs: 1, models: ['sim-agent'] },
    ],
  });
  servers.push(server);
  const endpoints = parseEndpoints(
    {
      defaults: { baseURL: server.baseURL, model: 'sim-agent', apiKeyEnv: 'AUTODATA_TEST_KEY', maxRetries: 1 },
      weakSolver: { model: 'sim-weak' },
      strongSolver: { model: 'sim-strong' },
    },
    'secret-test.yaml',
    env,
  );
  const runDir = tempDir();
  const store = openStore(path.join(runDir, 'run.sqlite'));
  const logLines: string[] = [];
  const authorizations: string[] = [];
  const watchingFetch: typeof fetch = async (input, init) => {
    authorizations.push(new Headers(init?.headers).get('authorization') ?? '');
    return fetch(input, init);
  };
  const llm = createLlm({ endpoints, store, fetchFor: () => watchingFetch, sleep: recordingSleep().sleep, log: (line) => logLines.push(line) });

  const messages = userMessage('Check this.');
  const outcomes = [
    await llm.structured({ role: 'judge', schemaName: 'test_verdict', schema: verdictSchema, messages, seed: 1 }),
    await llm.structured({ role: 'judge', schemaName: 'test_verdict', schema: verdictSchema, messages, seed: 1 }),
    await llm.structured({ role: 'analyzer', schemaName: 'hopeless_case', schema: verdictSchema, messages, seed: 1 }),
    await llm.text({ role: 'weakSolver', messages, seed: 1 }),
    await llm.text({ role: 'strongSolver', messages, seed: 1 }),
  ];
  const failures = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.failure]));
  fs.writeFileSync(path.join(runDir, 'calls.log'), logLines.join('\n'));
  fs.writeFileSync(path.join(runDir, 'failures.json'), JSON.stringify(failures));
  fs.writeFileSync(path.join(runDir, 'endpoints.json'), JSON.stringify(redactedEndpoints(endpoints)));
  fs.writeFileSync(path.join(runDir, 'endpoints-direct.json'), JSON.stringify(endpoints));

  // The test can fail: the key really was in play, and every failure kind really happened.
  expect(authorizations.every((header) => header === `Bearer ${secret}`)).toBe(true);
  expect(authorizations.length).toBeGreaterThan(5);
  expect(failures.map((failure) => failure.kind).sort()).toEqual(['invalid-output', 'transport', 'truncated']);
  expect(outcomes[1]!.usage.cacheHit).toBe(true);

  const checkDir = () => {
    const files = filesUnder(runDir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) expect(fs.readFileSync(file).includes(secret), file).toBe(false);
  };
  checkDir(); // while the store is open (WAL file present)
  store.close();
  checkDir(); // after the checkpoint into the main file
});

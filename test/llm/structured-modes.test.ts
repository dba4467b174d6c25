// Structured-output modes against the in-process sim serving servers that take less than json_schema:
// the body of each mode (the <response_schema> block is a contract with the sim), auto's step-down
// (per endpoint, logged once, resent at once, not a breaker failure, counted), and the cache per mode.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoints, SIM_BASE_URL, type EndpointSettings } from '../../src/config/endpoints.ts';
import { createLlm, type CreateLlmOptions } from '../../src/llm/create-llm.ts';
import { responseFormatFor } from '../../src/llm/structured.ts';
import type { ChatMessage, Role } from '../../src/llm/types.ts';
import { createSimFetch } from '../../src/sim/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { closeScriptedServers, errorReply, scripted, tempDir, userMessage, verdictSchema } from './helpers.ts';

const cleanup: Array<() => void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) step();
  await closeScriptedServers();
});

interface Body {
  model: string;
  messages: ChatMessage[];
  response_format?: { type: string; json_schema?: { name: string } };
}

/** Roles on the in-process sim (`settings` per role, `defaults` for all); every body sent is kept. */
function simLlm(
  defaults: Partial<EndpointSettings>,
  roles: Partial<Record<Role, Partial<EndpointSettings>>> = {},
  options: Omit<CreateLlmOptions, 'endpoints'> = {},
) {
  const simFetch = createSimFetch({ seed: 8 });
  const bodies: Body[] = [];
  const lines: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    if (init?.body) bodies.push(JSON.parse(String(init.body)) as Body);
    return simFetch(input, init);
  };
  const endpoints = parseEndpoints(
    { defaults: { baseURL: SIM_BASE_URL, model: 'sim-agent', timeoutMs: 5000, maxRetries: 0, ...defaults }, ...roles },
    'test endpoints',
    {},
  );
  const llm = createLlm({ endpoints, fetchFor: () => recording, cacheMode: 'off', log: (line) => lines.push(line), ...options });
  return { llm, bodies, lines, endpoints };
}

function store(): Store {
  const opened = openStore(path.join(tempDir(), 'run.sqlite'));
  cleanup.push(() => opened.close());
  return opened;
}

const PROMPT = 'Is the sky blue on a clear day? Answer with a verdict.';
const verdict = (role: Role = 'judge', seed = 9) => ({ role, schemaName: 'test_verdict', schema: verdictSchema, messages: userMessage(PROMPT), seed });
const SCHEMA_JSON = JSON.stringify(responseFormatFor('test_verdict', verdictSchema).json_schema.schema);
const BLOCK = `\n\n<response_schema name="test_verdict">\n${SCHEMA_JSON}\n</response_schema>\n`;
const refusedLine = (role: Role, model: string, from: string, to: string, message: string) =>
  `llm ${role}: ${SIM_BASE_URL} (${model}) refused response_format ${from} (HTTP 400: ${message}); using ${to} from now on`;
const ONLY_JSON_OBJECT = 'This server supports only response_format of type "json_object" (and "text"); json_schema is not supported.';
const NO_STRUCTURED = (format: string) => `This server does not support structured output; response_format "${format}" is not supported (send "text" or none).`;

describe('the body of each structured mode', () => {
  it('json_schema: the schema as response_format, the prompt as written', async () => {
    const { llm, bodies } = simLlm({ structuredOutput: 'json_schema' });

    const result = await llm.structured(verdict());

    expect(result.ok).toBe(true);
    expect(bodies[0]!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'test_verdict' } });
    expect(bodies[0]!.messages).toEqual(userMessage(PROMPT));
    expect(llm.structuredMode('judge')).toBe('json_schema');
  });

  it.each([
    ['json_object', 'sim-agent?structured=json_object', { type: 'json_object' }],
    ['prompt', 'sim-agent?structured=none', undefined],
  ] as const)('%s: the schema block ends the last user message, and the sim answers from it', async (mode, model, responseFormat) => {
    const { llm, bodies } = simLlm({ structuredOutput: mode, model });
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You judge answers.' },
      { role: 'user', content: 'An earlier question.' },
      { role: 'assistant', content: 'An earlier answer.' },
      { role: 'user', content: PROMPT },
    ];

    const result = await llm.structured({ ...verdict(), messages });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.value).sort()).toEqual(['correct', 'reason']);
    expect(result.usage).toMatchObject({ attempts: 1, reasked: false });
    const sent = bodies[0]!;
    expect(sent.response_format).toEqual(responseFormat);
    expect(sent.messages.slice(0, 3)).toEqual(messages.slice(0, 3));
    const last = sent.messages[3]!.content!;
    expect(last.startsWith(`${PROMPT}${BLOCK}`)).toBe(true);
    const sentence = last.slice(`${PROMPT}${BLOCK}`.length);
    expect(sentence).toMatch(/^[A-Z][^\n]*JSON object[^\n]*\.$/);
    expect(llm.structuredMode('judge')).toBe(mode);
  });

  it('re-asks with the block after the fixing message too (the last user message again)', async () => {
    const simFetch = createSimFetch({ seed: 8 });
    const bodies: Body[] = [];
    // Only the first reply on the wire is spoiled; the re-ask gets the sim's valid answer.
    const spoilFirstReply: typeof fetch = async (input, init) => {
      bodies.push(JSON.parse(String(init?.body)) as Body);
      const response = await simFetch(input, init);
      if (bodies.length > 1) return response;
      const envelope = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      envelope.choices[0]!.message.content = '{"correct": "maybe"}';
      return new Response(JSON.stringify(envelope), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const endpoints = parseEndpoints({ defaults: { baseURL: SIM_BASE_URL, model: 'sim-agent', structuredOutput: 'prompt', maxRetries: 0 } }, 'test', {});
    const llm = createLlm({ endpoints, cacheMode: 'off', fetchFor: () => spoilFirstReply });

    const result = await llm.structured(verdict());

    expect(result).toMatchObject({ ok: true, usage: { reasked: true, attempts: 2 } });
    const [prompt, answer, fix] = bodies[1]!.messages;
    expect(bodies[1]!.messages).toHaveLength(3);
    expect(prompt).toEqual(bodies[0]!.messages[0]);
    expect(answer).toEqual({ role: 'assistant', content: '{"correct": "maybe"}' });
    expect(fix!.role).toBe('user');
    expect(fix!.content).toContain('- correct: ');
    expect(fix!.content).toContain(BLOCK);
    expect(fix!.content!.endsWith(prompt!.content!.slice(prompt!.content!.indexOf(BLOCK)))).toBe(true);
  });
});

describe('auto: stepping down when a server refuses a mode', () => {
  it('steps a json_object-only server down once, resends at once, and counts both requests; no breaker failure', async () => {
    const model = 'sim-agent?structured=json_object';
    const run = store();
    // One failed call would open the breaker: the refusal must not count as one.
    const { llm, bodies, lines } = simLlm({ model, maxConsecutiveFailures: 1 }, {}, { store: run, cacheMode: 'use' });

    const first = await llm.structured(verdict());
    const second = await llm.structured(verdict('judge', 10));

    expect(first.ok && second.ok).toBe(true);
    expect(bodies.map((body) => body.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object']);
    expect(lines).toEqual([refusedLine('judge', model, 'json_schema', 'json_object', ONLY_JSON_OBJECT)]);
    expect(first.usage).toMatchObject({ attempts: 2, cacheHit: false, reasked: false });
    expect(second.usage).toMatchObject({ attempts: 1 });
    expect(llm.structuredMode('judge')).toBe('json_object');
    expect(llm.usageByRole().judge).toMatchObject({ calls: 2, failures: 0, retries: 1 });
    const rows = run.db.prepare('SELECT attempts, outcome FROM llm_call_log ORDER BY id').all();
    expect(rows).toEqual([
      { attempts: 2, outcome: 'ok' },
      { attempts: 1, outcome: 'ok' },
    ]);
  });

  it('steps a server without structured output down to the prompt, logging each step', async () => {
    const model = 'sim-agent?structured=none';
    const { llm, bodies, lines } = simLlm({ model });

    const result = await llm.structured(verdict());

    expect(result).toMatchObject({ ok: true, usage: { attempts: 3 } });
    expect(bodies.map((body) => body.response_format?.type ?? 'none')).toEqual(['json_schema', 'json_object', 'none']);
    expect(bodies[2]!.messages[0]!.content).toContain(BLOCK);
    expect(lines).toEqual([
      refusedLine('judge', model, 'json_schema', 'json_object', NO_STRUCTURED('json_schema')),
      refusedLine('judge', model, 'json_object', 'prompt', NO_STRUCTURED('json_object')),
    ]);
    expect(llm.structuredMode('judge')).toBe('prompt');
  });

  it('steps down per endpoint: roles on the same model follow, a role on another model does not', async () => {
    const model = 'sim-agent?structured=json_object';
    const { llm, bodies } = simLlm({ model }, { analyzer: { model: 'sim-agent' } });

    await llm.structured(verdict('judge'));
    bodies.length = 0;
    const verifier = await llm.structured(verdict('qualityVerifier'));
    const analyzer = await llm.structured(verdict('analyzer'));

    expect(verifier).toMatchObject({ ok: true, usage: { attempts: 1 } });
    expect(analyzer).toMatchObject({ ok: true, usage: { attempts: 1 } });
    expect(bodies.map((body) => `${body.model} ${body.response_format?.type}`)).toEqual([`${model} json_object`, 'sim-agent json_schema']);
    expect(llm.structuredMode('qualityVerifier')).toBe('json_object');
    expect(llm.structuredMode('analyzer')).toBe('json_schema');
  });

  it('logs one step-down when calls in flight are refused together, and each is answered', async () => {
    const model = 'sim-agent?structured=json_object';
    const { llm, bodies, lines } = simLlm({ model, concurrency: 8 }, {}, { cacheMode: 'use' });

    // Seeds 1 and 1 are the same call: the second shares the first one's requests.
    const results = await Promise.all([1, 2, 3, 1].map((seed) => llm.structured(verdict('judge', seed))));

    expect(results.every((result) => result.ok)).toBe(true);
    expect(lines).toHaveLength(1);
    expect(bodies.filter((body) => body.response_format?.type === 'json_schema')).toHaveLength(3);
    expect(bodies.filter((body) => body.response_format?.type === 'json_object')).toHaveLength(3);
    expect(results.map((result) => result.usage.attempts)).toEqual([2, 2, 2, 0]);
  });

  it('never steps down a fixed mode: the refusal is an ordinary failure', async () => {
    const { llm, bodies, lines } = simLlm({ model: 'sim-agent?structured=json_object', structuredOutput: 'json_schema' });

    const result = await llm.structured(verdict());

    expect(result).toMatchObject({ ok: false, failure: { kind: 'transport' }, usage: { attempts: 1 } });
    expect(bodies).toHaveLength(1);
    expect(lines).toEqual([]);
    expect(llm.structuredMode('judge')).toBe('json_schema');
  });

  it('fails on a 400 in the last mode, the prompt, like any refused request (422s step down too)', async () => {
    const statuses = [422, 400, 400];
    const server = await scripted((request, _incoming, outgoing) =>
      errorReply(outgoing, statuses[request - 1] ?? 400, { message: `refused request ${request}`, type: 'invalid_request_error' }),
    );
    const lines: string[] = [];
    const endpoints = parseEndpoints({ defaults: { baseURL: server.baseURL, model: 'm', maxRetries: 2, maxConsecutiveFailures: 2 } }, 'test', {});
    const llm = createLlm({ endpoints, cacheMode: 'off', log: (line) => lines.push(line) });

    const result = await llm.structured(verdict());

    expect(server.requests()).toBe(3);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toEqual({
      kind: 'transport',
      message: `judge: HTTP 400 from ${server.baseURL} (m): refused request 3 (gave up after 1 attempt(s))`,
    });
    expect(result.usage.attempts).toBe(3);
    expect(lines).toEqual([
      `llm judge: ${server.baseURL} (m) refused response_format json_schema (HTTP 422: refused request 1); using json_object from now on`,
      `llm judge: ${server.baseURL} (m) refused response_format json_object (HTTP 400: refused request 2); using prompt from now on`,
    ]);
    // One failure in a row so far (the refusals were not failures): a second opens the breaker.
    await expect(llm.structured(verdict('judge', 10))).rejects.toThrow(/failed 2 calls in a row/);
  });
});

describe('the cache per mode', () => {
  it('keeps each mode apart, and after a step-down finds the reply an earlier run cached in the new mode', async () => {
    const run = store();
    const model = 'sim-agent?structured=json_object';
    const asJsonObject = simLlm({ model, structuredOutput: 'json_object' }, {}, { store: run, cacheMode: 'use' });
    const first = await asJsonObject.llm.structured(verdict());

    const asPrompt = simLlm({ model, structuredOutput: 'prompt' }, {}, { store: run, cacheMode: 'use' });
    const inPrompt = await asPrompt.llm.structured(verdict());
    // A new run on auto starts at json_schema: refused, then the json_object reply is in the cache.
    const auto = simLlm({ model }, {}, { store: run, cacheMode: 'use' });
    const inAuto = await auto.llm.structured(verdict());

    expect(first.ok && inPrompt.ok && inAuto.ok).toBe(true);
    expect(inPrompt.usage).toMatchObject({ cacheHit: false, attempts: 1 });
    expect(asPrompt.bodies).toHaveLength(1);
    expect(auto.bodies.map((body) => body.response_format?.type)).toEqual(['json_schema']);
    expect(inAuto.usage).toMatchObject({ attempts: 1, cacheHit: false });
    if (first.ok && inAuto.ok) expect(inAuto.value).toEqual(first.value);
    expect(run.db.prepare('SELECT count(*) AS n FROM llm_call_cache').get()).toEqual({ n: 2 });
  });
});

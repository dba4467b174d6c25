// Every recorded provider shape (test/fixtures/provider-replies) served from a loopback node:http
// server and read by the real transport (the openai client over the global fetch): the answer,
// the reasoning, tool calls, usage fields, or the classified error the fixture states.
import { afterEach, describe, expect, it } from 'vitest';
import { LlmCallError } from '../../src/errors.ts';
import { createTransport } from '../../src/llm/openai-transport.ts';
import { endpointsOn } from './helpers.ts';
import { closeReplayServers, loadProviderFixtures, replayServer, sendFixture } from './replay-server.ts';

afterEach(closeReplayServers);

const fixtures = loadProviderFixtures();
const request = { model: 'fixture-model', messages: [{ role: 'user' as const, content: 'A question.' }], max_tokens: 64, seed: 7 };

async function replay(fixture: (typeof fixtures)[number]) {
  const server = await replayServer((_request, outgoing) => sendFixture(outgoing, fixture));
  const endpoint = endpointsOn(server.baseURL, { model: 'fixture-model', ...fixture.endpoint }).roles.judge;
  const transport = createTransport({ endpoint, apiKey: 'sk-fixture-key-0000000000', env: {} });
  const outcome = await transport.complete(request).then(
    (reply) => ({ reply }),
    (error: unknown) => ({ error }),
  );
  return { server, outcome };
}

describe('recorded provider replies through the real transport', () => {
  it('has fixtures for every server the brief names, each stating its source and its expectation', () => {
    const names = fixtures.map((fixture) => fixture.file);
    for (const prefix of ['openai-', 'vllm-', 'sglang-', 'ollama-', 'openrouter-', 'deepseek-', 'kimi-']) {
      expect(names.some((name) => name.startsWith(prefix)), prefix).toBe(true);
    }
    expect(fixtures.filter((fixture) => fixture.sse).length).toBeGreaterThanOrEqual(3);
    for (const fixture of fixtures) {
      expect(fixture.source.length, fixture.file).toBeGreaterThan(40);
      expect(Boolean(fixture.expect) !== Boolean(fixture.expectError), fixture.file).toBe(true);
      expect(Boolean(fixture.body) !== Boolean(fixture.sse), fixture.file).toBe(true);
    }
  });

  for (const fixture of fixtures.filter((entry) => entry.expect)) {
    it(`${fixture.file}: ${fixture.server}`, async () => {
      const { server, outcome } = await replay(fixture);
      expect('error' in outcome ? outcome.error : undefined).toBeUndefined();
      if (!('reply' in outcome)) return;
      const expected = fixture.expect!;
      expect(outcome.reply).toEqual({
        content: expected['content'],
        reasoning: expected['reasoning'],
        toolCalls: expected['toolCalls'],
        finishReason: expected['finishReason'],
        promptTokens: expected['promptTokens'],
        completionTokens: expected['completionTokens'],
        ...(expected['reasoningTokens'] !== undefined ? { reasoningTokens: expected['reasoningTokens'] } : {}),
        ...(expected['cachedTokens'] !== undefined ? { cachedTokens: expected['cachedTokens'] } : {}),
        ...(expected['providerCost'] !== undefined ? { providerCost: expected['providerCost'] } : {}),
      });
      // What went over the wire: one POST, streamed only when the endpoint says so.
      expect(server.requests).toHaveLength(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe('POST');
      expect(sent.url).toBe('/v1/chat/completions');
      const body = sent.body as Record<string, unknown>;
      if (fixture.sse) expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      else expect(body['stream']).toBeUndefined();
    });
  }

  for (const fixture of fixtures.filter((entry) => entry.expectError)) {
    it(`${fixture.file}: ${fixture.server} -> ${fixture.expectError!.code}`, async () => {
      const { outcome } = await replay(fixture);
      expect('error' in outcome).toBe(true);
      if (!('error' in outcome)) return;
      const error = outcome.error as LlmCallError;
      expect(error).toBeInstanceOf(LlmCallError);
      const expected = fixture.expectError!;
      expect({ code: error.code, retryable: error.retryable, status: error.status }).toEqual({
        code: expected.code,
        retryable: expected.retryable,
        status: expected.status,
      });
      expect(error.message).toContain(expected.messageIncludes);
    });
  }
});

// The sim's prefix cache (prefix-cache.ts): what a prefix-caching server (vLLM, SGLang, OpenAI)
// reports as usage.prompt_tokens_details.cached_tokens, in blocks of 16 tokens (64 characters).
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimHandler } from '../../../src/sim/index.ts';
import { BLOCK_CHARS, BLOCK_TOKENS, blockDigests, createPrefixCache, servedModelKey } from '../../../src/sim/prefix-cache.ts';
import { openTransport, TRANSPORTS, type Transport } from './transports.ts';

/** `blocks` whole blocks of text, different for each `tag`. */
function text(tag: string, blocks: number): string {
  let out = '';
  for (let index = 0; out.length < blocks * BLOCK_CHARS; index += 1) out += `${tag} sentence ${index} about prefixes. `;
  return out.slice(0, blocks * BLOCK_CHARS);
}

const tokens = (chars: number) => Math.ceil(chars / 4);

describe('prefix cache (the module)', () => {
  it('counts the blocks of the longest prefix an earlier prompt left, in tokens', () => {
    const cache = createPrefixCache();
    const shared = text('shared', 10);
    const first = shared + text('first', 3);
    const second = shared + text('second', 3) + 'x';
    expect(cache.serve('m', first, tokens(first.length))).toBe(0);
    expect(cache.serve('m', second, tokens(second.length))).toBe(10 * BLOCK_TOKENS);
    // The second prompt's own blocks are cached too.
    expect(cache.serve('m', second + 'more', tokens(second.length + 4))).toBe(13 * BLOCK_TOKENS);
  });

  it('stops at the first block that differs, even if later blocks match', () => {
    const cache = createPrefixCache();
    const tail = text('tail', 4);
    const first = text('a', 2) + tail;
    const second = text('b', 2) + tail;
    cache.serve('m', first, tokens(first.length));
    expect(cache.serve('m', second, tokens(second.length))).toBe(0);
    expect(blockDigests(first).slice(2)).not.toEqual(blockDigests(second).slice(2));
  });

  it('never counts a partial block, and always computes the last prompt token', () => {
    const cache = createPrefixCache();
    const whole = text('w', 4);
    cache.serve('m', whole, tokens(whole.length));
    // Seen whole: all but the last block (its last token is computed again).
    expect(cache.serve('m', whole, tokens(whole.length))).toBe(3 * BLOCK_TOKENS);
    // A shorter prompt inside the cached one: its whole blocks, less the one holding its last token.
    const partial = whole.slice(0, 2 * BLOCK_CHARS + 10);
    expect(cache.serve('m', partial, tokens(partial.length))).toBe(2 * BLOCK_TOKENS);
    expect(cache.serve('m', '', 0)).toBe(0);
  });

  it('keeps each served model apart; serving options in any order name the same model', () => {
    const cache = createPrefixCache();
    const prompt = text('p', 6) + 'end';
    cache.serve(servedModelKey('sim-agent', {}), prompt, tokens(prompt.length));
    expect(cache.serve(servedModelKey('sim-weak', {}), prompt, tokens(prompt.length))).toBe(0);
    expect(cache.serve(servedModelKey('sim-agent', { reasoning: 'field' }), prompt, tokens(prompt.length))).toBe(0);
    expect(servedModelKey('sim-agent', { reasoning: 'field', context: 8192 })).toBe(servedModelKey('sim-agent', { context: 8192, reasoning: 'field' }));
    expect(cache.serve(servedModelKey('sim-agent', {}), prompt, tokens(prompt.length))).toBe(6 * BLOCK_TOKENS);
  });

  it('holds at most its capacity in blocks, least recently used evicted first', () => {
    const cache = createPrefixCache(8);
    const old = text('old', 6) + '.';
    const recent = text('recent', 6) + '.';
    cache.serve('m', old, tokens(old.length));
    cache.serve('m', recent, tokens(recent.length));
    expect(cache.size('m')).toBe(8);
    // Four of old's six blocks were evicted, its tail first: its head still matches.
    expect(cache.serve('m', old, tokens(old.length))).toBe(2 * BLOCK_TOKENS);
    expect(cache.size('m')).toBe(8);
    // Serving old again pushed four of recent's blocks out, again its tail first.
    expect(cache.serve('m', recent, tokens(recent.length))).toBe(2 * BLOCK_TOKENS);
    const big = text('big', 100);
    cache.serve('m', big, tokens(big.length));
    expect(cache.size('m')).toBe(8);
    expect(() => createPrefixCache(0)).toThrow(/prefixCacheBlocks/);
  });
});

const longPrefix = text('The system prompt of a long agent conversation', 20);
const ask = (model: string, content: string, extra: object = {}) => ({ model, seed: 3, messages: [{ role: 'user' as const, content }], ...extra });
const cachedOf = (completion: { usage?: unknown }) =>
  (completion.usage as { prompt_tokens_details?: { cached_tokens: number } } | undefined)?.prompt_tokens_details?.cached_tokens;

describe.each(TRANSPORTS)('prefix cache through the openai client (%s)', (transportName) => {
  let sim: Transport | undefined;
  const open = async (options: { prefixCacheBlocks?: number } = {}) => (sim = await openTransport(transportName, { seed: 8, ...options }, { timeout: 5000 }));
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('reports the shared blocks of a re-sent conversation as cached; a first prompt as 0', async () => {
    const { client } = await open();
    const first = await client.chat.completions.create(ask('sim-agent', `${longPrefix}Question one?`));
    expect(cachedOf(first)).toBe(0);
    const turn = [
      { role: 'user' as const, content: `${longPrefix}Question one?` },
      { role: 'assistant' as const, content: first.choices[0]!.message.content },
      { role: 'user' as const, content: 'And a follow-up?' },
    ];
    const second = await client.chat.completions.create({ model: 'sim-agent', seed: 4, messages: turn });
    // The first prompt's whole blocks: 20 of the prefix, and those of "Question one?" do not fill one.
    expect(cachedOf(second)).toBe(20 * BLOCK_TOKENS);
    expect(cachedOf(second)!).toBeLessThanOrEqual(second.usage!.prompt_tokens);
    // A different model is another server: nothing shared.
    const other = await client.chat.completions.create(ask('sim-weak', `${longPrefix}Question one?`));
    expect(cachedOf(other)).toBe(0);
    const optioned = await client.chat.completions.create(ask('sim-agent?reasoning=field', `${longPrefix}Question one?`));
    expect(cachedOf(optioned)).toBe(0);
  });

  it('cache=none: a server without prefix caching reports no prompt_tokens_details; the reply is the same', async () => {
    const { client } = await open();
    const body = ask('sim-agent', `${longPrefix}Question two?`);
    await client.chat.completions.create(body);
    const cached = await client.chat.completions.create(body);
    const none = await client.chat.completions.create({ ...body, model: 'sim-agent?cache=none' });
    const noneAgain = await client.chat.completions.create({ ...body, model: 'sim-agent?cache=none' });
    expect(cachedOf(cached)).toBeGreaterThan(0);
    expect(none.usage).not.toHaveProperty('prompt_tokens_details');
    expect(noneAgain.usage).not.toHaveProperty('prompt_tokens_details');
    // Byte-identical content, ids and other usage fields; only the model name echoes the option.
    expect(JSON.stringify(none.choices)).toBe(JSON.stringify(cached.choices));
    expect(none.id).toBe(cached.id);
    const { prompt_tokens_details: _details, ...cachedRest } = cached.usage as unknown as Record<string, unknown>;
    expect(none.usage).toEqual(cachedRest);
    expect(none.model).toBe('sim-agent?cache=none');
  });

  it('cache takes only none; another value is a 400 naming it', async () => {
    const { client } = await open();
    const error = await client.chat.completions.create(ask('sim-agent?cache=all', 'Hello.')).then(
      () => undefined,
      (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error?.status).toBe(400);
    expect(error?.message).toContain('cache=all is not accepted; cache takes none');
  });

  it('the reply body differs only by the usage detail: the same request with a cold and a warm cache', async () => {
    const { post } = await open();
    const body = ask('sim-agent', `${longPrefix}Question three?`, { response_format: { type: 'json_object' } });
    const cold = (await (await post(body)).json()) as { usage: Record<string, unknown> };
    const warm = (await (await post(body)).json()) as { usage: Record<string, unknown> };
    expect(cold.usage.prompt_tokens_details).toEqual({ cached_tokens: 0 });
    expect(warm.usage.prompt_tokens_details).toEqual({ cached_tokens: 20 * BLOCK_TOKENS });
    expect({ ...warm, usage: { ...warm.usage, prompt_tokens_details: null } }).toEqual({ ...cold, usage: { ...cold.usage, prompt_tokens_details: null } });
    // Usage keeps OpenAI's order: the detail after the totals.
    expect(Object.keys(warm.usage)).toEqual(['prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_tokens_details']);
  });

  it('the streaming usage chunk carries the detail', async () => {
    const { client } = await open();
    const body = ask('sim-weak', `${longPrefix}Question four?`);
    await client.chat.completions.create(body);
    const events = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    let usage: OpenAI.Completions.CompletionUsage | undefined;
    for await (const chunk of events) if (chunk.usage) usage = chunk.usage;
    expect(usage?.prompt_tokens_details).toEqual({ cached_tokens: 20 * BLOCK_TOKENS });
  });

  it('prefixCacheBlocks bounds each model: a prompt pushed out is not cached any more', async () => {
    const { client } = await open({ prefixCacheBlocks: 24 });
    const first = ask('sim-agent', `${longPrefix}Question five?`);
    await client.chat.completions.create(first);
    await client.chat.completions.create(ask('sim-agent', `${text('Another prefix', 20)}Question six?`));
    // 20 + 20 blocks through a cache of 24: 4 of the first prefix's head remain.
    expect(cachedOf(await client.chat.completions.create(first))).toBe(4 * BLOCK_TOKENS);
  });
});

describe('prefix cache and the handler', () => {
  it('is deterministic for one order of requests, and counts the prompt as sent (a schema block too)', async () => {
    const bodies = [1, 2, 3, 1, 2].map((index) =>
      JSON.stringify(ask('sim-agent', `${longPrefix}Question ${index}.\n<response_schema name="pick">{"type":"object"}</response_schema>`)),
    );
    const run = async () => {
      const handler = createSimHandler({ seed: 5 });
      const counts: number[] = [];
      for (const body of bodies) counts.push(JSON.parse((await handler('POST', '/v1/chat/completions', body)).body).usage.prompt_tokens_details.cached_tokens);
      return counts;
    };
    const counts = await run();
    expect(counts).toEqual(await run());
    expect(counts[0]).toBe(0);
    expect(counts.slice(1).every((count) => count >= 20 * BLOCK_TOKENS)).toBe(true);
    expect(counts[3]).toBeGreaterThan(counts[1]!);
  });

  it('an injected 429 never reaches the model, so it caches nothing', async () => {
    const handler = createSimHandler({ seed: 5, faults: [{ kind: '429', timesPerRequest: 1 }] });
    const body = JSON.stringify(ask('sim-agent', `${longPrefix}Question seven?`));
    expect((await handler('POST', '/v1/chat/completions', body)).status).toBe(429);
    expect(JSON.parse((await handler('POST', '/v1/chat/completions', body)).body).usage.prompt_tokens_details).toEqual({ cached_tokens: 0 });
  });
});

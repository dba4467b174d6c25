// The prefix cache of a server with automatic prefix caching (vLLM, SGLang, OpenAI), as far as
// the usage it reports: `usage.prompt_tokens_details.cached_tokens`. It never touches a reply.
//
// Each served model (base name plus serving options: one server serves one model) has its own
// cache. A prompt (its rendered text, `promptText` in protocol.ts) is cut into blocks of
// BLOCK_CHARS characters (BLOCK_TOKENS tokens at the sim's four characters per token), as vLLM
// cuts the token sequence into blocks of 16. A block is known by a digest of the whole prompt up
// to its end (a chained hash: cheap enough for every request of a long run), so a block matches only
// after the same prefix. The cached tokens of a request are
// the blocks from the start that an earlier request to the same model already left in the cache,
// up to the first block it did not; a partial last block is never cached, and, as in vLLM, the
// last prompt token is always computed, so a prompt seen whole reports all but its last block.
// Only prompt blocks are cached (vLLM also keeps the blocks of generated text; here a reply re-sent
// in the next turn counts as uncached, a slight undercount).
//
// Memory is bounded: each model keeps at most `capacityBlocks` block digests, least recently used
// evicted first. A request's blocks are touched from its last block to its first, so that, as in
// vLLM (which frees a request's blocks tail first), a prefix's tail is evicted before its head.
//
// The cache is updated with every request served (each that reaches the model: not an injected
// 429 or 500), so the counts depend on the order of requests: one order always gives the same
// counts; with concurrent clients the order, and so the counts, can vary a little, as on a real server.
import { ConfigError } from '../errors.ts';
import type { ServingOptions } from './serving-options.ts';

export const BLOCK_TOKENS = 16;
export const CHARS_PER_TOKEN = 4;
export const BLOCK_CHARS = BLOCK_TOKENS * CHARS_PER_TOKEN;
/** 16,384 blocks = 262,144 tokens per model, about a GPU's KV cache for a mid-sized model. */
export const DEFAULT_CAPACITY_BLOCKS = 16_384;

export interface PrefixCache {
  /** The cached tokens of this prompt for this model, then its blocks cached for later requests. */
  serve(modelKey: string, prompt: string, promptTokens: number): number;
  /** Block digests held for the model (for tests of the bound). */
  size(modelKey: string): number;
}

export function createPrefixCache(capacityBlocks: number = DEFAULT_CAPACITY_BLOCKS): PrefixCache {
  if (!(Number.isInteger(capacityBlocks) && capacityBlocks >= 1)) {
    throw new ConfigError('sim.prefixCacheBlocks', `${capacityBlocks} must be a whole number of blocks >= 1`);
  }
  // Per model, a Set used as an LRU: it iterates in insertion order, so the first digest is the oldest.
  const models = new Map<string, Set<number>>();
  return {
    serve(modelKey, prompt, promptTokens) {
      let blocks = models.get(modelKey);
      if (!blocks) models.set(modelKey, (blocks = new Set()));
      const digests = blockDigests(prompt);
      let hits = 0;
      while (hits < digests.length && blocks.has(digests[hits]!)) hits += 1;
      for (let index = digests.length - 1; index >= 0; index -= 1) {
        const digest = digests[index]!;
        blocks.delete(digest);
        blocks.add(digest);
      }
      while (blocks.size > capacityBlocks) blocks.delete(blocks.values().next().value as number);
      // The last prompt token is always computed, so at most the blocks before it count.
      const countable = Math.floor(Math.max(0, promptTokens - 1) / BLOCK_TOKENS);
      return Math.min(hits, countable) * BLOCK_TOKENS;
    },
    size: (modelKey) => models.get(modelKey)?.size ?? 0,
  };
}

/**
 * The digest of each whole block: of the prompt from its start to the block's end. A 32-bit FNV-1a
 * stream over the characters, chained across blocks, with the block's index in the low bits: one
 * safe integer per block, and two prefixes collide only at the same block with the same 32-bit hash.
 */
export function blockDigests(prompt: string): number[] {
  const whole = Math.floor(prompt.length / BLOCK_CHARS);
  const digests: number[] = new Array(whole);
  let hash = 0x811c9dc5;
  for (let index = 0; index < whole; index += 1) {
    const end = (index + 1) * BLOCK_CHARS;
    for (let at = index * BLOCK_CHARS; at < end; at += 1) hash = Math.imul(hash ^ prompt.charCodeAt(at), 0x01000193);
    digests[index] = (hash >>> 0) * 0x200000 + (index & 0x1fffff);
  }
  return digests;
}

/** One key per served model: the base name and its serving options in a fixed order. */
export function servedModelKey(base: string, options: ServingOptions): string {
  const pairs = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`)
    .sort();
  return pairs.length === 0 ? base : `${base}?${pairs.join('&')}`;
}

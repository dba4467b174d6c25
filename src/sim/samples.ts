// Which sample a request gets. A request seed picks it. Without one, a real server samples afresh
// each time, so the sim counts how often this handler has served the same request: repeated
// identical seedless requests get different samples, the same ones for the same multiset of requests.
import { sha256Hex } from '../util/hash.ts';
import type { ParsedChat } from './protocol.ts';

export interface Sample {
  /** Part of every seed derived for the reply: the request seed, 'none', or 'none#K' for the K-th repeat. */
  key: string;
  /** Tells repeats apart in reply ids: '' for a seeded request and for the first sample. */
  tag: string;
}

export interface SampleCounter {
  /** The sample for this request; `consume` false (a faulted reply) leaves it for the next arrival. */
  next(chat: ParsedChat, consume: boolean): Sample;
}

export function createSampleCounter(): SampleCounter {
  // Keyed by a digest so memory stays small; the served name keeps each served variant's count apart.
  const served = new Map<string, number>();
  return {
    next(chat, consume) {
      if (chat.request.seed !== undefined) return { key: String(chat.request.seed), tag: '' };
      const digest = sha256Hex(`${chat.servedModel}\u0000${chat.request.canonical}`);
      const count = served.get(digest) ?? 0;
      if (consume) served.set(digest, count + 1);
      return count === 0 ? { key: 'none', tag: '' } : { key: `none#${count}`, tag: String(count) };
    },
  };
}

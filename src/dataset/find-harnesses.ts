// The harnesses behind a source's accepted episodes, found from the leads the source records (or
// the --harness values given) and matched by content hash. Export and reverify both need them.
import { ConfigError } from '../errors.ts';
import type { Harness } from '../harness/index.ts';
import { resolveHarness } from './harness-ref.ts';
import type { EpisodeSource } from './read-episodes.ts';

/** Every harness behind an accepted episode, by content hash; a ConfigError naming the one that cannot be found. */
export interface FoundHarness {
  harness: Harness;
  name: string;
  origin: string;
  diff: string | null;
}

export async function findHarnesses(source: EpisodeSource, extra: string[], cwd: string): Promise<Map<string, FoundHarness>> {
  const found = new Map<string, FoundHarness>();
  const tried = new Map<string, Awaited<ReturnType<typeof resolveHarness>> | undefined>();
  const attempt = async (spec: string) => {
    if (!tried.has(spec)) tried.set(spec, await resolveHarness(spec, cwd).catch(() => undefined));
    return tried.get(spec);
  };
  for (const lead of source.leads) {
    for (const spec of [...lead.specs, ...extra]) {
      const resolved = await attempt(spec);
      if (resolved?.harness.contentHash === lead.hash) {
        const { candidate } = resolved;
        found.set(lead.hash, {
          harness: resolved.harness,
          name: resolved.name,
          origin: candidate ? `candidate ${candidate.id} of evolve run ${candidate.run}` : `harness folder ${spec}`,
          diff: candidate ? candidate.diff : null,
        });
        break;
      }
    }
    if (!found.has(lead.hash)) {
      throw new ConfigError(
        source.dir,
        `cannot find the harness (content hash ${lead.hash.slice(0, 12)}) that made these examples; pass it with --harness DIR or RUN:CANDIDATE`,
      );
    }
  }
  return found;
}

// Candidates are stored as diffs against the baseline; this rebuilds (and remembers) their harnesses.
import { applyHarnessDiff, harnessFromFiles, type Harness } from '../harness/index.ts';
import type { Store } from '../store/index.ts';
import { getCandidate } from './population-store.ts';

export interface CandidateHarnesses {
  get(candidateId: string): Harness;
  remember(candidateId: string, harness: Harness): void;
}

export function candidateHarnesses(store: Store, baseline: Harness, baselineId: string): CandidateHarnesses {
  const cache = new Map<string, Harness>([[baselineId, baseline]]);
  return {
    get(candidateId) {
      const cached = cache.get(candidateId);
      if (cached) return cached;
      const candidate = getCandidate(store, candidateId);
      if (!candidate) throw new Error(`candidate ${candidateId} is not in the run store`);
      const files = applyHarnessDiff(baseline.files, candidate.diff);
      const harness = harnessFromFiles(files, { source: `candidate ${candidateId}`, symlinks: baseline.symlinks });
      if (candidate.contentHash !== null && harness.contentHash !== candidate.contentHash) {
        throw new Error(`candidate ${candidateId}: rebuilt harness does not match its recorded content hash`);
      }
      cache.set(candidateId, harness);
      return harness;
    },
    remember(candidateId, harness) {
      cache.set(candidateId, harness);
    },
  };
}

// `compare --oracle N`: on the sim, the oracle's true expected pass rate of each run's best candidate
// and of its baseline, next to the in-run figures (optimistic by selection) and the held-out test.
// The oracle itself (src/lab, which drives the sim) is passed in: the workflow never imports the sim.
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { loadHarness, type Harness } from '../harness/index.ts';
import { candidateHarnesses } from '../outer/candidate-harnesses.ts';
import { evolveRun } from '../outer/inspect-run.ts';
import { STORE_FILE } from '../outer/run-evolution.ts';
import { openStore } from '../store/index.ts';
import { recomputeComparison, type Comparison } from './compare.ts';

/** The true expected pass rate of a harness (on the sim). */
export type HarnessOracle = (harness: Harness) => Promise<number>;

const BASELINE_ID = 'c0000';

/**
 * Fills `oracleBest` and `oracleBaseline` of every completed run whose endpoints are the sim, then
 * recomputes the means and paired differences. A harness is estimated once, however many runs share
 * it (the baseline above all). Runs on real endpoints get a warning instead: only the sim knows the truth.
 */
export async function addOracleMetrics(comparison: Comparison, oracle: HarnessOracle, cwd = process.cwd()): Promise<Comparison> {
  const byHash = new Map<string, Promise<number>>();
  const estimate = (harness: Harness) => {
    let value = byHash.get(harness.contentHash);
    if (!value) {
      value = oracle(harness);
      byHash.set(harness.contentHash, value);
    }
    return value;
  };
  const warnings = [...comparison.warnings];
  const notSim: string[] = [];
  for (const arm of comparison.arms) {
    for (const run of arm.runs) {
      if (!run.included || run.bestCandidateId === null) continue;
      const harnesses = runHarnesses(run.runDir, cwd, [run.bestCandidateId, BASELINE_ID]);
      if (!harnesses) {
        notSim.push(run.runDir);
        continue;
      }
      const [best, baseline] = await Promise.all([estimate(harnesses.get(run.bestCandidateId)!), estimate(harnesses.get(BASELINE_ID)!)]);
      run.oracleBest = best;
      run.oracleBaseline = baseline;
    }
  }
  if (notSim.length > 0) warnings.push(`no oracle for ${notSim.length} run(s) on real endpoints (only the sim knows the true pass rate): ${notSim.join(', ')}`);
  return recomputeComparison({ ...comparison, warnings });
}

/** The named candidates of a run as harnesses (rebuilt from the baseline and their diffs); undefined off the sim. */
function runHarnesses(runDir: string, cwd: string, candidateIds: string[]): Map<string, Harness> | undefined {
  const store = openStore(path.join(runDir, STORE_FILE), { readonly: true });
  try {
    const run = evolveRun(store);
    const config = run.config as { baseline?: unknown; endpoints?: unknown };
    if (config.endpoints !== 'sim') return undefined;
    if (typeof config.baseline !== 'string') throw new ConfigError(runDir, 'the recorded config names no baseline harness');
    const baseline = loadHarness(path.resolve(cwd, config.baseline));
    const recorded = run.versions.baselineHarness;
    if (recorded !== undefined && recorded !== baseline.contentHash) {
      throw new ConfigError(config.baseline, `the baseline harness changed since run ${runDir} started; restore it to compare with the oracle`);
    }
    const harnesses = candidateHarnesses(store, baseline, BASELINE_ID);
    return new Map(candidateIds.map((id) => [id, harnesses.get(id)]));
  } finally {
    store.close();
  }
}

// `compare --oracle N`: on the sim, the oracle's true expected pass rate of each run's best candidate
// and of its baseline, next to the in-run figures (optimistic by selection) and the held-out test;
// with `--acceptance-errors`, how often the acceptance rule accepted a child that was not truly
// better than its parent, or rejected one that was. The oracle itself (src/lab, which drives the
// sim) is passed in: the workflow never imports the sim.
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { loadHarness, type Harness } from '../harness/index.ts';
import { candidateHarnesses, type CandidateHarnesses } from '../outer/candidate-harnesses.ts';
import { evolveRun } from '../outer/inspect-run.ts';
import { candidateId, listIterations } from '../outer/population-store.ts';
import { STORE_FILE } from '../outer/run-evolution.ts';
import { openStore, type Store } from '../store/index.ts';
import { recomputeComparison, type Comparison } from './compare.ts';
import { meanInterval, type MeanInterval } from './intervals.ts';

/** The true expected pass rate of a harness (on the sim). */
export type HarnessOracle = (harness: Harness) => Promise<number>;

const BASELINE_ID = candidateId(0);

/**
 * Fills `oracleBest` and `oracleBaseline` of every completed run whose endpoints are the sim, then
 * recomputes the means and paired differences. A harness is estimated once, however many runs share
 * it (the baseline above all). Runs on real endpoints get a warning instead: only the sim knows the truth.
 */
export async function addOracleMetrics(comparison: Comparison, oracle: HarnessOracle, cwd = process.cwd()): Promise<Comparison> {
  const estimate = 'estimated' in oracle ? oracle : memoizeOracle(oracle);
  const warnings = [...comparison.warnings];
  const notSim: string[] = [];
  for (const arm of comparison.arms) {
    for (const run of arm.runs) {
      if (!run.included || run.bestCandidateId === null) continue;
      const bestId = run.bestCandidateId;
      const harnesses = withRunHarnesses(run.runDir, cwd, (rebuilt) => [rebuilt.get(bestId), rebuilt.get(BASELINE_ID)] as const);
      if (!harnesses) {
        notSim.push(run.runDir);
        continue;
      }
      const [best, baseline] = await Promise.all([estimate(harnesses[0]), estimate(harnesses[1])]);
      run.oracleBest = best;
      run.oracleBaseline = baseline;
    }
  }
  if (notSim.length > 0) warnings.push(`no oracle for ${notSim.length} run(s) on real endpoints (only the sim knows the true pass rate): ${notSim.join(', ')}`);
  return recomputeComparison({ ...comparison, warnings });
}

/** `read` with the run's candidates as harnesses (rebuilt from the baseline and their diffs) and its store; undefined off the sim. */
export function withRunHarnesses<T>(runDir: string, cwd: string, read: (harnesses: CandidateHarnesses, store: Store) => T): T | undefined {
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
    return read(candidateHarnesses(store, baseline, BASELINE_ID), store);
  } finally {
    store.close();
  }
}

/** A memoized oracle: each harness (by content hash) estimated once, however often it is asked for. */
export interface MemoizedOracle extends HarnessOracle {
  /** Distinct harnesses estimated so far. */
  estimated(): number;
}

export function memoizeOracle(oracle: HarnessOracle): MemoizedOracle {
  const byHash = new Map<string, Promise<number>>();
  const memoized = (harness: Harness) => {
    let value = byHash.get(harness.contentHash);
    if (!value) {
      value = oracle(harness);
      byHash.set(harness.contentHash, value);
    }
    return value;
  };
  return Object.assign(memoized, { estimated: () => byHash.size });
}

/**
 * Half the width of the oracle's 95% interval at `episodes` episodes, at its widest (a pass rate of
 * 0.5): 1.96 * sqrt(0.25 / episodes), the normal approximation the oracle states its interval with.
 * The default margin of `--acceptance-errors`: a child is truly better only by more than this.
 */
export function oracleHalfWidth(episodes: number): number {
  return 1.96 * Math.sqrt(0.25 / episodes);
}

export interface AcceptanceCounts {
  acceptedBetter: number;
  acceptedNotBetter: number;
  rejectedBetter: number;
  rejectedNotBetter: number;
}

/** One accepted or rejected iteration: the child against the parent it was compared with. */
export interface IterationVerdict {
  iteration: number;
  parentId: string;
  childId: string;
  decision: 'accepted' | 'rejected';
  /** The in-run validation scores the rule decided on. */
  parentScore: number | null;
  childScore: number | null;
  oracleParent: number;
  oracleChild: number;
  /** oracleChild > oracleParent + margin */
  trulyBetter: boolean;
}

export interface RunAcceptanceErrors {
  runDir: string;
  seed: number | null;
  counts: AcceptanceCounts;
  /** Accepted children not truly better / accepted children; null with none accepted. */
  falseAcceptRate: number | null;
  /** Rejected children truly better / rejected children; null with none rejected. */
  falseRejectRate: number | null;
  iterations: IterationVerdict[];
}

export interface ArmAcceptanceErrors {
  arm: string;
  label: string;
  runs: RunAcceptanceErrors[];
  /** Across the runs (seeds) that have a rate: mean with a 95% t interval. */
  falseAcceptRate: MeanInterval;
  falseRejectRate: MeanInterval;
  /** The counts summed over the runs, and the rates of the sums. */
  pooled: AcceptanceCounts & { falseAcceptRate: number | null; falseRejectRate: number | null };
}

export interface AcceptanceErrors {
  /** A child is truly better when oracle(child) > oracle(parent) + margin. */
  margin: number;
  /** Where the margin comes from, in words. */
  marginSource: string;
  /** Oracle episodes per harness, when known. */
  episodes: number | null;
  /** Distinct harnesses the oracle estimated for the whole comparison (best candidates and baselines included). */
  harnessesEstimated: number;
  note: string;
  arms: ArmAcceptanceErrors[];
}

export interface AcceptanceErrorOptions {
  margin: number;
  marginSource: string;
  episodes?: number | null;
  cwd?: string;
}

export const ACCEPTANCE_ERRORS_NOTE =
  'the oracle is itself an estimate (a finite number of episodes per harness): a child within the margin of its parent counts as not truly better, and the rates carry the oracle\'s own noise';

/**
 * `compare --oracle N --acceptance-errors`: every accepted or rejected iteration of every completed
 * run on the sim, the oracle's child against the oracle's parent. Per run the four counts (accepted /
 * rejected x truly better / not) and the false-accept and false-reject rates; per arm those rates
 * as means with 95% t intervals across seeds, and the pooled counts. Pass the same memoized oracle
 * as to `addOracleMetrics` so that every harness is estimated once across the whole comparison.
 */
export async function addAcceptanceErrors(comparison: Comparison, oracle: HarnessOracle, options: AcceptanceErrorOptions): Promise<Comparison> {
  if (!(options.margin >= 0) || !Number.isFinite(options.margin)) throw new ConfigError('--true-margin', `expected a number >= 0, got ${options.margin}`);
  const memo = 'estimated' in oracle ? (oracle as MemoizedOracle) : memoizeOracle(oracle);
  const cwd = options.cwd ?? process.cwd();
  const notSim: string[] = [];
  const arms: ArmAcceptanceErrors[] = [];
  for (const arm of comparison.arms) {
    const runs: RunAcceptanceErrors[] = [];
    for (const run of arm.runs) {
      if (!run.included) continue;
      const decided = readDecidedIterations(run.runDir, cwd);
      if (!decided) {
        notSim.push(run.runDir);
        continue;
      }
      const iterations = await Promise.all(
        decided.map(async (entry): Promise<IterationVerdict> => {
          const [oracleParent, oracleChild] = await Promise.all([memo(entry.parent), memo(entry.child)]);
          return { ...entry.record, oracleParent, oracleChild, trulyBetter: oracleChild > oracleParent + options.margin };
        }),
      );
      const counts = countVerdicts(iterations);
      runs.push({ runDir: run.runDir, seed: run.pairingSeed, counts, ...rates(counts), iterations });
    }
    const pooled = sumCounts(runs.map((run) => run.counts));
    arms.push({
      arm: arm.id,
      label: arm.label,
      runs,
      falseAcceptRate: meanInterval(runs.map((run) => run.falseAcceptRate)),
      falseRejectRate: meanInterval(runs.map((run) => run.falseRejectRate)),
      pooled: { ...pooled, ...rates(pooled) },
    });
  }
  const warnings = [...comparison.warnings];
  if (notSim.length > 0) warnings.push(`no acceptance errors for ${notSim.length} run(s) on real endpoints (only the sim knows the true pass rate): ${notSim.join(', ')}`);
  const acceptanceErrors: AcceptanceErrors = {
    margin: options.margin,
    marginSource: options.marginSource,
    episodes: options.episodes ?? null,
    harnessesEstimated: memo.estimated(),
    note: ACCEPTANCE_ERRORS_NOTE,
    arms,
  };
  return { ...comparison, warnings, acceptanceErrors };
}

function countVerdicts(iterations: readonly IterationVerdict[]): AcceptanceCounts {
  const count = (decision: IterationVerdict['decision'], better: boolean) =>
    iterations.filter((entry) => entry.decision === decision && entry.trulyBetter === better).length;
  return {
    acceptedBetter: count('accepted', true),
    acceptedNotBetter: count('accepted', false),
    rejectedBetter: count('rejected', true),
    rejectedNotBetter: count('rejected', false),
  };
}

function sumCounts(all: readonly AcceptanceCounts[]): AcceptanceCounts {
  const sum = (key: keyof AcceptanceCounts) => all.reduce((total, counts) => total + counts[key], 0);
  return { acceptedBetter: sum('acceptedBetter'), acceptedNotBetter: sum('acceptedNotBetter'), rejectedBetter: sum('rejectedBetter'), rejectedNotBetter: sum('rejectedNotBetter') };
}

function rates(counts: AcceptanceCounts): { falseAcceptRate: number | null; falseRejectRate: number | null } {
  const accepted = counts.acceptedBetter + counts.acceptedNotBetter;
  const rejected = counts.rejectedBetter + counts.rejectedNotBetter;
  return {
    falseAcceptRate: accepted === 0 ? null : counts.acceptedNotBetter / accepted,
    falseRejectRate: rejected === 0 ? null : counts.rejectedBetter / rejected,
  };
}

/** The accepted and rejected iterations of a run with the parent's and child's harnesses; undefined off the sim. */
function readDecidedIterations(
  runDir: string,
  cwd: string,
): Array<{ record: Omit<IterationVerdict, 'oracleParent' | 'oracleChild' | 'trulyBetter'>; parent: Harness; child: Harness }> | undefined {
  return withRunHarnesses(runDir, cwd, (harnesses, store) =>
    listIterations(store).flatMap((record) => {
      if ((record.decision !== 'accepted' && record.decision !== 'rejected') || record.childId === null) return [];
      return [{
        record: {
          iteration: record.iteration, parentId: record.parentId, childId: record.childId, decision: record.decision,
          parentScore: record.parentScore, childScore: record.childScore,
        },
        parent: harnesses.get(record.parentId),
        child: harnesses.get(record.childId),
      }];
    }),
  );
}

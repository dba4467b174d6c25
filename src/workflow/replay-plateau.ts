// `autodata replay plateau`: where budgets.plateau would have stopped a stored run. evolve checks the
// rule between waves (evolve.ts: after iteration L = waveStart - 1, so L = 0, W, 2W, ... for W =
// outer.concurrentIterations) with checkPlateau(store, rule, L), which reads only rows recorded by
// iterations <= L. Up to its stop a run with the rule on does exactly what the run without it did
// (the rule only stops; every seed and parent choice comes from the same config), so the same check
// on the stored run, as of each such L, is the stop the live run would have made.
//
// Calls are the iterations' own (IterationRecord.calls, paid; the baseline's evaluation included);
// the final test is left out: it runs after either stop, on the best candidate of the moment.
import { bestCandidate, candidateScores, type CandidateStanding } from '../outer/best-candidate.ts';
import { plannedIterations } from '../outer/budget.ts';
import { checkPlateau, describePlateau, type PlateauRule } from '../outer/plateau.ts';
import { listIterations } from '../outer/population-store.ts';
import type { Store } from '../store/index.ts';
import { memoizeOracle, withRunHarnesses, type HarnessOracle } from './oracle-metrics.ts';
import { recordedConfig } from './replay-run.ts';

export interface PlateauReplay {
  rule: PlateauRule;
  /** outer.concurrentIterations: the rule is checked after every wave. */
  waveSize: number;
  /** The last iteration the run finished. */
  lastIteration: number;
  /** The iterations after which the rule was checked (K <= L <= the last, and L < the planned iterations: a wave followed), in order. */
  checked: number[];
  /** The first check that reached the plateau; null when none did. */
  stop: { afterIteration: number; verdict: string } | null;
  /** Paid calls of iterations 0..L (the stop's L; the last iteration without a stop) and of every iteration. */
  callsByStop: number;
  callsAllIterations: number;
  /** The best candidate as of the stop (as of the last iteration without one); the same candidate's score at the run's end; the run's final best. */
  bestAtStop: CandidateStanding | null;
  bestAtStopAtEnd: CandidateStanding | null;
  finalBest: CandidateStanding | null;
  /** On the sim with an oracle: the true pass rates of the best as of the stop and of the final best. */
  oracle?: { atStop: number; final: number };
}

export function replayPlateau(store: Store, rule: PlateauRule): PlateauReplay {
  const config = recordedConfig(store);
  const waveSize = config.outer.concurrentIterations;
  const iterations = listIterations(store);
  const lastIteration = iterations.at(-1)?.iteration ?? 0;
  const checked: number[] = [];
  let stop: PlateauReplay['stop'] = null;
  // evolve checks before starting a wave, so never after the planned last iteration; a run that
  // stopped early (a budget, the rule itself) is checked up to its last iteration.
  const lastCheck = Math.min(lastIteration, plannedIterations(config) - 1);
  for (let after = 0; after <= lastCheck && stop === null; after += waveSize) {
    if (after < rule.iterations) continue;
    checked.push(after);
    const check = checkPlateau(store, rule, after);
    if (check?.reached) stop = { afterIteration: after, verdict: describePlateau(check) };
  }
  const through = stop?.afterIteration ?? lastIteration;
  const callsThrough = (last: number) => iterations.filter((record) => record.iteration <= last).reduce((sum, record) => sum + record.calls, 0);
  const bestAtStop = bestCandidate(store, through) ?? null;
  return {
    rule,
    waveSize,
    lastIteration,
    checked,
    stop,
    callsByStop: callsThrough(through),
    callsAllIterations: callsThrough(lastIteration),
    bestAtStop,
    bestAtStopAtEnd: bestAtStop ? (candidateScores(store).get(bestAtStop.id) ?? null) : null,
    finalBest: bestCandidate(store) ?? null,
  };
}

/**
 * The oracle's true pass rates of the two best candidates (the same harness estimated once); the
 * replay as it was off the sim (only the sim knows them). The oracle is passed in: the workflow never
 * imports the sim.
 */
export async function withPlateauOracle(replay: PlateauReplay, runDir: string, oracle: HarnessOracle, cwd = process.cwd()): Promise<PlateauReplay> {
  const { bestAtStop, finalBest } = replay;
  if (!bestAtStop || !finalBest) return replay;
  const harnesses = withRunHarnesses(runDir, cwd, (rebuilt) => [rebuilt.get(bestAtStop.id), rebuilt.get(finalBest.id)] as const);
  if (!harnesses) return replay;
  const estimate = memoizeOracle(oracle);
  const [atStop, final] = await Promise.all([estimate(harnesses[0]), estimate(harnesses[1])]);
  return { ...replay, oracle: { atStop, final } };
}

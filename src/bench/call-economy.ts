// Call economy of the solver stages, replayed from full-pattern rounds (every attempt made): for
// each evaluated round, the attempts early stopping makes (in the fixed order, inner/early-stop.ts),
// the fewest attempts that force the same outcome whatever the others score (the decision oracle,
// knowing every score in advance), and whether early stopping's outcome equals the full pattern's
// (inner/acceptance.ts on every score). Attempts keep their seeds, so an attempt made is the same
// answer with early stopping on or off: the replay is exact. Pure functions only.
import { allScoredZero, strongStageVerdict, weakStageVerdict, mean, type AcceptancePreset, type WeakZeroRule } from '../inner/acceptance.ts';
import { stageDecision, type StageOutcome } from '../inner/early-stop.ts';
import type { DocumentResult } from '../inner/result-schema.ts';
import type { SolverStage } from '../inner/stages.ts';

export interface CallEconomyRules {
  preset: AcceptancePreset;
  weakZeroRule: WeakZeroRule;
}

export interface CallEconomy {
  /** Rounds whose weak stage was scored (the only rounds with solver calls). */
  evaluatedRounds: number;
  /** Solver stages replayed (weak ones, plus the strong ones that ran). */
  stages: number;
  /** Stages whose early-stopping outcome equals the full pattern's. */
  identicalDecisions: number;
  /** Solver + judge calls (two per attempt): every attempt, early stopping, and the oracle's fewest. */
  fullCalls: number;
  earlyStopCalls: number;
  oracleCalls: number;
}

/** A stage's outcome with every attempt made, as the full pattern's round record decides it. */
export function fullStageOutcome(rules: CallEconomyRules, stage: SolverStage, scores: readonly number[], weakScores: readonly number[]): StageOutcome {
  if (stage === 'strong') return strongStageVerdict(rules.preset, weakScores, scores).passed ? 'pass' : 'fail';
  if (weakStageVerdict(rules.preset, scores, rules.weakZeroRule).passed) return 'pass';
  return allScoredZero(scores) ? 'weak-all-zero' : 'too-easy';
}

/** Attempts made by early stopping in the fixed order, and the outcome it decides. */
export function earlyStopReplay(
  rules: CallEconomyRules,
  stage: SolverStage,
  scores: readonly number[],
  weakMean: number,
): { attempts: number; outcome: StageOutcome } {
  for (let made = 1; made <= scores.length; made += 1) {
    const decision = stageDecision({ ...rules, stage, scores: scores.slice(0, made), remaining: scores.length - made, weakMean });
    if (decision.decided) return { attempts: made, outcome: decision.outcome };
  }
  throw new Error('early stopping left a stage undecided after its last attempt');
}

/**
 * The fewest attempts whose scores decide the stage's full outcome whatever the others score: the
 * smallest subset (any attempts, in their order) that early stopping's bound calls decided with
 * that outcome. Stages have at most a handful of attempts, so every subset is tried.
 */
export function oracleAttempts(rules: CallEconomyRules, stage: SolverStage, scores: readonly number[], weakMean: number, outcome: StageOutcome): number {
  const count = scores.length;
  let fewest = count;
  for (let mask = 1; mask < 1 << count; mask += 1) {
    const chosen = scores.filter((_, index) => (mask & (1 << index)) !== 0);
    if (chosen.length >= fewest) continue;
    const decision = stageDecision({ ...rules, stage, scores: chosen, remaining: count - chosen.length, weakMean });
    if (decision.decided && decision.outcome === outcome) fewest = chosen.length;
  }
  return fewest;
}

/** Every evaluated round of the results, replayed. Rounds with an unscored attempt are left out (an infrastructure fault decides those). */
export function replayCallEconomy(results: readonly DocumentResult[], rules: CallEconomyRules): CallEconomy {
  const economy: CallEconomy = { evaluatedRounds: 0, stages: 0, identicalDecisions: 0, fullCalls: 0, earlyStopCalls: 0, oracleCalls: 0 };
  for (const result of results) {
    for (const round of result.rounds) {
      if (round.weak === null || round.weak.early_stop !== undefined) continue;
      economy.evaluatedRounds += 1;
      const weakScores = round.weak.scores;
      const stages: Array<[SolverStage, readonly number[]]> = [['weak', weakScores]];
      if (round.strong !== null && round.strong.early_stop === undefined) stages.push(['strong', round.strong.scores]);
      const weakMean = mean(weakScores);
      for (const [stage, scores] of stages) {
        const full = fullStageOutcome(rules, stage, scores, weakScores);
        const early = earlyStopReplay(rules, stage, scores, weakMean);
        economy.stages += 1;
        if (early.outcome === full) economy.identicalDecisions += 1;
        economy.fullCalls += 2 * scores.length;
        economy.earlyStopCalls += 2 * early.attempts;
        economy.oracleCalls += 2 * oracleAttempts(rules, stage, scores, weakMean, full);
      }
    }
  }
  return economy;
}

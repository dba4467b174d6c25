// When to stop: the planned iterations, or any budget. Checked between waves, so a budget can be
// overshot by at most one wave; calls and tokens come from the store and survive a resume.
import type { ExperimentConfig } from '../config/experiment.ts';
import type { StopReason } from './events.ts';

export function plannedIterations(config: ExperimentConfig): number {
  return Math.min(config.outer.iterations, config.budgets.iterations ?? Number.MAX_SAFE_INTEGER);
}

export function budgetStopReason(
  config: ExperimentConfig,
  spent: { calls: number; tokens: number; elapsedMs: number },
): StopReason | undefined {
  const { budgets } = config;
  if (budgets.calls !== null && spent.calls >= budgets.calls) return 'calls-budget';
  if (budgets.tokens !== null && spent.tokens >= budgets.tokens) return 'tokens-budget';
  if (budgets.wallTimeMinutes !== null && spent.elapsedMs >= budgets.wallTimeMinutes * 60_000) return 'wall-time-budget';
  return undefined;
}

/** The reason a run that did every planned iteration stopped. */
export function completionReason(config: ExperimentConfig): StopReason {
  return config.budgets.iterations !== null && config.budgets.iterations < config.outer.iterations ? 'iterations-budget' : 'completed';
}

// When to stop: the planned iterations, any budget, or the plateau rule. Checked between waves, so a
// budget can be overshot by at most one wave; paid calls (llm/call-count.ts), tokens, dollars and the
// plateau's scores come from the store and survive a resume.
import type { ExperimentConfig } from '../config/experiment.ts';
import type { Price } from '../config/endpoints.ts';
import { ConfigError } from '../errors.ts';
import type { Role } from '../llm/types.ts';
import type { Store } from '../store/index.ts';
import type { StopReason } from './events.ts';
import { checkPlateau, type PlateauCheck } from './plateau.ts';

export function plannedIterations(config: ExperimentConfig): number {
  return Math.min(config.outer.iterations, config.budgets.iterations ?? Number.MAX_SAFE_INTEGER);
}

export function budgetStopReason(
  config: ExperimentConfig,
  spent: { calls: number; tokens: number; elapsedMs: number; usd: number },
): StopReason | undefined {
  const { budgets } = config;
  if (budgets.calls !== null && spent.calls >= budgets.calls) return 'calls-budget';
  if (budgets.tokens !== null && spent.tokens >= budgets.tokens) return 'tokens-budget';
  if (budgets.usd !== null && spent.usd >= budgets.usd) return 'usd-budget';
  if (budgets.wallTimeMinutes !== null && spent.elapsedMs >= budgets.wallTimeMinutes * 60_000) return 'wall-time-budget';
  return undefined;
}

/** budgets.plateau's verdict when it is set and reached after `lastIteration` (plateau.ts): the run stops with 'plateau'. */
export function reachedPlateau(config: ExperimentConfig, store: Store, lastIteration: number): PlateauCheck | undefined {
  const rule = config.budgets.plateau;
  const check = rule === null ? undefined : checkPlateau(store, rule, lastIteration);
  return check?.reached ? check : undefined;
}

/**
 * budgets.usd needs a price for every role the run calls: a call without one costs nothing as far as
 * the budget can tell. The error names the field, the roles and the fix.
 */
export function checkUsdBudget(
  config: ExperimentConfig,
  roles: readonly Role[],
  endpoints: { source: string; roles: Record<Role, { price?: Price }> },
): void {
  if (config.budgets.usd === null) return;
  const unpriced = [...new Set(roles)].filter((role) => endpoints.roles[role].price === undefined);
  if (unpriced.length === 0) return;
  throw new ConfigError(
    'experiment.budgets.usd',
    `set to ${config.budgets.usd} but ${unpriced.join(', ')} ${unpriced.length === 1 ? 'has' : 'have'} no price in ${endpoints.source}; ` +
      'add price: { input, output } (USD per million tokens; 0 for a free server) to endpoints.defaults or each role, or set budgets.usd to null',
  );
}

/** The reason a run that did every planned iteration stopped. */
export function completionReason(config: ExperimentConfig): StopReason {
  return config.budgets.iterations !== null && config.budgets.iterations < config.outer.iterations ? 'iterations-budget' : 'completed';
}

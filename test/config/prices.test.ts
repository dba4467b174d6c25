// Prices in the endpoints file and budgets.usd in the experiment config: validated, each error naming
// its field; a dollar budget over roles without a price is refused with the fix.
import { describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../src/config/endpoints.ts';
import { parseExperiment } from '../../src/config/experiment.ts';
import { checkUsdBudget } from '../../src/outer/budget.ts';
import { catchConfigError } from '../support/catch-error.ts';

const defaults = { baseURL: 'http://127.0.0.1:8000/v1', model: 'qwen' };

describe('endpoint prices', () => {
  it('are optional, per role or in defaults, with cachedInput optional', () => {
    const endpoints = parseEndpoints(
      { defaults: { ...defaults, price: { input: 0.6, output: 2.5 } }, judge: { price: { input: 1, cachedInput: 0.25, output: 4 } } },
      'endpoints.yaml',
      {},
    );
    expect(endpoints.roles.weakSolver.price).toEqual({ input: 0.6, output: 2.5 });
    expect(endpoints.roles.judge.price).toEqual({ input: 1, cachedInput: 0.25, output: 4 });
    expect(parseEndpoints({ defaults }, 'endpoints.yaml', {}).roles.judge.price).toBeUndefined();
  });

  it('refuse negative, huge, missing and unknown fields, naming each', () => {
    const error = catchConfigError(() =>
      parseEndpoints(
        { defaults, judge: { price: { input: -1, output: 20_000 } }, analyzer: { price: { input: 1 } }, implementer: { price: { input: 1, output: 1, cached: 1 } } },
        'endpoints.yaml',
        {},
      ),
    );
    expect(error.message).toContain('endpoints.judge.price.input: must be >= 0');
    expect(error.message).toContain('endpoints.judge.price.output: must be <= 10000');
    expect(error.message).toContain('endpoints.analyzer.price.output: required');
    expect(error.message).toContain('endpoints.implementer.price.cached: unknown key');
  });
});

describe('budgets.usd', () => {
  it('defaults to null and must be positive', () => {
    expect(parseExperiment({ name: 'x', endpoints: 'sim' }, 'x.json').budgets.usd).toBeNull();
    expect(parseExperiment({ name: 'x', endpoints: 'sim', budgets: { usd: 2.5 } }, 'x.json').budgets.usd).toBe(2.5);
    expect(catchConfigError(() => parseExperiment({ name: 'x', endpoints: 'sim', budgets: { usd: 0 } }, 'x.json')).message).toContain(
      'experiment.budgets.usd: must be > 0',
    );
  });

  it('needs a price for every role the run calls, and says how to fix it', () => {
    const config = parseExperiment({ name: 'x', endpoints: 'e.yaml', budgets: { usd: 1 } }, 'x.json');
    const endpoints = parseEndpoints({ defaults, judge: { price: { input: 1, output: 1 } } }, 'e.yaml', {});
    const error = catchConfigError(() => checkUsdBudget(config, ['judge', 'analyzer', 'implementer'], endpoints));
    expect(error.path).toBe('experiment.budgets.usd');
    expect(error.message).toBe(
      'experiment.budgets.usd: set to 1 but analyzer, implementer have no price in e.yaml; add price: { input, output } ' +
        '(USD per million tokens; 0 for a free server) to endpoints.defaults or each role, or set budgets.usd to null',
    );
    // Priced roles, or no dollar budget: nothing to say.
    expect(() => checkUsdBudget(config, ['judge'], endpoints)).not.toThrow();
    const unbudgeted = parseExperiment({ name: 'x', endpoints: 'e.yaml' }, 'x.json');
    expect(() => checkUsdBudget(unbudgeted, ['analyzer'], endpoints)).not.toThrow();
  });
});

// Call economy figures: each baseline harness over the validation documents with every attempt
// made (the paper's pattern), replayed through early stopping and the decision oracle
// (call-economy.ts); then the agentic baseline again with early stopping on, live, for its pass rate.
import { createAppLlm } from '../app/create-llm.ts';
import { defaultSimEndpoints } from '../config/endpoints.ts';
import type { Document } from '../documents/index.ts';
import type { Harness } from '../harness/harness.ts';
import { evaluateHarness, type HarnessEvaluation } from '../inner/index.ts';
import { ratio, type BenchFigure } from './bench-report.ts';
import { replayCallEconomy } from './call-economy.ts';

export interface CallEconomyBenchOptions {
  /** Harnesses by a short name used in figure ids (e.g. agentic, verifiable). */
  harnesses: Array<{ name: string; harness: Harness }>;
  documents: Document[];
  concurrency: number;
  simSeed: number;
  runSeed: number;
  log: (line: string) => void;
}

export async function benchCallEconomy(options: CallEconomyBenchOptions): Promise<BenchFigure[]> {
  const { documents, concurrency, simSeed, runSeed, log } = options;
  const evaluate = (harness: Harness, earlyStop: boolean): Promise<HarnessEvaluation> =>
    evaluateHarness({ llm: createAppLlm({ endpoints: defaultSimEndpoints(), simSeed, cacheMode: 'off' }) }, harness, documents, {
      seed: runSeed, repeat: 0, concurrency, simulated: true, earlyStop,
    });
  const figures: BenchFigure[] = [];
  for (const { name, harness } of options.harnesses) {
    log(`call economy: ${name} over ${documents.length} documents, every attempt made`);
    const full = await evaluate(harness, false);
    const results = full.outcomes.filter((outcome) => outcome.error === undefined).map((outcome) => outcome.result);
    const economy = replayCallEconomy(results, { preset: harness.settings.acceptance, weakZeroRule: harness.settings.weakZeroRule });
    const perRound = (calls: number) => calls / Math.max(1, economy.evaluatedRounds);
    const source = `${economy.evaluatedRounds} evaluated rounds of ${documents.length} docs, ${economy.stages} solver stages`;
    figures.push(
      { id: `economy.${name}.fullCallsPerRound`, section: 'call economy', label: `${name}: solver + judge calls per round, every attempt`, value: perRound(economy.fullCalls), unit: 'calls/round', note: source },
      { id: `economy.${name}.earlyStopCallsPerRound`, section: 'call economy', label: `${name}: the same with early stopping`, value: perRound(economy.earlyStopCalls), unit: 'calls/round', note: 'replayed on the same scores' },
      {
        id: `economy.${name}.saving`, section: 'call economy', label: `${name}: solver + judge calls saved`, value: 1 - ratio(economy.earlyStopCalls, economy.fullCalls), unit: 'fraction',
        goal: { at: 'least', value: 0.3 }, note: `${economy.fullCalls - economy.earlyStopCalls} of ${economy.fullCalls} calls`,
      },
      {
        id: `economy.${name}.identicalDecisions`, section: 'call economy', label: `${name}: stage decisions identical`, value: ratio(economy.identicalDecisions, economy.stages), unit: 'fraction',
        goal: { at: 'least', value: 1 }, note: `${economy.identicalDecisions} of ${economy.stages} stages`,
      },
      {
        id: `economy.${name}.overOracle`, section: 'call economy', label: `${name}: early stopping / decision oracle`, value: ratio(economy.earlyStopCalls, economy.oracleCalls), unit: '×',
        goal: { at: 'most', value: 1.15 }, note: `oracle ${economy.oracleCalls} calls: the fewest attempts that force each outcome`,
      },
    );
    if (name !== options.harnesses[0]!.name) continue;
    log(`call economy: ${name} again with early stopping on`);
    const early = await evaluate(harness, true);
    figures.push({
      id: `economy.${name}.live.passRates`, section: 'call economy', label: `${name}: pass rate with early stopping, live`, value: early.passRate ?? Number.NaN, unit: 'fraction',
      note: `every attempt: ${full.passRate?.toFixed(2) ?? 'n/a'}; rounds after a stopped stage see feedback over the attempts made, so later rounds may differ`,
    });
  }
  return figures;
}

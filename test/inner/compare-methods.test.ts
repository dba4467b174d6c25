// The paper's Table 1 as compare-methods reports it, checked against numbers recomputed here from
// the per-document result records (the rounds and their raw scores), never from the summary code.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { compareMethods, evaluateHarness, formatComparison, type MethodRow } from '../../src/inner/index.ts';
import type { RoundRecord } from '../../src/inner/result-schema.ts';
import type { DocumentOutcome } from '../../src/inner/types.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SEED = 3;
const SIM_SEED = 3;
const METHODS = ['cot-self-instruct', 'agentic-self-instruct'] as const;

function documents() {
  const split = loadSplit(path.join(root, 'splits/sim-cs.json'));
  return documentsForPart(resolveDocuments(split.documents).documents, split, 'validation').slice(0, 5);
}

const llm = () => createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: SIM_SEED });
const harnesses = METHODS.map((name) => ({ name, harness: loadHarness(path.join(root, 'baselines', name)) }));

/** Table 1 computed by hand from the rounds: the accepted round of each accepted document (a loop), or every QV-passed round (single shot). */
function recompute(outcomes: readonly DocumentOutcome[], singleShot: boolean) {
  const average = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);
  const examples: RoundRecord[] = [];
  const roundsUsed: number[] = [];
  let accepted = 0;
  let completed = 0;
  for (const outcome of outcomes) {
    const rounds = outcome.result.rounds;
    if (!outcome.result.error) completed += 1;
    const acceptedRound = rounds.find((round) => round.accepted);
    if (acceptedRound) {
      accepted += 1;
      roundsUsed.push(rounds.filter((round) => round.round <= acceptedRound.round && round.failure_reason !== 'infrastructure').length);
    }
    if (singleShot) examples.push(...rounds.filter((round) => round.weak !== null && round.weak.scores.length > 0));
    else if (acceptedRound) examples.push(acceptedRound);
  }
  const weak = examples.map((round) => average(round.weak!.scores)!);
  const strong = examples.filter((round) => round.strong !== null).map((round) => average(round.strong!.scores)!);
  const gaps = examples.filter((round) => round.strong !== null).map((round) => average(round.strong!.scores)! - average(round.weak!.scores)!);
  return {
    examples: examples.length,
    weakMean: average(weak),
    strongMean: average(strong),
    gap: average(gaps),
    rounds: singleShot ? 1 : average(roundsUsed),
    questionLength: average(examples.map((round) => round.question!.length)),
    rubricItems: average(examples.map((round) => (round.rubric as unknown[]).length)),
    passRate: completed === 0 ? null : accepted / completed,
  };
}

let rows: MethodRow[];
let expected: Array<ReturnType<typeof recompute>>;

beforeAll(async () => {
  const docs = documents();
  rows = await compareMethods({ methods: harnesses, documents: docs, llm: llm(), seed: SEED, concurrency: 3, simulated: true });
  expected = [];
  for (const { harness } of harnesses) {
    // The same seed on a fresh sim: the sim is deterministic, so these are the episodes compareMethods ran.
    const evaluation = await evaluateHarness({ llm: llm() }, harness, docs, { seed: SEED, repeat: 0, concurrency: 3, simulated: true, earlyStop: false });
    expected.push(recompute(evaluation.outcomes, harness.settings.orchestrator === 'single-shot'));
  }
}, 120_000);

describe('compare-methods on the sim (5 validation documents, seed 3)', () => {
  it('reports every Table 1 number as recomputed from the rounds of each method', () => {
    expect(rows.map((row) => row.method)).toEqual([...METHODS]);
    for (const [index, row] of rows.entries()) {
      const want = expected[index]!;
      expect(row.documents, row.method).toBe(5);
      expect(row.examples, row.method).toBe(want.examples);
      expect(row.passRate, row.method).toBe(want.passRate);
      for (const key of ['weakMean', 'strongMean', 'gap', 'rounds', 'questionLength', 'rubricItems'] as const) {
        expect(want[key], `${row.method} ${key}`).not.toBeNull();
        expect(row[key], `${row.method} ${key}`).toBeCloseTo(want[key]!, 12);
      }
    }
  });

  it('separates the solvers on the accepted examples of the loop: strong mean above weak mean, gap = strong - weak', () => {
    const agentic = rows[1]!;
    expect(agentic.examples).toBeGreaterThan(0);
    expect(agentic.strongMean!).toBeGreaterThan(agentic.weakMean!);
    expect(agentic.gap!).toBeCloseTo(agentic.strongMean! - agentic.weakMean!, 12);
    // The paper's acceptance thresholds hold on average too.
    expect(agentic.gap!).toBeGreaterThanOrEqual(0.2);
    expect(agentic.weakMean!).toBeLessThanOrEqual(0.65);
  });

  it('pins the numbers of this seed (the sim is deterministic) and prints them in the table', () => {
    const table = rows.map((row) => [row.examples, row.passRate, row.weakMean, row.strongMean, row.gap, row.rounds, row.questionLength, row.rubricItems]);
    const pinned = [
      // Re-pinned after the sim's retune (26e634c), which redraws every sample.
      // cot-self-instruct: 5 QV-passed examples, none accepted of 5 documents.
      [5, 0, 0.7422213198715989, 0.7180847775120857, -0.024136542359513225, 1, 264.2, 12],
      // agentic-self-instruct: 4 accepted of 5 documents, accepted in round 4.25 on average.
      [4, 0.8, 0.5123407859078591, 0.7743916957026713, 0.26205090979481216, 4.25, 263.5, 11.25],
    ];
    for (const [method, numbers] of table.entries()) {
      for (const [column, value] of numbers.entries()) expect(value, `${METHODS[method]} column ${column}`).toBeCloseTo(pinned[method]![column]!, 12);
    }
    const printed = formatComparison(rows).split('\n');
    const line = (label: string) => printed.find((text) => text.startsWith(`${label} `))?.split(/\s{2,}|│|\|/).map((cell) => cell.trim()).filter(Boolean);
    expect(line('weak mean')).toEqual(['weak mean', '0.742', '0.512']);
    expect(line('strong mean')).toEqual(['strong mean', '0.718', '0.774']);
    expect(line('gap')).toEqual(['gap', '-0.024', '0.262']);
    expect(line('rounds')).toEqual(['rounds', '1.00', '4.25']);
    expect(line('examples')).toEqual(['examples', '5', '4']);
    expect(line('pass rate')).toEqual(['pass rate', '0.000', '0.800']);
  });
});

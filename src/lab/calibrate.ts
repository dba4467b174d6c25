// Calibration of the sim against the targets in sim.md: runs the REAL inner loop (CoT baseline,
// agentic baseline, the best reachable harness, one harness per harmful directive) on the default
// split's validation documents over several seeds, and reports each target with its interval.
import type { DocumentOutcome } from '../inner/index.ts';
import { directiveCatalogue, type DirectiveId } from '../sim/directives.ts';
import { COT_BASELINE_DIR } from '../util/repository-paths.ts';
import { estimateMean, harnessWithDirectives, loadBaseline, pooledValidationDocuments, runEpisodes, validationDocuments, type Estimate } from './lab-episodes.ts';

export interface CalibrationTarget {
  name: string;
  /** What the target asks, e.g. "0.68 +- 0.05" or "4 to 8". */
  target: string;
  measured: number | null;
  interval: [number, number] | null;
  pass: boolean;
}

export interface CalibrationReport {
  seeds: number[];
  /** The corpus seeds when the split's sim corpus was redrawn (--corpus-seed), their validation documents pooled. */
  corpusSeeds?: number[];
  documents: number;
  targets: CalibrationTarget[];
  /** Validation pass rate with each harmful directive added to the baseline. */
  harmful: Array<{ directive: DirectiveId; passRate: number }>;
}

export interface CalibrationOptions {
  seeds: number;
  /** Use only the first N validation documents (a small calibration for tests). */
  documentLimit?: number;
  splitFile?: string;
  /** Redraw the split's sim corpus with these seeds (papers not used for tuning); several are pooled. */
  corpusSeeds?: number[];
  /** Skip the per-harmful-directive runs. */
  skipHarmful?: boolean;
  log?: (line: string) => void;
}

const TOLERANCE = 0.05;

export function near(name: string, target: number, estimate: Estimate, tolerance = TOLERANCE): CalibrationTarget {
  const pass = estimate.value !== null && Math.abs(estimate.value - target) <= tolerance;
  return { name, target: `${target.toFixed(2)} +- ${tolerance.toFixed(2)}`, measured: estimate.value, interval: estimate.interval, pass };
}

export function within(name: string, low: number, high: number, estimate: Estimate): CalibrationTarget {
  const pass = estimate.value !== null && estimate.value >= low && estimate.value <= high;
  return { name, target: `${low} to ${high}`, measured: estimate.value, interval: estimate.interval, pass };
}

const evaluatedRounds = (outcomes: DocumentOutcome[]) => outcomes.flatMap((outcome) => outcome.result.rounds.filter((round) => round.weak !== null && round.strong !== null));
const acceptedRounds = (outcomes: DocumentOutcome[]) => outcomes.flatMap((outcome) => outcome.result.rounds.filter((round) => round.accepted));
const passes = (outcomes: DocumentOutcome[]) => outcomes.map((outcome) => (outcome.accepted ? 1 : 0));

/** Share of failed rounds with each verdict (a failed QV includes rubric format errors). */
function failureShares(outcomes: DocumentOutcome[]): Record<'tooEasy' | 'failedOnStrong' | 'failedQuality', number[]> {
  const reasons = outcomes.flatMap((outcome) => outcome.result.rounds.map((round) => round.failure_reason));
  const verdicts = reasons.filter((reason) => reason === 'too-easy' || reason === 'failed-on-strong' || reason === 'failed-qv' || reason === 'rubric-format');
  return {
    tooEasy: verdicts.map((reason) => (reason === 'too-easy' ? 1 : 0)),
    failedOnStrong: verdicts.map((reason) => (reason === 'failed-on-strong' ? 1 : 0)),
    failedQuality: verdicts.map((reason) => (reason === 'failed-qv' || reason === 'rubric-format' ? 1 : 0)),
  };
}

export async function runCalibration(options: CalibrationOptions): Promise<CalibrationReport> {
  const seeds = Array.from({ length: options.seeds }, (_, index) => index + 1);
  const documents = options.corpusSeeds && options.corpusSeeds.length > 0
    ? pooledValidationDocuments(options.corpusSeeds, options.splitFile, options.documentLimit)
    : validationDocuments(options.splitFile, options.documentLimit);
  const baseline = loadBaseline();
  const run = async (label: string, harness = baseline) => {
    const started = Date.now();
    // The paper's pattern, every attempt: the targets are means over attempts, which early stopping would cut short.
    const outcomes = await runEpisodes(harness, documents, seeds, { earlyStop: false });
    options.log?.(`${label}: ${outcomes.length} episodes in ${Date.now() - started} ms`);
    return outcomes;
  };

  const cot = evaluatedRounds(await run('cot-self-instruct', loadBaseline(COT_BASELINE_DIR)));
  const agentic = await run('agentic-self-instruct');
  const accepted = acceptedRounds(agentic);
  const helpful = directiveCatalogue.filter((directive) => directive.kind === 'helpful').map((directive) => directive.id);
  const best = await run('best reachable harness', harnessWithDirectives(baseline, helpful));
  const shares = failureShares(agentic);
  const roundsToAccept = agentic.filter((outcome) => outcome.acceptedRound !== null).map((outcome) => outcome.acceptedRound as number);
  const cotGap = estimateMean(cot.map((round) => (round.strong?.mean ?? 0) - (round.weak?.mean ?? 0)));

  const targets: CalibrationTarget[] = [
    near('CoT weak mean', 0.68, estimateMean(cot.map((round) => round.weak?.mean ?? 0))),
    near('CoT strong mean', 0.7, estimateMean(cot.map((round) => round.strong?.mean ?? 0))),
    { ...within('CoT gap', -1, 0.05, cotGap), target: '<= 0.05' },
    near('agentic accepted weak mean', 0.46, estimateMean(accepted.map((round) => round.weak?.mean ?? 0))),
    near('agentic accepted strong mean', 0.77, estimateMean(accepted.map((round) => round.strong?.mean ?? 0))),
    near('agentic accepted gap', 0.31, estimateMean(accepted.map((round) => round.gap ?? 0))),
    within('rounds per accepted example', 4, 8, estimateMean(roundsToAccept)),
    near('failed rounds: too easy', 0.8, estimateMean(shares.tooEasy), 0.1),
    near('failed rounds: failed on strong', 0.13, estimateMean(shares.failedOnStrong), 0.07),
    near('failed rounds: failed QV', 0.07, estimateMean(shares.failedQuality), 0.05),
    near('baseline validation pass rate', 0.62, estimateMean(passes(agentic))),
    within('best reachable pass rate', 0.8 - TOLERANCE, 0.85 + TOLERANCE, estimateMean(passes(best))),
  ];
  targets[targets.length - 1]!.target = '0.80-0.85 +- 0.05';

  const harmful: CalibrationReport['harmful'] = [];
  if (!options.skipHarmful) {
    for (const directive of directiveCatalogue.filter((entry) => entry.kind === 'harmful')) {
      const outcomes = await run(`baseline + ${directive.id}`, harnessWithDirectives(baseline, [directive.id]));
      harmful.push({ directive: directive.id, passRate: estimateMean(passes(outcomes)).value ?? 0 });
    }
    const baselineRate = estimateMean(passes(agentic)).value ?? 0;
    for (const entry of harmful) {
      targets.push({ name: `harmful ${entry.directive} lowers the pass rate`, target: `< ${baselineRate.toFixed(2)}`, measured: entry.passRate, interval: null, pass: entry.passRate < baselineRate });
    }
  }
  return { seeds, ...(options.corpusSeeds && options.corpusSeeds.length > 0 ? { corpusSeeds: [...options.corpusSeeds] } : {}), documents: documents.length, targets, harmful };
}

export function formatCalibrationTable(report: CalibrationReport): string {
  const rows = report.targets.map((target) => {
    const measured = target.measured === null ? 'n/a' : target.measured.toFixed(3);
    const interval = target.interval ? `[${target.interval[0].toFixed(3)}, ${target.interval[1].toFixed(3)}]` : '';
    return `${target.name.padEnd(48)} ${target.target.padEnd(18)} ${measured.padStart(7)} ${interval.padEnd(18)} ${target.pass ? 'pass' : 'FAIL'}`;
  });
  const header = `${'target'.padEnd(48)} ${'expected'.padEnd(18)} ${'measured'.padStart(7)} ${'95% interval'.padEnd(18)} result`;
  const seeds = report.corpusSeeds ?? [];
  const corpus = seeds.length === 0 ? '' : seeds.length === 1 ? ` (corpus seed ${seeds[0]})` : ` (corpus seeds ${seeds.join(', ')}, pooled)`;
  return [`sim calibration: ${report.documents} validation documents${corpus} x ${report.seeds.length} seeds`, header, ...rows].join('\n');
}

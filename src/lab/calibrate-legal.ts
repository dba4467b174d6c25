// The legal targets of `sim calibrate`: the paper's judge-decided loop against CoT Self-Instruct on
// short legal problems (sim:legal). CoT questions were too hard for the weak solver (weak mean
// 0.159, gap 0.558); the loop found learnable ones (weak 0.283, gap 0.415, 4.98 rounds) with more
// disagreement among the weak rollouts. Runs the real inner loop on the legal split's validation documents.
import { scoreVariance } from '../inner/loop-packet.ts';
import type { DocumentOutcome } from '../inner/index.ts';
import { REPOSITORY_ROOT } from '../util/repository-paths.ts';
import { near, within, type CalibrationTarget } from './calibrate.ts';
import { estimateMean, loadBaseline, runEpisodes, validationDocuments } from './lab-episodes.ts';

export const LEGAL_SPLIT_FILE = `${REPOSITORY_ROOT}splits/sim-legal.json`;
export const LEGAL_BASELINE_DIR = `${REPOSITORY_ROOT}baselines/legal-self-instruct`;
export const LEGAL_COT_BASELINE_DIR = `${REPOSITORY_ROOT}baselines/legal-cot-self-instruct`;

/**
 * Sim seeds per calibration seed: the legal split has 15 validation documents (the CS one 25) and its
 * episodes are cheap, so three times the seeds keep its intervals about as narrow as the CS targets'.
 */
export const LEGAL_SEED_FACTOR = 3;

export interface LegalCalibrationOptions {
  /** Calibration seeds, as `sim calibrate --seeds`; the legal runs use LEGAL_SEED_FACTOR times as many sim seeds. */
  seeds: number;
  documentLimit?: number;
  splitFile?: string;
  log?: (line: string) => void;
}

type Round = DocumentOutcome['result']['rounds'][number];

const weakSpread = (round: Round) => Math.sqrt(scoreVariance(round.weak?.scores ?? []));

export async function runLegalCalibration(options: LegalCalibrationOptions): Promise<{ seeds: number[]; documents: number; targets: CalibrationTarget[] }> {
  const seeds = Array.from({ length: options.seeds * LEGAL_SEED_FACTOR }, (_, index) => index + 1);
  const documents = validationDocuments(options.splitFile ?? LEGAL_SPLIT_FILE, options.documentLimit);
  const run = async (label: string, dir: string) => {
    const started = Date.now();
    const outcomes = await runEpisodes(loadBaseline(dir), documents, seeds, { earlyStop: false });
    options.log?.(`${label}: ${outcomes.length} episodes in ${Date.now() - started} ms`);
    return outcomes;
  };
  const cotOutcomes = await run('legal-cot-self-instruct', LEGAL_COT_BASELINE_DIR);
  const loopOutcomes = await run('legal-self-instruct', LEGAL_BASELINE_DIR);
  // As compare-methods reads them: every QV-passed round of the single shot, the accepted round of the loop.
  const cot = cotOutcomes.flatMap((outcome) => outcome.result.rounds.filter((round) => round.weak !== null && round.strong !== null));
  const accepted = loopOutcomes.flatMap((outcome) => outcome.result.rounds.filter((round) => round.accepted));
  const rounds = loopOutcomes.filter((outcome) => outcome.acceptedRound !== null).map((outcome) => outcome.acceptedRound as number);
  const cotSpread = estimateMean(cot.map(weakSpread));
  const loopSpread = estimateMean(accepted.map(weakSpread));

  // The loop's figures are over its accepted examples, the rounds are the mean accepted round.
  const targets: CalibrationTarget[] = [
    near('legal CoT weak mean', 0.16, estimateMean(cot.map((round) => round.weak?.mean ?? 0))),
    near('legal CoT gap', 0.56, estimateMean(cot.map((round) => (round.strong?.mean ?? 0) - (round.weak?.mean ?? 0)))),
    near('legal loop weak mean', 0.28, estimateMean(accepted.map((round) => round.weak?.mean ?? 0))),
    near('legal loop gap', 0.42, estimateMean(accepted.map((round) => round.gap ?? 0))),
    within('legal loop rounds', 4, 6, estimateMean(rounds)),
    {
      ...within('legal weak spread, loop>CoT', cotSpread.value ?? Infinity, Infinity, loopSpread),
      target: `> CoT ${cotSpread.value === null ? 'n/a' : cotSpread.value.toFixed(3)}`,
    },
  ];
  return { seeds, documents: documents.length, targets };
}

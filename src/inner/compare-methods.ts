// The paper's Table 1: several methods (harnesses) on the same documents, side by side.
import type { Harness } from '../harness/harness.ts';
import { mean } from './acceptance.ts';
import { scoreVariance } from './loop-packet.ts';
import type { Llm } from '../llm/types.ts';
import { renderTable, type Cell } from '../report/table.ts';
import { evaluateHarness } from './evaluate-harness.ts';
import type { DocumentOutcome, EvaluationSummary, InnerDocument } from './types.ts';

export interface MethodRow {
  method: string;
  orchestrator: string;
  /** Which examples the means are over: accepted ones (a loop) or QV-passed ones (single shot). */
  basis: 'accepted examples' | 'QV-passed examples';
  examples: number;
  documents: number;
  /** accepted / documents that reached a verdict; null when none did. */
  passRate: number | null;
  weakMean: number | null;
  strongMean: number | null;
  gap: number | null;
  /**
   * Mean over the examples of the spread (population standard deviation) of each question's weak
   * rollout scores: how much the weak solver's attempts disagree, the signal a GRPO-style trainer
   * learns from. Null when there are no examples.
   */
  weakSpread: number | null;
  rounds: number | null;
  questionLength: number | null;
  rubricItems: number | null;
  summary: EvaluationSummary;
}

export interface CompareOptions {
  methods: Array<{ name: string; harness: Harness }>;
  documents: InnerDocument[];
  llm: Llm;
  seed: number;
  concurrency: number;
  simulated: boolean;
  /**
   * Early stopping for every method; default false. Table 1's weak and strong means are over the
   * attempts made, and a stage stopped early (a single shot's weak stage after one high score, a
   * verifiable pass) would report them over fewer attempts than the paper's pattern: every attempt.
   */
  earlyStop?: boolean;
  onDocumentDone?: (method: string, outcome: DocumentOutcome, done: number, total: number) => void;
}

export async function compareMethods(options: CompareOptions): Promise<MethodRow[]> {
  const rows: MethodRow[] = [];
  for (const method of options.methods) {
    const evaluation = await evaluateHarness({ llm: options.llm }, method.harness, options.documents, {
      seed: options.seed,
      repeat: 0,
      concurrency: options.concurrency,
      simulated: options.simulated,
      earlyStop: options.earlyStop ?? false,
      onDocumentDone: (outcome, done, total) => options.onDocumentDone?.(method.name, outcome, done, total),
    });
    const summary = evaluation.summary;
    const singleShot = method.harness.settings.orchestrator === 'single-shot';
    const statistics = singleShot ? summary.evaluatedRounds : summary.acceptedExamples;
    rows.push({
      method: method.name,
      orchestrator: method.harness.settings.orchestrator,
      basis: singleShot ? 'QV-passed examples' : 'accepted examples',
      examples: statistics.examples,
      documents: summary.documents,
      passRate: summary.passRate,
      weakMean: statistics.weakMean,
      strongMean: statistics.strongMean,
      gap: statistics.gap,
      weakSpread: weakSpread(evaluation.outcomes, singleShot),
      rounds: singleShot ? 1 : summary.roundsPerAccepted,
      questionLength: statistics.questionLength,
      rubricItems: statistics.rubricItems,
      summary,
    });
  }
  return rows;
}

/** Over the same examples as the means: the accepted rounds of a loop, every evaluated round of a single shot. */
function weakSpread(outcomes: readonly DocumentOutcome[], singleShot: boolean): number | null {
  const rounds = outcomes.flatMap((outcome) => outcome.result.rounds.filter((round) => round.weak !== null && (singleShot || round.accepted)));
  if (rounds.length === 0) return null;
  return mean(rounds.map((round) => Math.sqrt(scoreVariance(round.weak!.scores))));
}

export function formatComparison(rows: readonly MethodRow[]): string {
  const headers = ['', ...rows.map((row) => row.method)];
  const line = (label: string, pick: (row: MethodRow) => Cell): Cell[] => [label, ...rows.map(pick)];
  const table = renderTable(headers, [
    line('weak mean', (row) => fixed(row.weakMean, 3)),
    line('strong mean', (row) => fixed(row.strongMean, 3)),
    line('gap', (row) => fixed(row.gap, 3)),
    line('weak spread (sd within question)', (row) => fixed(row.weakSpread, 3)),
    line('rounds', (row) => fixed(row.rounds, 2)),
    line('question length (chars)', (row) => fixed(row.questionLength, 0)),
    line('rubric items', (row) => fixed(row.rubricItems, 1)),
    line('examples', (row) => row.examples),
    line('pass rate', (row) => fixed(row.passRate, 3)),
  ]);
  const notes = rows.map(
    (row) =>
      `${row.method} (${row.orchestrator}): means over ${row.examples} ${row.basis} of ${row.documents} documents` +
      (row.basis === 'accepted examples' ? '; rounds = mean accepted round' : '; one round, no refinement'),
  );
  return [table, '', ...notes.map((note) => `* ${note}`)].join('\n');
}

const fixed = (value: number | null, digits: number): string | null => (value === null ? null : value.toFixed(digits));

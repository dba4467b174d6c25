// The summary of an evaluation as terminal text (the CLI prints it; --json prints the object).
import { renderTable, type Cell } from '../report/table.ts';
import { forTerminal } from '../util/terminal-text.ts';
import { FAILURE_REASONS } from './result-schema.ts';
import type { EvaluationSummary } from './types.ts';

export function formatSummary(summary: EvaluationSummary): string {
  const { acceptedExamples: accepted, evaluatedRounds: evaluated } = summary;
  const overview = renderTable(
    ['', 'accepted examples', 'all evaluated rounds'],
    [
      ['examples', accepted.examples, evaluated.examples],
      ['weak mean', fixed(accepted.weakMean, 3), fixed(evaluated.weakMean, 3)],
      ['strong mean', fixed(accepted.strongMean, 3), fixed(evaluated.strongMean, 3)],
      ['gap', fixed(accepted.gap, 3), fixed(evaluated.gap, 3)],
      ['question length (chars)', fixed(accepted.questionLength, 0), fixed(evaluated.questionLength, 0)],
      ['rubric items', fixed(accepted.rubricItems, 1), fixed(evaluated.rubricItems, 1)],
    ],
  );
  const failures = renderTable(
    ['failure reason', 'count'],
    FAILURE_REASONS.map((reason): Cell[] => [reason, summary.failureReasons[reason]]),
  );
  const usage = renderTable(
    ['role', 'calls', 'prompt tokens', 'completion tokens'],
    Object.entries(summary.usageByRole).map(([role, counts]): Cell[] => [role, counts.calls, counts.promptTokens, counts.completionTokens]),
  );
  const lines = [
    `documents ${summary.documents}${summary.errored > 0 ? ` (${summary.completed} reached a verdict, ${summary.errored} errored)` : ''}, ` +
      `accepted ${summary.accepted}, pass rate ${summary.passRate === null ? 'n/a (no document reached a verdict)' : summary.passRate.toFixed(3)}, ` +
      `rounds per accepted example ${summary.roundsPerAccepted === null ? '-' : summary.roundsPerAccepted.toFixed(2)}` +
      (summary.falseAcceptanceClaims > 0 ? `, false acceptance claims overruled ${summary.falseAcceptanceClaims}` : ''),
    ...(summary.documentFit === null ? [] : [`context windows: ${summary.documentFit}`]),
    ...(summary.earlyStop
      ? [
          `early stopping: ${summary.earlyStop.attemptsSkipped} solver attempt(s) skipped once a stage was decided, ` +
            `${summary.earlyStop.attemptsMade} made; the means below are over the attempts made`,
        ]
      : []),
    '',
    overview,
    '',
    failures,
    '',
    usage,
  ];
  if (summary.errors.length > 0) {
    lines.push('', `${summary.errors.length} document(s) ended with an error (no verdict; left out of the pass rate; a rerun retries them):`);
    for (const error of summary.errors) lines.push(`  ${forTerminal(`${error.documentId}: ${error.error}`, 'line')}`);
  }
  if (summary.skippedDocuments.length > 0) {
    lines.push('', `${summary.skippedDocuments.length} document(s) skipped, never sent to a model (not in the pass rate, for every harness alike):`);
    for (const skipped of summary.skippedDocuments) lines.push(`  ${forTerminal(`${skipped.documentId}: ${skipped.reason}: ${skipped.detail}`, 'line')}`);
  }
  return lines.join('\n');
}

const fixed = (value: number | null, digits: number): string | null => (value === null ? null : value.toFixed(digits));

// Plain-text lines for the loop's events (the CLI writes them to stderr; the loop never prints).
// Refusal messages and reasons carry model-written text, so they are escaped for the terminal.
import type { EvolveEvent, EvolveProgress } from './events.ts';
import { forTerminal } from '../util/terminal-text.ts';
import { formatFinalTest } from './final-test.ts';
import { costSummary, hasCost } from '../llm/cost-text.ts';

export function describeEvent(event: EvolveEvent): string | undefined {
  switch (event.type) {
    case 'run-started':
      return event.resumed
        ? `resuming: ${event.completedIterations} iteration(s) on record${event.redoneIterations.length > 0 ? `, redoing ${event.redoneIterations.join(', ')}` : ''}; ${event.plannedIterations} planned`
        : `starting: ${event.plannedIterations} iterations planned`;
    case 'documents-fitted':
      return event.line;
    case 'baseline-started':
      return `iteration 0: evaluating the baseline on ${event.documents} validation documents`;
    case 'iteration-started':
      return undefined;
    case 'edit-refused':
      return `iteration ${event.iteration}: edit attempt ${event.attempt} refused (${event.reason}): ${forTerminal(event.message.split('\n')[0] ?? '', 'line')}`;
    case 'iteration-finished': {
      const { record } = event;
      const outcome =
        record.decision === 'baseline'
          ? `baseline ${formatScore(record.childScore)}`
          : record.decision === 'accepted' || record.decision === 'rejected'
            ? `${record.childId} ${record.decision} (${formatScore(record.childScore)} vs parent ${record.parentId} ${formatScore(record.parentScore)})`
            : `${record.decision}: ${forTerminal(record.reason.split('\n')[0] ?? '', 'line')}`;
      return `iteration ${record.iteration}: ${outcome} | ${describeProgress(event.progress)}`;
    }
    case 'final-test-started':
      return `final test: evaluating ${event.candidateIds.join(' and ')} on ${event.documents} held-out test documents`;
    case 'final-test-finished':
      return formatFinalTest(event.result);
    case 'run-stopped':
      return `stopped (${event.reason}) | ${describeProgress(event.progress)}${event.detail === undefined ? '' : `\n${event.detail}`}`;
  }
}

export function describeProgress(progress: EvolveProgress): string {
  const best = progress.bestCandidateId === null ? 'n/a' : `${formatScore(progress.bestScore)} (${progress.bestCandidateId})`;
  return (
    `${progress.iterationsDone}/${progress.plannedIterations} done, best ${best}, ` +
    `accepted ${progress.accepted}, rejected ${progress.rejected}, refused ${progress.refused}, failed ${progress.failed}, ` +
    `calls ${progress.calls}, tokens ${progress.tokens}` +
    (progress.retried > 0 ? `, retried requests ${progress.retried}` : '') +
    (hasCost(progress) ? `, ${costSummary(progress, progress.acceptedExamples)}` : '')
  );
}

function formatScore(score: number | null): string {
  return score === null ? 'n/a' : score.toFixed(3);
}

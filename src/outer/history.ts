// The history log as text: what the analyzer and implementer read about earlier iterations
// (what was tried, how it ended), and what `autodata status` prints.
import type { IterationRecord } from './population-store.ts';

const NO_HISTORY = 'No earlier iterations yet.';

/** One line per iteration (plus indented analysis and edit lines), most recent last. */
export function renderHistory(records: readonly IterationRecord[], limit = Number.MAX_SAFE_INTEGER): string {
  if (records.length === 0) return NO_HISTORY;
  // A limit of 0 shows none (an ablation of the history itself); slice(-0) would show them all.
  if (limit <= 0) return `${records.length} earlier iteration${records.length === 1 ? '' : 's'}; none are shown (outer.historyLimit is 0).`;
  const shown = records.slice(-limit);
  const header =
    shown.length < records.length
      ? `${records.length} earlier iterations; the last ${shown.length} are shown.\n`
      : `${records.length} earlier iteration${records.length === 1 ? '' : 's'}.\n`;
  return header + shown.map(renderHistoryEntry).join('\n');
}

export function renderHistoryEntry(record: IterationRecord): string {
  const lines = [headline(record)];
  if (record.analysisHeadline) lines.push(`  Analysis: ${oneLine(record.analysisHeadline)}`);
  if (record.editSummary) lines.push(`  Edit: ${oneLine(record.editSummary)}`);
  return lines.join('\n');
}

function headline(record: IterationRecord): string {
  const prefix = `Iteration ${record.iteration}`;
  switch (record.decision) {
    case 'baseline':
      return `${prefix}: baseline ${record.childId} scored ${score(record.childScore)} on validation.`;
    case 'accepted':
    case 'rejected':
      return (
        `${prefix}: child ${record.childId} of ${record.parentId} ${record.decision.toUpperCase()}: ` +
        `validation ${score(record.childScore)} vs parent ${score(record.parentScore)} (${oneLine(record.reason)}).`
      );
    case 'refused':
      return `${prefix}: edit to ${record.parentId} REFUSED: ${oneLine(record.reason)}.`;
    case 'failed':
      return `${prefix}: FAILED on parent ${record.parentId}: ${oneLine(record.reason)}.`;
  }
}

function score(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

/** First line only, capped, so one iteration never floods the prompt. */
function oneLine(text: string, maxLength = 240): string {
  const first = (text.split('\n')[0] ?? '').trim().replace(/\.$/, '');
  return first.length > maxLength ? `${first.slice(0, maxLength - 3)}...` : first;
}

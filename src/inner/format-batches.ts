// The batches of `generate --batches` as terminal text: pass rate and gap per batch, then what the
// learner wrote after each one (model-written, so every lesson goes through forTerminal). Why a run
// stopped early goes to stderr with its exit code (cli/commands/generate.ts).
import { renderTable, type Cell } from '../report/table.ts';
import { forTerminal } from '../util/terminal-text.ts';
import type { BatchReport } from './generate-batches.ts';

export function formatBatches(batches: readonly BatchReport[]): string {
  const table = renderTable(
    ['batch', 'documents', 'with learnings', 'accepted', 'pass rate', 'gap (accepted)', 'lessons after it'],
    batches.map((batch): Cell[] => [
      batch.batch,
      `${batch.first}-${batch.last}`,
      batch.withLearnings ? 'yes' : 'no',
      `${batch.accepted}/${batch.completed}`,
      batch.passRate === null ? null : batch.passRate.toFixed(3),
      batch.gap === null ? null : batch.gap.toFixed(3),
      batch.learnings ? `${batch.learnings.learnings.length}${batch.learningsReused ? ' (stored)' : ''}` : null,
    ]),
  );
  const lines = ['batches (the learner reads each batch and writes lessons for the next one):', table];
  for (const batch of batches) {
    if (!batch.learnings) continue;
    lines.push('', `learnings after batch ${batch.batch}: ${forTerminal(batch.learnings.summary, 'line')}`);
    for (const entry of batch.learnings.learnings) lines.push(`  - ${forTerminal(entry.lesson, 'line')}`);
  }
  return lines.join('\n');
}

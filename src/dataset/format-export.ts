// The export summary as text for a person; document ids and reasons from disk are escaped.
import { forTerminal } from '../util/terminal-text.ts';
import type { ExportSummary } from './export-dataset.ts';

export function formatExportSummary(summary: ExportSummary, outDir: string): string {
  const line = (text: string) => forTerminal(text, 'line');
  const reasons = Object.entries(summary.rejectionsByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${line(reason)} ${count}`)
    .join(', ');
  const lines = [
    `${summary.simulated ? 'SIMULATED data (sim endpoints, not real models): ' : ''}${summary.rows.train + summary.rows.test} example(s) from ${summary.episodes} episode(s) of ${summary.source.kind} ${line(summary.source.dir)}`,
    `train ${summary.rows.train} example(s) from ${summary.documents.train} document(s): ${summary.dataFiles.train}`,
    `test ${summary.rows.test} example(s) from ${summary.documents.test} document(s): ${summary.dataFiles.test} (test fraction ${summary.testFraction}, seed ${summary.seed})`,
    `rejections.jsonl: ${summary.rejections - summary.episodeEndings} rejected round(s) and ${summary.episodeEndings} episode ending(s) without an example${reasons ? ` (${reasons})` : ''}`,
    ...summary.harnesses.map((harness) => `${harness.folder}/: harness ${harness.hash.slice(0, 12)} (${line(harness.name)})`),
  ];
  const pass = summary.reverification;
  if (pass?.applied) lines.push(`--reverified-only: kept the survivors of reverify (${line(pass.verifier.model)}); left out ${pass.leftOut.length}: ${pass.leftOut.map((entry) => `${entry.id} ${entry.why}`).join(', ') || 'none'}`);
  else if (pass) lines.push(`reverify.json: ${pass.survived} of ${pass.checked} survived, ${pass.fell} fell, ${pass.notReverified} not re-verified (not applied; --reverified-only keeps only survivors)`);
  if (summary.dedup) lines.push(`--dedup dropped ${summary.duplicates.length} repeated question(s)`);
  for (const failed of summary.failedRecheck) {
    lines.push(`not exported: ${line(failed.document_id)} (${failed.id}) no longer passes its acceptance rule: ${line(failed.reasons.join('; '))}`);
  }
  if (summary.incomplete.length > 0) {
    lines.push(`${summary.incomplete.length} document(s) not exported, incomplete:`);
    for (const entry of summary.incomplete) lines.push(`  ${line(entry.source)}: ${line(entry.reason)}`);
  }
  lines.push(`dataset in ${line(outDir)}`);
  return lines.join('\n');
}

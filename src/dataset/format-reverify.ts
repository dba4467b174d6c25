// The re-verification as text for a person; the verifier's feedback is model-written, so escaped.
import { forTerminal } from '../util/terminal-text.ts';
import type { ReverifyResult } from './reverify.ts';

export function formatReverify(result: ReverifyResult, file: string): string {
  const line = (text: string) => forTerminal(text, 'line');
  const checks = Object.entries(result.failedByCheck).map(([name, count]) => `${line(name)} ${count}`).join(', ');
  const lines = [
    `${result.simulated ? 'SIMULATED data (sim endpoints, not real models): ' : ''}quality verifier ${line(result.verifier.model)} (${line(result.verifier.endpoints)}) over ${result.checked} accepted example(s) of ${result.source.kind} ${line(result.source.dir)}`,
    `survived ${result.survived.length}, fell ${result.fell.length}${checks ? ` (failed checks: ${checks})` : ''}, not re-verified ${result.notReverified.length}`,
    ...result.fell.map((entry) => `  fell ${entry.id} (${line(entry.document_id)}): ${line(entry.failed_checks.join(', '))}: ${line(entry.feedback).slice(0, 200)}`),
    ...result.notReverified.map((entry) => `  not re-verified ${entry.id} (${line(entry.document_id)}): ${line(entry.reason)}`),
    ...(result.halted ? [`halted: ${line(result.halted)}`] : []),
    `written to ${line(file)}; \`autodata export ... --reverified-only\` keeps the ${result.survived.length} survivor(s)`,
  ];
  return lines.join('\n');
}

// The cost lines `generate` prints: the run folder's total and per accepted example, then one line
// per role that made calls. Read from the store's call log (read-only).
import { openStore } from '../store/index.ts';
import { costAmount, costCoverage, costSummary } from './cost-text.ts';
import { paidUsage, paidUsageByRole } from './paid-usage.ts';

export function costLines(storePath: string, acceptedExamples: number): string[] {
  const store = openStore(storePath, { readonly: true });
  try {
    const total = paidUsage(store.db);
    const lines = [`${costSummary(total, acceptedExamples)} in this run folder`, 'cost per role:'];
    for (const role of paidUsageByRole(store.db)) {
      lines.push(`  ${role.role}: ${costAmount(role)} over ${role.calls} paid calls (${costCoverage(role)})`);
    }
    return lines;
  } finally {
    store.close();
  }
}

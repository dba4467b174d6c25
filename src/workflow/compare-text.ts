// `compare` as text: one table per metric group (rows = arms: label, n seeds, mean [low, high]),
// tokens per role, the paired differences against the first arm, then what was left out, the
// interval method and the warnings. Labels and run names are escaped (renderTable, forTerminal).
import { renderTable, type Cell } from '../report/table.ts';
import { forTerminal } from '../util/terminal-text.ts';
import type { ArmSummary, Comparison, DifferenceKey, MetricKey } from './compare.ts';
import type { MeanInterval } from './intervals.ts';
import type { AcceptanceErrors } from './oracle-metrics.ts';

interface MetricColumn {
  key: MetricKey;
  title: string;
  digits: number;
}

const TITLES: Record<MetricKey, string> = {
  bestValidation: 'best validation',
  testBest: 'test: best',
  testBaseline: 'test: baseline',
  oracleBest: 'oracle: best',
  oracleBaseline: 'oracle: baseline',
  iterationsDone: 'done',
  accepted: 'accepted',
  rejected: 'rejected',
  refused: 'refused',
  failed: 'failed',
  iterationsToThreshold: 'to threshold',
  calls: 'calls',
  tokens: 'tokens',
  retried: 'retried',
  wallTimeSeconds: 'wall time (s)',
};

const DIGITS: Record<MetricKey, number> = {
  bestValidation: 3, testBest: 3, testBaseline: 3, oracleBest: 3, oracleBaseline: 3,
  iterationsDone: 1, accepted: 1, rejected: 1, refused: 1, failed: 1, iterationsToThreshold: 1,
  calls: 0, tokens: 0, retried: 1, wallTimeSeconds: 1,
};

const column = (key: MetricKey): MetricColumn => ({ key, title: TITLES[key], digits: DIGITS[key] });

const GROUPS: Array<{ title: string; columns: MetricColumn[] }> = [
  { title: 'scores (validation: the best candidate\'s mean; test: held-out pass rate)', columns: [column('bestValidation'), column('testBest'), column('testBaseline')] },
  { title: 'iterations', columns: (['iterationsDone', 'accepted', 'rejected', 'refused', 'failed'] as const).map(column) },
  { title: 'cost (paid; cache hits excluded)', columns: (['calls', 'tokens', 'retried', 'wallTimeSeconds'] as const).map(column) },
];

/** `0.667 [0.512, 0.821]`; one value has no interval; `(k of n)` when only k of the arm's n runs have a value. */
export function formatInterval(interval: MeanInterval, digits: number, of?: number): string {
  if (interval.mean === null) return '-';
  const value = (x: number) => x.toFixed(digits);
  const text = interval.low === null || interval.high === null ? value(interval.mean) : `${value(interval.mean)} [${value(interval.low)}, ${value(interval.high)}]`;
  return of !== undefined && interval.n < of ? `${text} (${interval.n} of ${of})` : text;
}

export function formatComparison(comparison: Comparison): string {
  const { arms } = comparison;
  const included = arms.reduce((sum, arm) => sum + arm.seeds.length, 0);
  const total = arms.reduce((sum, arm) => sum + arm.runs.length, 0);
  const source = comparison.source.kind === 'ablation' ? `ablation ${comparison.source.name} (${comparison.source.dir})` : `runs ${comparison.source.runs.join(', ')}`;
  const lines = [forTerminal(`${source}: ${arms.length} arm${arms.length === 1 ? '' : 's'}, ${included} of ${total} runs completed and compared`, 'line')];
  const groups = GROUPS.map((group) =>
    group.title === 'iterations' && comparison.threshold !== null
      ? { ...group, columns: [...group.columns, { ...column('iterationsToThreshold'), title: `to ${comparison.threshold}` }] }
      : group,
  );
  const withOracle = arms.some((arm) => arm.metrics.oracleBest.n > 0);
  if (withOracle) {
    groups.splice(1, 0, { title: 'oracle (the sim\'s true expected validation pass rate)', columns: [column('oracleBest'), column('oracleBaseline')] });
  }
  for (const group of groups) {
    lines.push('', group.title, armTable(arms, group.columns));
    if (group.columns[0]?.key === 'oracleBest' && comparison.acceptanceErrors) lines.push('', ...acceptanceTable(comparison.acceptanceErrors));
  }
  if (!withOracle && comparison.acceptanceErrors) lines.push('', ...acceptanceTable(comparison.acceptanceErrors));
  const roles = [...new Set(arms.flatMap((arm) => Object.keys(arm.tokensByRole)))].sort();
  if (roles.length > 0) {
    lines.push('', 'tokens per role (paid; mean per run)');
    lines.push(renderTable(['role', ...arms.map((arm) => arm.id)], roles.map((role) => [role, ...arms.map((arm) => cellOf(arm.tokensByRole[role], 0))])));
  }
  if (comparison.differences.length > 0) {
    lines.push('', 'paired differences by seed (arm minus the first arm)');
    const keys: DifferenceKey[] = withOracle ? ['bestValidation', 'testBest', 'oracleBest', 'calls', 'tokens'] : ['bestValidation', 'testBest', 'calls', 'tokens'];
    const rows = comparison.differences.map((difference): Cell[] => [
      difference.label,
      arms.find((arm) => arm.id === difference.arm)?.label ?? '',
      Math.max(...keys.map((key) => difference.metrics[key].pairs)),
      ...keys.map((key) => formatInterval(difference.metrics[key], DIGITS[key], difference.metrics.bestValidation.pairs)),
    ]);
    lines.push(renderTable(['difference', 'label', 'pairs', ...keys.map((key) => TITLES[key])], rows));
  }
  if (comparison.incomplete.length > 0) {
    lines.push('', `left out of the means (not completed): ${comparison.incomplete.length}`);
    for (const run of comparison.incomplete) {
      const progress = run.status === 'not started' ? '' : `, ${run.iterationsDone}/${run.iterationsPlanned ?? '?'} iterations`;
      lines.push(forTerminal(`  ${run.arm ?? '-'} seed ${run.seed ?? '?'}: ${run.status}${progress} (${run.runDir})`, 'line'));
    }
  }
  lines.push('', `intervals: ${comparison.intervalMethod}; n = completed runs (seeds) of the arm`);
  for (const warning of comparison.warnings) lines.push(forTerminal(`warning: ${warning}`, 'line'));
  return lines.join('\n');
}

/**
 * "acceptance rule vs the oracle": per arm the pooled counts of accepted and rejected children, truly
 * better than their parent by the oracle or not, and the false-accept and false-reject rates as a
 * mean across seeds with its interval (n: runs that accepted, or rejected, anything).
 */
function acceptanceTable(errors: AcceptanceErrors): string[] {
  const rows = errors.arms.map((arm): Cell[] => {
    const { pooled } = arm;
    return [
      arm.arm,
      arm.label,
      arm.runs.length,
      `${pooled.acceptedBetter} / ${pooled.acceptedNotBetter}`,
      `${pooled.rejectedBetter} / ${pooled.rejectedNotBetter}`,
      formatInterval(arm.falseAcceptRate, 2, arm.runs.length),
      formatInterval(arm.falseRejectRate, 2, arm.runs.length),
      `${rate(pooled.falseAcceptRate)} / ${rate(pooled.falseRejectRate)}`,
    ];
  });
  const episodes = errors.episodes === null ? '' : `, ${errors.episodes} episodes each`;
  const notes = [
    `truly better: oracle(child) > oracle(parent) + ${errors.margin.toFixed(3)} (${errors.marginSource}); ${errors.harnessesEstimated} harnesses estimated (each once${episodes})`,
    'false-accept rate: not truly better among the accepted children; false-reject rate: truly better among the rejected ones; mean [95% t interval] over the runs that accepted (rejected) any',
    `note: ${errors.note}`,
  ];
  const headers = ['arm', 'label', 'n', 'accepted: better / not', 'rejected: better / not', 'false-accept rate', 'false-reject rate', 'pooled: false-accept / false-reject'];
  return ['acceptance rule vs the oracle (each accepted or rejected child against its parent)', renderTable(headers, rows), ...notes.map((line) => forTerminal(line, 'line'))];
}

function rate(value: number | null): string {
  return value === null ? '-' : value.toFixed(2);
}

function armTable(arms: ArmSummary[], columns: MetricColumn[]): string {
  const rows = arms.map((arm): Cell[] => [arm.id, arm.label, arm.seeds.length, ...columns.map((entry) => cellOf(arm.metrics[entry.key], entry.digits, arm.seeds.length))]);
  return renderTable(['arm', 'label', 'n', ...columns.map((entry) => entry.title)], rows);
}

function cellOf(interval: MeanInterval | undefined, digits: number, of?: number): string {
  return interval ? formatInterval(interval, digits, of) : '-';
}

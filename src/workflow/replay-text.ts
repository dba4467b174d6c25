// The replays as plain text: a small table per replay, and the lines that say what was compared.
import type { AcceptanceRule } from '../outer/accept-child.ts';
import type { CandidateStanding } from '../outer/best-candidate.ts';
import type { Racing } from '../outer/race-rule.ts';
import { renderTable } from '../report/table.ts';
import type { PlateauReplay } from './replay-plateau.ts';
import type { RacingReplay } from './replay-racing.ts';

export function racingLabel(racing: Exclude<Racing, 'off'>): string {
  return racing === 'exact' ? 'exact' : `futility:${racing.errorRate}`;
}

export function acceptanceLabel(rule: AcceptanceRule): string {
  return rule.kind === 'strict' ? 'strict' : `paired-test:${rule.alpha}`;
}

export function formatRacingReplays(run: string, replays: readonly RacingReplay[], undecided: number): string {
  const first = replays[0];
  if (!first || first.iterations === 0) return `replay racing of ${run}: no iteration validated a child${undecided > 0 ? ` (${undecided} refused or failed)` : ''}`;
  const reference = first.reference === 'recorded' ? 'the recorded decisions' : `the full evaluation's decisions under ${acceptanceLabel(first.acceptance)}`;
  const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);
  const rows = replays.map((replay) => [
    racingLabel(replay.racing),
    `${replay.sameDecisions}/${replay.iterations}`,
    replay.differing.length === 0 ? 'none' : replay.differing.map((entry) => `${entry.iteration} (${entry.replayed})`).join(' '),
    `${replay.meanDocumentsRead.toFixed(1)} of ${replay.documents}`,
    percent(replay.savedOnPrefix, replay.calls),
    percent(replay.savedWithInFlight, replay.calls),
  ]);
  return [
    `replay racing of ${run}: ${first.iterations} iterations validated in full, acceptance ${acceptanceLabel(first.acceptance)}, ` +
      `decisions held against ${reference}${undecided > 0 ? `; ${undecided} iterations refused or failed (no validation)` : ''}`,
    '',
    renderTable(['racing', 'same decisions', 'differing (replayed)', 'documents read', 'calls saved', `with ${first.inFlight} in flight`], rows),
    '',
    `calls: the ${first.calls} paid validation calls of parent and child; "calls saved" counts every document past the settling prefix as never run, ` +
      `"in flight" pays for up to ${first.inFlight} more per side (started before the race settled).`,
  ].join('\n');
}

export function formatPlateauReplay(run: string, replay: PlateauReplay): string {
  const margin = replay.rule.minImprovement === 'standard-error' ? 'one standard error' : replay.rule.minImprovement.toFixed(3);
  const head = `replay plateau of ${run}: K ${replay.rule.iterations}, margin ${margin}, checked after every wave of ${replay.waveSize}`;
  const checked = replay.checked.length === 0 ? 'never checked (fewer than K iterations)' : `checked after iterations ${replay.checked.join(', ')}`;
  const standing = (entry: CandidateStanding | null) =>
    entry ? `${entry.id} ${entry.score.toFixed(3)} (${entry.accepted} of ${entry.documents} over ${entry.evaluations} evaluation${entry.evaluations === 1 ? '' : 's'})` : 'none';
  const saved = replay.callsAllIterations === 0 ? '' : ` (${(100 * (replay.callsByStop / replay.callsAllIterations - 1)).toFixed(1)}%)`;
  const at = replay.stop ? 'the stop' : 'the last iteration';
  const rows = [
    ['stops after iteration', replay.stop ? replay.stop.afterIteration : `not reached (the run has ${replay.lastIteration})`],
    [`paid calls by ${at}`, `${replay.callsByStop} of ${replay.callsAllIterations}${saved}`],
    [`best as of ${at}`, standing(replay.bestAtStop)],
    ['  same candidate at the end', standing(replay.bestAtStopAtEnd)],
    ["the run's final best", standing(replay.finalBest)],
    ...(replay.oracle
      ? [['oracle: best as of ' + at, replay.oracle.atStop.toFixed(3)], ["oracle: the run's final best", replay.oracle.final.toFixed(3)]]
      : []),
  ];
  return [
    head,
    checked,
    ...(replay.stop ? [replay.stop.verdict] : []),
    '',
    renderTable(['plateau rule', 'replayed'], rows),
    '',
    'calls: every iteration\'s paid calls (the baseline\'s included; the final test left out, it runs after either stop)',
  ].join('\n');
}

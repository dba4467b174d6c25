// replay plateau checks the rule only where evolve does: after each wave (L = 0, W, 2W, ...) and never
// after the planned last iteration. A constructed history (test/outer/constructed-run.ts) whose
// plateau is reached after iteration 6 and not before shows it: waves of 2 stop there, waves of 4
// never check after 6 (4, then 8 is past the run) and run to the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperiment } from '../../src/config/experiment.ts';
import * as population from '../../src/outer/population-store.ts';
import { RUN_KIND } from '../../src/outer/run-evolution.ts';
import { openStore, recordRun, type Store } from '../../src/store/index.ts';
import { replayPlateau } from '../../src/workflow/replay-plateau.ts';
import { writeRun } from '../outer/constructed-run.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-replay-plateau-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Iteration i re-evaluates c0000 (15 of 25) and makes a child with scores[i - 1] of 25, accepted above 15. */
function run(name: string, concurrentIterations: number, scores: number[]): Store {
  const store = openStore(path.join(temp, `${name}.sqlite`));
  const config = parseExperiment({ name, endpoints: 'sim', outer: { iterations: scores.length, concurrentIterations } }, 'test');
  recordRun(store, { id: name, kind: RUN_KIND, name, config, seed: config.seed });
  return writeRun(store, [
    { child: 'accepted', evaluations: [['c0000', 15, 25]], decision: 'baseline' },
    ...scores.map((score, index) => {
      const status = score > 15 ? ('accepted' as const) : ('rejected' as const);
      const evaluations: Array<[string, number, number]> = [['c0000', 15, 25], [population.candidateId(index + 1), score, 25]];
      return { child: status, evaluations, decision: status };
    }),
  ]);
}

// c0003 (25 of 25) keeps the plateau off while it is among the last 3 iterations (through 5); after
// 6 the newcomers c0005 (18) and c0006 (24) do not beat it.
const SCORES = [20, 16, 25, 14, 18, 24, 22, 17];
const RULE = { iterations: 3, minImprovement: 'standard-error' as const };

describe('replay plateau', () => {
  it('checks after each wave, as evolve does', () => {
    const pairs = run('waves-of-2', 2, SCORES);
    const replay = replayPlateau(pairs, RULE);
    expect(replay.checked).toEqual([4, 6]);
    expect(replay.stop?.afterIteration).toBe(6);
    // Each constructed iteration cost 1 call: iterations 0-6 of 0-8.
    expect([replay.callsByStop, replay.callsAllIterations]).toEqual([7, 9]);
    expect(replay.bestAtStop?.id).toBe('c0003');

    const fours = run('waves-of-4', 4, SCORES);
    const unstopped = replayPlateau(fours, RULE);
    expect(unstopped.checked).toEqual([4]);
    expect(unstopped.stop).toBeNull();
    expect(unstopped.callsByStop).toBe(unstopped.callsAllIterations);
    for (const store of [pairs, fours]) store.close();
  });
});

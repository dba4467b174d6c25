// One best candidate: status (bestCandidate), the curve (curvePoints) and parent selection
// (populationAsOf) read the same document-weighted scores with the same iteration boundary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bestAfterEachIteration, bestCandidate, candidateScores, populationAsOf } from '../../src/outer/best-candidate.ts';
import { progressFromStore } from '../../src/outer/events.ts';
import { curvePoints } from '../../src/outer/inspect-run.ts';
import { selectionProbabilities } from '../../src/outer/select-parent.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { writeRun } from './constructed-run.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-best-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
let stores = 0;

function newStore(): Store {
  return openStore(path.join(temp, `store-${(stores += 1)}.sqlite`));
}

/**
 * c0001 looks best by the mean of its pass rates ((1/1 + 10/25) / 2 = 0.7, its first validation
 * stopped after one document) but not pooled (11/26); c0002 has 15/25 = 0.6; c0003 was rejected with
 * a perfect score; c0004 has an evaluation with nothing accepted and 2 errored documents (0 of 5 verdicts).
 */
function constructedRun(): Store {
  return writeRun(newStore(), [
    { child: 'accepted', evaluations: [['c0000', 12, 25]], decision: 'baseline' },
    { child: 'accepted', evaluations: [['c0000', 0, 1], ['c0001', 1, 1]], decision: 'accepted' },
    { child: 'accepted', evaluations: [['c0001', 10, 25], ['c0002', 15, 25]], decision: 'accepted' },
    { child: 'rejected', evaluations: [['c0002', 13, 23, 2], ['c0003', 25, 25], ['c0003', 25, 25, 0, 'train']], decision: 'rejected' },
    { child: 'accepted', evaluations: [['c0000', 20, 25], ['c0004', 0, 5, 2]], decision: 'accepted' },
  ]);
}

function greedyPick(store: Store, iteration: number): { id: string; score: number } {
  const members = populationAsOf(store, iteration);
  const probabilities = selectionProbabilities(members, { kind: 'greedy' });
  return members[probabilities.findIndex((probability) => probability > 0)]!;
}

describe('the best candidate', () => {
  it('pools accepted documents over verdicts: a short evaluation weighs what it measured, errored documents are left out', () => {
    const store = constructedRun();
    const scores = candidateScores(store);
    expect(scores.get('c0001')).toMatchObject({ accepted: 11, documents: 26, evaluations: 2, score: 11 / 26 });
    expect(scores.get('c0002')).toMatchObject({ accepted: 28, documents: 48, evaluations: 2, score: 28 / 48 });
    expect(scores.get('c0004')).toMatchObject({ accepted: 0, documents: 5, score: 0 });
    // The training row of c0003 is no validation evidence.
    expect(scores.get('c0003')).toMatchObject({ accepted: 25, documents: 25, evaluations: 1 });
    store.close();
  });

  it('status, curve and selection agree on the best and its score after every iteration', () => {
    const store = constructedRun();
    const curve = curvePoints(store);
    expect(curve.map((point) => point.iteration)).toEqual([0, 1, 2, 3, 4]);
    for (const point of curve) {
      const best = bestCandidate(store, point.iteration)!;
      const picked = greedyPick(store, point.iteration);
      expect([point.bestCandidateId, point.best]).toEqual([best.id, best.score]);
      expect(picked).toEqual({ id: best.id, score: best.score });
    }
    // c0001 leads after iteration 1 (1/1), falls after 2 (11/26) below c0002 (15/25); the rejected
    // c0003 never leads; the baseline's re-evaluations lift it to 32/51 over c0002's 28/48.
    expect(curve.map((point) => `${point.bestCandidateId} ${point.best.toFixed(4)}`)).toEqual([
      'c0000 0.4800', 'c0001 1.0000', 'c0002 0.6000', 'c0002 0.5833', 'c0000 0.6275',
    ]);
    const now = progressFromStore(store, 4);
    expect([now.bestCandidateId, now.bestScore]).toEqual(['c0000', 32 / 51]);
    expect(greedyPick(store, 4)).toEqual({ id: 'c0000', score: 32 / 51 });
    store.close();
  });

  it('the one-pass series equals the best recomputed at each iteration, ties going to the earlier candidate', () => {
    // c0001 ties the baseline's pooled 6/10 at iteration 1; c0002 then beats both; its re-evaluation drops it.
    const store = writeRun(newStore(), [
      { child: 'accepted', evaluations: [['c0000', 3, 5]], decision: 'baseline' },
      { child: 'accepted', evaluations: [['c0000', 3, 5], ['c0001', 3, 5]], decision: 'accepted' },
      { child: 'accepted', evaluations: [['c0002', 5, 5], ['c0001', 4, 5]], decision: 'accepted' },
      { evaluations: [['c0002', 0, 5]], decision: 'failed' },
    ]);
    const series = bestAfterEachIteration(store);
    expect(series.map(({ iteration, best }) => [iteration, best.id])).toEqual([[0, 'c0000'], [1, 'c0000'], [2, 'c0002'], [3, 'c0001']]);
    for (const { iteration, best } of series) expect(best).toEqual(bestCandidate(store, iteration));
    store.close();
  });
});

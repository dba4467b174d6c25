import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { populationAsOf } from '../../src/outer/best-candidate.ts';
import * as population from '../../src/outer/population-store.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const createdAt = '2026-01-01T00:00:00.000Z';
let storeCount = 0;

function candidate(id: string, iteration: number, status: population.CandidateStatus, parentId: string | null = 'c0000'): population.CandidateRecord {
  return { id, parentId, iteration, diff: '', contentHash: null, status, reason: '', editSummary: '', createdAt };
}

function validation(candidateId: string, iteration: number, passRate: number): population.EvaluationRecord {
  return {
    candidateId, iteration, splitPart: 'validation', repeat: iteration, seed: 0, passRate, documents: 4,
    accepted: passRate * 4, errored: 0, calls: 10, tokens: 100, outcomes: [], createdAt,
  };
}

function iterationRow(iteration: number, decision: population.IterationDecision): population.IterationRecord {
  return {
    iteration, parentId: 'c0000', childId: population.candidateId(iteration), analysisHeadline: '', editSummary: '',
    parentScore: null, childScore: null, decision, reason: '', calls: 1, tokens: 1, finishedAt: createdAt,
  };
}

/** Baseline, an accepted child in iteration 1, and iteration 2 killed after its evaluations. */
function storeWithUnfinishedIteration(): Store {
  const store = openStore(path.join(temp, `store-${(storeCount += 1)}.sqlite`));
  population.insertCandidate(store, candidate('c0000', 0, 'accepted', null));
  population.insertEvaluation(store, validation('c0000', 0, 0.5));
  population.insertIteration(store, iterationRow(0, 'baseline'));
  population.insertCandidate(store, candidate('c0001', 1, 'accepted'));
  population.insertEvaluation(store, validation('c0000', 1, 0.75));
  population.insertEvaluation(store, validation('c0001', 1, 1));
  population.insertIteration(store, iterationRow(1, 'accepted'));
  population.insertCandidate(store, candidate('c0002', 2, 'evaluating', 'c0001'));
  population.insertEvaluation(store, validation('c0001', 2, 0.25));
  population.insertEditAttempt(store, {
    iteration: 2, attempt: 1, summary: 's', edits: [], outcome: 'applied', refusalReason: null, message: '', calls: 1, tokens: 1, createdAt,
  });
  return store;
}

describe('population store', () => {
  it('scores candidates by their pooled validation pass rate as of a given iteration', () => {
    const store = storeWithUnfinishedIteration();
    expect(populationAsOf(store, 0)).toEqual([{ id: 'c0000', score: 0.5 }]);
    expect(populationAsOf(store, 1)).toEqual([
      { id: 'c0000', score: 0.625 },
      { id: 'c0001', score: 1 },
    ]);
    // Iteration 2's evaluation of c0001 counts only for waves that start after it.
    expect(population.candidateScores(store).get('c0001')).toEqual({ id: 'c0001', iteration: 1, score: 0.625, accepted: 5, documents: 8, evaluations: 2 });
    store.close();
  });

  it('discards every record of an iteration that has no history row, and nothing else', () => {
    const store = storeWithUnfinishedIteration();
    expect(population.discardUnfinishedIterations(store)).toEqual([2]);
    expect(population.listCandidates(store).map((entry) => entry.id)).toEqual(['c0000', 'c0001']);
    expect(population.listEvaluations(store).map((entry) => `${entry.candidateId}@${entry.iteration}`)).toEqual(['c0000@0', 'c0000@1', 'c0001@1']);
    expect(population.listEditAttempts(store)).toEqual([]);
    expect(population.discardUnfinishedIterations(store)).toEqual([]);
    store.close();
  });

  it('round-trips records, JSON fields included', () => {
    const store = storeWithUnfinishedIteration();
    const analysis: population.AnalysisRecord = {
      iteration: 2, parentId: 'c0001', headline: 'Too easy', analysis: { headline: 'Too easy', failure_modes: [] }, error: null,
      trajectories: 3, calls: 1, tokens: 50, createdAt,
    };
    population.insertAnalysis(store, analysis);
    expect(population.getAnalysis(store, 2)).toEqual(analysis);
    population.setCandidateStatus(store, 'c0002', 'rejected', 'child 0.250 does not exceed parent 0.500');
    expect(population.getCandidate(store, 'c0002')).toMatchObject({ status: 'rejected', reason: 'child 0.250 does not exceed parent 0.500', parentId: 'c0001' });
    expect(population.candidateId(17)).toBe('c0017');
    store.close();
  });
});

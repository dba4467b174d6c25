// The score readers take each row's verdicts from the column insertEvaluation stores (migration 008)
// and read only what the covering index holds. On a store with every kind of row they must give the
// definition's figures (best-candidate.ts, recomputed here from the rows themselves), and an old store
// without 008, read-only, must read the same through the derived expression, before and after migrating.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { bestAfterEachIteration, bestCandidate, candidateScores, populationAsOf } from '../../src/outer/best-candidate.ts';
import { acceptedExamples } from '../../src/outer/events.ts';
import { curvePoints, formatRunStatus, runStatus } from '../../src/outer/inspect-run.ts';
import * as population from '../../src/outer/population-store.ts';
import { RUN_KIND } from '../../src/outer/run-evolution.ts';
import { openStore, recordRun, type Store } from '../../src/store/index.ts';
import { evaluationRow } from './constructed-run.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-verdicts-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
const createdAt = '2026-01-01T00:00:00.000Z';
const FINISHED = 40;

/**
 * 40 finished iterations and one unfinished: children of every status and failed iterations,
 * re-evaluations of earlier candidates, rows with errored documents, rows with nothing accepted
 * (some of them with errors), training and test rows.
 */
function mixedStore(file: string): void {
  const store = openStore(file);
  const rng = seedrandom('stored-verdicts');
  const pick = (n: number) => Math.floor(rng() * n);
  recordRun(store, {
    id: 'run-1', kind: RUN_KIND, name: 'mixed', seed: 0, createdAt,
    config: { outer: { iterations: FINISHED }, budgets: { plateau: { iterations: 3, minImprovement: 'standard-error' } } },
  });
  const made: string[] = [];
  for (let iteration = 0; iteration <= FINISHED; iteration += 1) {
    const failed = iteration > 0 && rng() < 0.1;
    const status = iteration === 0 ? 'accepted' : (['accepted', 'accepted', 'rejected', 'refused'] as const)[pick(4)]!;
    const id = population.candidateId(iteration);
    if (!failed) {
      population.insertCandidate(store, { id, parentId: null, iteration, diff: '', contentHash: null, status, reason: '', editSummary: '', createdAt });
      made.push(id);
    }
    const evaluated = new Set([...(failed ? [] : [id]), ...Array.from({ length: pick(4) }, () => made[pick(made.length)]!)]);
    for (const candidate of evaluated) {
      const verdicts = 1 + pick(8);
      const accepted = rng() < 0.25 ? 0 : pick(verdicts + 1);
      population.insertEvaluation(store, evaluationRow(candidate, iteration, accepted, verdicts, rng() < 0.4 ? 1 + pick(3) : 0));
      population.insertEvaluation(store, evaluationRow(candidate, iteration, pick(verdicts + 1), verdicts, pick(2), 'train'));
    }
    // The last iteration stays unfinished (no history row): status reads its rows, the curve does not.
    if (iteration === FINISHED) break;
    population.insertIteration(store, {
      iteration, parentId: 'c0000', childId: failed ? null : id, analysisHeadline: '', editSummary: '', parentScore: null, childScore: null,
      decision: iteration === 0 ? 'baseline' : failed ? 'failed' : status, reason: '', calls: 1, tokens: 1, finishedAt: createdAt,
    });
  }
  population.insertEvaluation(store, evaluationRow('c0000', FINISHED - 1, 3, 5, 1, 'test'));
  population.insertEvaluation(store, evaluationRow(made[made.length - 2]!, FINISHED - 1, 4, 5, 0, 'test'));
  store.close();
}

interface Figures {
  accepted: number;
  documents: number;
  evaluations: number;
}

/** The definition, from the rows as listed (verdicts = documents less the errored ones). */
function definedScores(store: Store, through: number): Map<string, Figures & { score: number }> {
  const sums = new Map<string, Figures>();
  for (const row of population.listEvaluations(store, { splitPart: 'validation' })) {
    if (row.iteration > through) continue;
    const sum = sums.get(row.candidateId) ?? { accepted: 0, documents: 0, evaluations: 0 };
    sums.set(row.candidateId, { accepted: sum.accepted + row.accepted, documents: sum.documents + row.documents - row.errored, evaluations: sum.evaluations + 1 });
  }
  return new Map([...sums].filter(([, sum]) => sum.documents > 0).map(([id, sum]) => [id, { ...sum, score: sum.accepted / sum.documents }]));
}

function definedBest(store: Store, through: number): string | undefined {
  const scores = definedScores(store, through);
  const eligible = population.listCandidates(store).filter((candidate) => candidate.status === 'accepted' && candidate.iteration <= through && scores.has(candidate.id));
  // listCandidates is in (iteration, id) order, so the first of equal scores is the earlier one.
  return eligible.reduce<string | undefined>((best, candidate) => (best === undefined || scores.get(candidate.id)!.score > scores.get(best)!.score ? candidate.id : best), undefined);
}

/** Everything status, the curve and parent selection read, at every iteration. */
function readings(store: Store) {
  const through = [...Array(FINISHED + 1).keys(), Number.MAX_SAFE_INTEGER];
  return {
    status: formatRunStatus(runStatus(store)),
    curve: curvePoints(store),
    series: bestAfterEachIteration(store),
    scores: through.map((iteration) => [...candidateScores(store, iteration)]),
    best: through.map((iteration) => bestCandidate(store, iteration)),
    populations: through.map((iteration) => populationAsOf(store, iteration)),
    acceptedExamples: acceptedExamples(store),
  };
}

/** The store as autodata wrote it before migrations 008 and 009. */
function withoutMigrations008And009(from: string, to: string): void {
  fs.copyFileSync(from, to);
  const db = new Database(to);
  db.exec(`DROP TRIGGER evaluation_total_insert; DROP TRIGGER evaluation_total_delete; DROP TRIGGER evaluation_total_update; DROP TABLE evaluation_total;
    DROP INDEX evaluation_scores; ALTER TABLE evaluation DROP COLUMN verdicts; DELETE FROM schema_version WHERE version IN (8, 9)`);
  db.close();
}

function summedAccepted(store: Store): number {
  return population.listEvaluations(store).reduce((sum, row) => sum + row.accepted, 0);
}

describe('stored verdicts', () => {
  it('give the scores, the best, the population and the curve of the definition on a store with every kind of row', () => {
    const file = path.join(temp, 'mixed.sqlite');
    mixedStore(file);
    const store = openStore(file, { readonly: true });
    const read = readings(store);
    for (const [index, iteration] of [...Array(FINISHED + 1).keys()].entries()) {
      const defined = definedScores(store, iteration);
      expect(new Map(read.scores[index]!.map(([id, entry]) => [id, { accepted: entry.accepted, documents: entry.documents, evaluations: entry.evaluations, score: entry.score }]))).toEqual(defined);
      expect(read.best[index]?.id).toBe(definedBest(store, iteration));
      const accepted = new Set(population.listCandidates(store).filter((candidate) => candidate.status === 'accepted' && candidate.iteration <= iteration).map((candidate) => candidate.id));
      expect(read.populations[index]).toEqual([...defined].filter(([id]) => accepted.has(id)).map(([id, entry]) => ({ id, score: entry.score })).sort((a, b) => (a.id < b.id ? -1 : 1)));
    }
    expect(read.series.map(({ iteration, best }) => [iteration, best.id])).toEqual(read.series.map(({ iteration }) => [iteration, definedBest(store, iteration)]));
    expect(read.series.map(({ iteration }) => iteration)).toEqual([...Array(FINISHED).keys()]);
    // The mix really has what the derived expression treats apart: rows with nothing accepted and errored documents.
    const validation = population.listEvaluations(store, { splitPart: 'validation' });
    expect(validation.some((row) => row.accepted === 0 && row.errored > 0)).toBe(true);
    expect(validation.some((row) => row.accepted > 0 && row.errored > 0)).toBe(true);
    expect(read.acceptedExamples).toBe(summedAccepted(store));
    store.close();
  });

  it('the kept total of accepted examples follows rows deleted as well as inserted', () => {
    const file = path.join(temp, 'deleted.sqlite');
    mixedStore(file);
    const store = openStore(file);
    expect(population.discardUnfinishedIterations(store)).toEqual([FINISHED]);
    population.deleteEvaluations(store, { iteration: FINISHED - 1, splitPart: 'test' });
    expect(acceptedExamples(store)).toBe(summedAccepted(store));
    expect(acceptedExamples(store)).toBeGreaterThan(0);
    store.close();
  });

  it('an old store without migrations 008 and 009 reads the same, read-only and after migrating', () => {
    const file = path.join(temp, 'current.sqlite');
    mixedStore(file);
    const current = openStore(file, { readonly: true });
    const expected = readings(current);
    current.close();

    const oldFile = path.join(temp, 'old.sqlite');
    withoutMigrations008And009(file, oldFile);
    const old = openStore(oldFile, { readonly: true });
    expect(old.db.prepare(`SELECT name FROM pragma_table_info('evaluation') WHERE name = 'verdicts'`).get()).toBeUndefined();
    expect(readings(old)).toEqual(expected);
    old.close();

    const migrated = openStore(oldFile);
    expect(migrated.db.prepare('SELECT COUNT(*) FROM evaluation WHERE verdicts IS NULL').pluck().get()).toBe(0);
    expect(readings(migrated)).toEqual(expected);
    migrated.close();
  });
});

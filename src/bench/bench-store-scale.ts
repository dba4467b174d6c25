// Store scale: a synthetic population written straight into a real SQLite store (10,000
// candidates, about a million evaluation rows in the full mode), then the three reads a long run
// does all the time, each timed: `status` (runStatus), the curve (curvePoints) and parent
// selection (the population as of the last iteration, then selectParent). The median of a few
// repetitions is reported with the database's size.
import { statSync } from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { parseExperiment } from '../config/experiment.ts';
import { curvePoints, runStatus } from '../outer/inspect-run.ts';
import {
  candidateId, insertCandidate, insertEvaluation, insertIteration, populationAsOf, RUN_KIND, selectParent,
  type CandidateStatus, type OutcomeSummary,
} from '../outer/index.ts';
import { recordRun } from '../store/run.ts';
import { openStore, withTransaction, type Store } from '../store/index.ts';
import { inTempDir, timed } from './bench-fixtures.ts';
import type { BenchFigure } from './bench-report.ts';

export interface StoreScaleOptions {
  candidates: number;
  /** Candidates re-evaluated per iteration (one validation and one training row each): rows ~ 2 x candidates x this. */
  evaluatedPerIteration: number;
  /** Documents per evaluation row (their outcome summaries are the row's JSON). */
  documentsPerEvaluation: number;
  repetitions: number;
  log: (line: string) => void;
}

export async function benchStoreScale(options: StoreScaleOptions): Promise<BenchFigure[]> {
  const { log } = options;
  return inTempDir(async (dir) => {
    const file = path.join(dir, 'run.sqlite');
    const store = openStore(file);
    log(`store scale: writing ${options.candidates} candidates, ~${2 * options.candidates * options.evaluatedPerIteration} evaluation rows`);
    const written = await timed(async () => writePopulation(store, options));
    const rows = written.value;
    const median = (seconds: number[]) => [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)]! * 1000;
    const time = async (work: () => unknown) => {
      const runs: number[] = [];
      for (let index = 0; index < options.repetitions; index += 1) runs.push((await timed(async () => work())).seconds);
      return median(runs);
    };
    const last = options.candidates - 1;
    const rng = seedrandom('bench-store-scale');
    log('store scale: status, curve, parent selection');
    const statusMs = await time(() => runStatus(store));
    const curveMs = await time(() => curvePoints(store));
    const selectionMs = await time(() => selectParent(populationAsOf(store, last), rng, { kind: 'boltzmann', temperature: 0.1 }));
    store.close();
    const sizeMb = statSync(file).size / 1e6;
    const note = `${options.candidates} candidates, ${rows} evaluation rows, ${options.documentsPerEvaluation} docs per row; median of ${options.repetitions}`;
    const goal = { at: 'most' as const, value: 200 };
    return [
      { id: 'store.statusMillis', section: 'store scale', label: 'status of the run', value: statusMs, unit: 'ms', goal, note },
      { id: 'store.curveMillis', section: 'store scale', label: 'curve (best after every iteration)', value: curveMs, unit: 'ms', goal, note },
      { id: 'store.parentSelectionMillis', section: 'store scale', label: 'parent selection (population as of the last iteration)', value: selectionMs, unit: 'ms', goal, note },
      { id: 'store.sizeMb', section: 'store scale', label: 'database size', value: sizeMb, unit: 'MB', note: `written in ${written.seconds.toFixed(1)} s` },
    ];
  });
}

/** Iteration i makes candidate c<i> (a fifth accepted) and re-evaluates the newest candidates; returns the evaluation rows written. */
function writePopulation(store: Store, options: StoreScaleOptions): number {
  const rng = seedrandom('bench-store-population');
  const createdAt = '2026-01-01T00:00:00.000Z';
  const config = parseExperiment(
    { name: 'bench-store-scale', baseline: 'baseline', metaPrompts: 'meta', documents: 'docs', split: 'split.json', endpoints: 'sim' },
    'bench',
  );
  recordRun(store, { id: 'bench-store-scale', kind: RUN_KIND, name: 'bench-store-scale', config, seed: 0, createdAt });
  let rows = 0;
  // Iterations are written in batches of transactions (a real run commits one per iteration; the reads timed are the same).
  const batch = 250;
  for (let first = 0; first < options.candidates; first += batch) {
    withTransaction(store, () => {
      for (let iteration = first; iteration < Math.min(first + batch, options.candidates); iteration += 1) writeIteration(iteration);
    });
  }
  return rows;

  function writeIteration(iteration: number): void {
    const id = candidateId(iteration);
    const status: CandidateStatus = iteration === 0 || rng() < 0.2 ? 'accepted' : rng() < 0.9 ? 'rejected' : 'refused';
    insertCandidate(store, { id, parentId: iteration === 0 ? null : candidateId(Math.floor(rng() * iteration)), iteration, diff: '', contentHash: null, status, reason: '', editSummary: '', createdAt });
    for (let member = Math.max(0, iteration - options.evaluatedPerIteration + 1); member <= iteration; member += 1) {
      for (const splitPart of ['validation', 'train'] as const) {
        insertEvaluation(store, evaluationRow(candidateId(member), iteration, splitPart, options.documentsPerEvaluation, rng, createdAt));
        rows += 1;
      }
    }
    insertIteration(store, {
      iteration, parentId: candidateId(0), childId: id, analysisHeadline: 'synthetic', editSummary: 'synthetic',
      parentScore: 0.5, childScore: 0.5, decision: iteration === 0 ? 'baseline' : status === 'accepted' ? 'accepted' : status === 'refused' ? 'refused' : 'rejected',
      reason: '', calls: 100, tokens: 100_000, finishedAt: createdAt,
    });
  }
}

function evaluationRow(candidate: string, iteration: number, splitPart: 'validation' | 'train', documents: number, rng: () => number, createdAt: string) {
  const outcomes: OutcomeSummary[] = Array.from({ length: documents }, (_, index) => {
    const accepted = rng() < 0.6;
    return {
      documentId: `doc-${index}`, accepted, acceptedRound: accepted ? 1 + Math.floor(rng() * 5) : null, totalRounds: 5,
      weakMean: 0.3, strongMean: 0.8, gap: 0.5, calls: 40, tokens: 40_000,
    };
  });
  const accepted = outcomes.filter((outcome) => outcome.accepted).length;
  return {
    candidateId: candidate, iteration, splitPart, repeat: iteration, seed: 0, passRate: accepted / documents, documents, errored: 0, accepted,
    calls: 40 * documents, tokens: 40_000 * documents, outcomes, createdAt,
  };
}

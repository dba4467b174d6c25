// budgets.plateau: constructed histories that reach the plateau and that do not, and a small sim run
// that stops with 'plateau' (its end line, status, and a resume that agrees).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperiment } from '../../src/config/experiment.ts';
import { describeEvent } from '../../src/outer/event-lines.ts';
import type { EvolveEvent } from '../../src/outer/events.ts';
import { formatRunStatus, runStatus } from '../../src/outer/inspect-run.ts';
import { checkPlateau, standardErrorOfDifference, type PlateauRule } from '../../src/outer/plateau.ts';
import * as population from '../../src/outer/population-store.ts';
import { runEvolution } from '../../src/outer/run-evolution.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { evaluationRow, writeRun, type EvaluationSpec } from './constructed-run.ts';
import { loadTiny, runInProcess, writeTinyExperiment } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-plateau-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
let stores = 0;

/**
 * A run whose iteration i (1..scores.length) evaluates its parent c0000 again (15 of 25) and a child
 * with scores[i - 1] of 25 accepted; the child is accepted when that beats the parent's evaluation.
 */
function history(scores: number[]): Store {
  const store = openStore(path.join(temp, `history-${(stores += 1)}.sqlite`));
  return writeRun(store, [
    { child: 'accepted', evaluations: [['c0000', 15, 25]], decision: 'baseline' },
    ...scores.map((score, index) => {
      const accepted = score > 15;
      return {
        child: accepted ? ('accepted' as const) : ('rejected' as const),
        evaluations: [['c0000', 15, 25], [population.candidateId(index + 1), score, 25]] satisfies EvaluationSpec[],
        decision: accepted ? ('accepted' as const) : ('rejected' as const),
      };
    }),
  ]);
}

const noise: PlateauRule = { iterations: 3, minImprovement: 'standard-error' };

describe('the plateau rule on constructed histories', () => {
  it('is reached when no child of the last K iterations beats the earlier best by more than one standard error', () => {
    // c0001 (20/25) leads; iterations 2-4 bring children of 16, 21 and 14: c0003's +0.04 is within the noise.
    const store = history([20, 16, 21, 14]);
    const check = checkPlateau(store, noise, 4)!;
    expect(check.reached).toBe(true);
    expect(check.reference.id).toBe('c0001');
    expect(check.newcomer!.standing.id).toBe('c0003');
    expect(check.newcomer!.improvement).toBeCloseTo(0.04, 12);
    expect(check.newcomer!.margin).toBeCloseTo(standardErrorOfDifference({ accepted: 21, documents: 25 }, { accepted: 20, documents: 25 }), 12);
    // Before K iterations have run after the baseline there is no verdict.
    expect(checkPlateau(store, { iterations: 5, minImprovement: 'standard-error' }, 4)).toBeUndefined();
    store.close();
  });

  it('is not reached while a child of the last K iterations beats the earlier best by more than the margin', () => {
    const store = history([20, 16, 25, 14]);
    const check = checkPlateau(store, noise, 4)!;
    expect(check.reached).toBe(false);
    expect(check.newcomer!.standing.id).toBe('c0003');
    expect(check.newcomer!.improvement).toBeGreaterThan(check.newcomer!.margin);
    // A fixed margin is a threshold in pass-rate points: +0.04 clears 0.03 and not 0.04.
    const small = history([20, 16, 21, 14]);
    expect(checkPlateau(small, { iterations: 3, minImprovement: 0.03 }, 4)!.reached).toBe(false);
    expect(checkPlateau(small, { iterations: 3, minImprovement: 0.04 }, 4)!.reached).toBe(true);
    // The window slides: once the improving child is older than K iterations, the plateau returns.
    const later = history([20, 16, 25, 14, 18, 24, 22]);
    expect(checkPlateau(later, noise, 5)!.reached).toBe(false);
    expect(checkPlateau(later, noise, 7)!.reached).toBe(true);
    for (const opened of [store, small, later]) opened.close();
  });

  it('reads only validation rows recorded by the iteration it checks', () => {
    const store = history([20, 16, 21, 14]);
    // A perfect held-out test of c0004 and a later re-evaluation of c0003 do not change the verdict after iteration 4.
    population.insertEvaluation(store, evaluationRow('c0004', 5, 25, 25, 0, 'test'));
    population.insertEvaluation(store, evaluationRow('c0003', 5, 25, 25));
    expect(checkPlateau(store, noise, 4)!.reached).toBe(true);
    expect(checkPlateau(store, noise, 5)!.newcomer!.standing).toMatchObject({ id: 'c0003', accepted: 46, documents: 50 });
    store.close();
  });

  it('is off by default and validated when set', () => {
    const base = { name: 'x', endpoints: 'sim' };
    expect(parseExperiment(base, 'test').budgets.plateau).toBeNull();
    expect(parseExperiment({ ...base, budgets: { plateau: { iterations: 30 } } }, 'test').budgets.plateau).toEqual({ iterations: 30, minImprovement: 'standard-error' });
    expect(() => parseExperiment({ ...base, budgets: { plateau: { iterations: 0 } } }, 'test')).toThrow(/budgets\.plateau\.iterations/);
  });
});

describe('the plateau rule in a run', () => {
  it('stops the sim run with plateau; the end line and status say so, and a resume agrees', async () => {
    // A margin of 1 can never be cleared: the first check after K = 2 iterations stops the run.
    const file = writeTinyExperiment(temp, 'flat', { budgets: { plateau: { iterations: 2, minImprovement: 1 } } });
    const runDir = path.join(temp, 'flat-run');
    const events: EvolveEvent[] = [];
    const experiment = loadTiny(file, { iterations: 6 });
    const result = await runEvolution({
      experiment,
      documents: resolveDocuments(experiment.paths.documents).documents,
      runDir,
      resume: false,
      createLlm: (store) => createAppLlm({ endpoints: defaultSimEndpoints(), store, simSeed: 0, cacheMode: 'use' }),
      emit: (event) => events.push(event),
    });
    expect(result.stopReason).toBe('plateau');
    expect(result.progress.iterationsDone).toBe(2);
    const end = events.find((event) => event.type === 'run-stopped')!;
    const [endLine, why] = describeEvent(end)!.split('\n');
    expect(endLine!.startsWith('stopped (plateau) | 2/6 done, best ')).toBe(true);
    expect(why!.startsWith('plateau (K 2, margin 1.000): reached after iteration 2: ')).toBe(true);

    const store = openStore(result.storePath, { readonly: true });
    const text = formatRunStatus(runStatus(store));
    store.close();
    expect(text).toMatch(/^plateau \(K 2, margin 1\.000\): reached after iteration 2: /m);

    const resumed = await runInProcess(loadTiny(file, { iterations: 6 }), runDir, { resume: true });
    expect([resumed.stopReason, resumed.progress.iterationsDone]).toEqual(['plateau', 2]);
  }, 120_000);
});

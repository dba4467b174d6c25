// `autodata replay`: the racing and plateau rules replayed over a stored run, held against live runs
// of the same experiment on the in-process sim. The experiment is small and cheap (the single-shot
// CoT baseline, 6 validation documents, 6 iterations in waves of 2) and, as in racing-evolve.test.ts,
// nothing downstream reads a validation score (uniform parent selection, history hidden), so a raced
// run takes the same decisions on the same parents as the full one and its prefixes can be compared
// iteration by iteration with the replay's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { ExperimentInput } from '../../src/config/experiment.ts';
import { readRun } from '../../src/outer/inspect-run.ts';
import { listEvaluations, listIterations, type IterationRecord } from '../../src/outer/population-store.ts';
import type { RunEvolutionResult } from '../../src/outer/run-evolution.ts';
import { replayPlateau } from '../../src/workflow/replay-plateau.ts';
import { replayRacing, type PairedValidation } from '../../src/workflow/replay-racing.ts';
import { recordedValidations } from '../../src/workflow/replay-run.ts';
import { loadTiny, repoRoot, runInProcess, writeTinyExperiment } from '../outer/support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-replay-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

// With seed 5 the plateau rule below is checked after iteration 2 (the waves start after 0 and 2, and
// evolve does not check after its last) and is reached there, two iterations before the run's end
// (iteration 1's child is accepted but does not beat the baseline by a standard error). Pinned after
// the sim's retune (26e634c), under which seed 2 accepts a child at iteration 2 that does, and runs on.
const PLATEAU = { iterations: 2, minImprovement: 'standard-error' as const };

function experiment(name: string, changes: { racing?: 'off' | 'exact'; plateau?: typeof PLATEAU } = {}): string {
  const input: Partial<ExperimentInput> = {
    baseline: path.join(repoRoot, 'baselines/cot-self-instruct'),
    seed: 5,
    inner: { documentConcurrency: 3 },
    outer: {
      iterations: 4, concurrentIterations: 2, trainMinibatchSize: 1, validationLimit: 6, parentSelection: { kind: 'uniform' },
      historyLimit: 0, acceptance: { kind: 'strict' }, implementerRetries: 1, finalTest: false, racing: changes.racing ?? 'off',
    },
    ...(changes.plateau ? { budgets: { plateau: changes.plateau } } : {}),
  };
  return writeTinyExperiment(temp, name, input);
}

const runs: Record<'full' | 'raced' | 'plateau', { dir: string; result: RunEvolutionResult }> = {} as never;

beforeAll(async () => {
  const start = async (key: keyof typeof runs, file: string) => {
    const dir = path.join(temp, key);
    runs[key] = { dir, result: await runInProcess(loadTiny(file), dir) };
  };
  await Promise.all([
    start('full', experiment('replay-full')),
    start('raced', experiment('replay-raced', { racing: 'exact' })),
    start('plateau', experiment('replay-plateau', { plateau: PLATEAU })),
  ]);
}, 120_000);

/** The command line in process (a spawned CLI pays for loading TypeScript again): exit code and output. */
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const output = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      output[stream] += String(chunk);
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['replay', ...args]);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const status = Number(process.exitCode ?? 0);
  process.exitCode = exitCode;
  return { status, ...output };
}

const iterationsOf = (dir: string): IterationRecord[] => readRun(dir, listIterations);

describe('replay racing', () => {
  it('with exact racing keeps every recorded decision and stops where a live raced run stopped, on the same documents', () => {
    const { setup, validations } = readRun(runs.full.dir, (store) => recordedValidations(store, runs.full.dir));
    const replay = replayRacing(validations, setup, { racing: 'exact', acceptance: setup.acceptance, inFlight: 2 });
    expect(replay.iterations).toBe(iterationsOf(runs.full.dir).filter((record) => record.decision === 'accepted' || record.decision === 'rejected').length);
    expect(replay.iterations).toBeGreaterThan(0);
    expect(replay.sameDecisions).toBe(replay.iterations);
    expect(replay.differing).toEqual([]);
    expect(replay.meanDocumentsRead).toBeLessThanOrEqual(6);
    expect(replay.savedWithInFlight).toBeLessThanOrEqual(replay.savedOnPrefix);

    // The live raced run recorded, per iteration, the prefix it read: the replay must read the same documents in the same order.
    const raced = readRun(runs.raced.dir, (store) => listEvaluations(store, { splitPart: 'validation' }));
    const racedDecisions = new Map(iterationsOf(runs.raced.dir).map((record) => [record.iteration, record]));
    for (const entry of replay.perIteration) {
      const validation = validations.find((candidate) => candidate.iteration === entry.iteration)!;
      const live = raced.find((row) => row.iteration === entry.iteration && row.candidateId === validation.childId)!;
      expect(live.outcomes.map((outcome) => outcome.documentId)).toEqual(validation.child.slice(0, entry.documentsRead).map((outcome) => outcome.documentId));
      expect(racedDecisions.get(entry.iteration)!.decision).toBe(entry.accepted ? 'accepted' : 'rejected');
    }
  });

  it('with futility at a high error rate reads fewer documents', () => {
    const { setup, validations } = readRun(runs.full.dir, (store) => recordedValidations(store, runs.full.dir));
    const options = { acceptance: setup.acceptance, inFlight: 0 };
    const exact = replayRacing(validations, setup, { racing: 'exact', ...options });
    const futility = replayRacing(validations, setup, { racing: { kind: 'futility', errorRate: 0.9 }, ...options });
    expect(futility.meanDocumentsRead).toBeLessThan(exact.meanDocumentsRead);
    expect(futility.savedOnPrefix).toBeGreaterThan(exact.savedOnPrefix);
    // With no document in flight, what the prefix saves is all that is saved.
    expect(futility.savedWithInFlight).toBe(futility.savedOnPrefix);
  });

  it('on the command line: a table, JSON, and one line for a raced run', async () => {
    const json = await cli('racing', runs.full.dir, '--racing', 'exact', '--racing', 'futility:0.9', '--acceptance', 'paired-test', '--json');
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as { replays: Array<{ racing: unknown; acceptance: unknown; reference: string; sameDecisions: number; iterations: number }> };
    expect(parsed.replays.map((replay) => replay.racing)).toEqual(['exact', { kind: 'futility', errorRate: 0.9 }]);
    // Another rule than the run's: decisions are held against the full validation's under it, which exact always keeps.
    expect(parsed.replays[0]).toMatchObject({ acceptance: { kind: 'paired-test', alpha: 0.05 }, reference: 'full evaluation' });
    expect(parsed.replays[0]!.sameDecisions).toBe(parsed.replays[0]!.iterations);

    const table = await cli('racing', runs.full.dir);
    expect(table.stdout).toMatch(/^exact +\d+\/\d+ +none +\d\.\d of 6 /m);
    expect(table.stdout).toMatch(/^futility:0\.05 /m);

    const refused = await cli('racing', runs.raced.dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*: replay needs a run evaluated in full \(racing off\); this run raced \(outer\.racing "exact"\)\n$/);
    const badFlag = await cli('racing', runs.full.dir, '--racing', 'futility:2');
    expect(badFlag.stderr).toBe('error: --racing: expected exact or futility[:RATE] with 0 < RATE < 1, got "futility:2"\n');
  });
});

describe('replay plateau', () => {
  it('stops after the iteration a live run with the same rule stopped, having paid the same calls', () => {
    const live = runs.plateau.result;
    expect(live.stopReason).toBe('plateau');
    const replay = readRun(runs.full.dir, (store) => replayPlateau(store, PLATEAU));
    expect(replay.stop?.afterIteration).toBe(live.progress.iterationsDone);
    expect(replay.stop!.afterIteration).toBeLessThan(replay.lastIteration);
    // The rule only stops: up to its stop the live run is the full run, iteration for iteration
    // (same seeds, same parents, same episodes), so it paid exactly the calls the replay counts.
    const liveIterations = iterationsOf(runs.plateau.dir);
    const strip = ({ finishedAt: _finishedAt, ...record }: IterationRecord) => record;
    expect(liveIterations.map(strip)).toEqual(iterationsOf(runs.full.dir).filter((record) => record.iteration <= replay.stop!.afterIteration).map(strip));
    expect(replay.callsByStop).toBe(liveIterations.reduce((sum, record) => sum + record.calls, 0));
    expect(replay.callsByStop).toBeLessThan(replay.callsAllIterations);
    expect(replay.bestAtStop?.id).toBe(readRun(runs.plateau.dir, (store) => replayPlateau(store, PLATEAU)).finalBest?.id);
  });

  it('on the command line', async () => {
    const result = await cli('plateau', runs.full.dir, '--iterations', String(PLATEAU.iterations), '--json');
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { stop: { afterIteration: number } }).stop.afterIteration).toBe(runs.plateau.result.progress.iterationsDone);
  });
});

describe('the racing walk on a constructed validation', () => {
  it('settles once the lead exceeds the documents left, and counts the calls past the prefix', () => {
    // Six documents of 10 calls per side; the child alone passes the first four. Under the strict
    // rule a lead of 4 with 2 left is settled after the fourth document.
    const side = (passes: boolean[]) => passes.map((accepted, index) => ({
      documentId: `d${index}`, accepted, acceptedRound: null, totalRounds: 1, weakMean: null, strongMean: null, gap: null, calls: 10, tokens: 0,
    }));
    const validation: PairedValidation = {
      iteration: 1, parentId: 'c0000', childId: 'c0001', recordedAccepted: true,
      parent: side([false, false, false, false, true, true]), child: side([true, true, true, true, true, false]),
    };
    const setup = { seed: 0, acceptance: { kind: 'strict' as const }, maxErroredFraction: 0.2, documentConcurrency: 2 };
    const replay = replayRacing([validation], setup, { racing: 'exact', acceptance: setup.acceptance, inFlight: 1 });
    expect(replay.perIteration[0]).toMatchObject({ documentsRead: 4, accepted: true, reference: true, calls: 120, savedOnPrefix: 40, savedWithInFlight: 20 });
  });
});

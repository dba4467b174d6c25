import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints, endpointId, type Endpoints } from '../../src/config/endpoints.ts';
import { ConfigError } from '../../src/errors.ts';
import { applyHarnessDiff, diffFiles, loadHarness } from '../../src/harness/index.ts';
import type { Llm, StructuredRequest } from '../../src/llm/types.ts';
import { curvePoints, runStatus } from '../../src/outer/inspect-run.ts';
import { runEvolution } from '../../src/outer/run-evolution.ts';
import * as population from '../../src/outer/population-store.ts';
import { openStore } from '../../src/store/index.ts';
import { startScriptedEndpoint } from '../support/scripted-endpoint.ts';
import { bin, loadTiny, repoRoot, runInProcess, snapshotPopulation, writeTinyExperiment, type PopulationSnapshot } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const experimentFile = writeTinyExperiment(temp, 'tiny');
const baseline = loadHarness(path.join(repoRoot, 'baselines/agentic-self-instruct'));
let reference: PopulationSnapshot;
const referenceDir = path.join(temp, 'reference');

beforeAll(async () => {
  await runInProcess(loadTiny(experimentFile), referenceDir);
  reference = snapshotPopulation(path.join(referenceDir, 'run.sqlite'));
}, 120_000);

describe('evolve on the in-process sim', () => {
  it('records the baseline and every iteration, each child with its evaluations', () => {
    expect(reference.iterations.map((record) => [record.iteration, record.decision === 'baseline'])).toEqual([
      [0, true],
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(reference.candidates.map((candidate) => candidate.id)).toEqual(['c0000', 'c0001', 'c0002', 'c0003']);
    for (const record of reference.iterations.filter((entry) => entry.iteration > 0)) {
      // Every child of this seed is evaluated (none refused, none failed), so every check below runs.
      expect(['accepted', 'rejected']).toContain(record.decision);
      const evaluations = reference.evaluations.filter((evaluation) => evaluation.iteration === record.iteration);
      const parts = evaluations.map((evaluation) => `${evaluation.candidateId}/${evaluation.splitPart}`).sort();
      // Parent on the training minibatch, then parent and child on the same validation documents.
      expect(parts).toEqual([`${record.childId}/validation`, `${record.parentId}/train`, `${record.parentId}/validation`].sort());
      const [first, second] = evaluations.filter((evaluation) => evaluation.splitPart === 'validation');
      expect(first!.outcomes.map((outcome) => (outcome as { documentId: string }).documentId)).toEqual(
        second!.outcomes.map((outcome) => (outcome as { documentId: string }).documentId),
      );
      expect(first!.outcomes).toHaveLength(3);
      expect([first!.repeat, second!.repeat]).toEqual([record.iteration, record.iteration]);
      const candidate = reference.candidates.find((entry) => entry.id === record.childId);
      expect(candidate?.status).toBe(record.decision);
    }
    for (const evaluation of reference.evaluations) {
      expect(evaluation.documents).toBe(evaluation.splitPart === 'train' ? 2 : 3);
    }
  });

  it('commits every evaluated candidate to the run workspace', () => {
    const branches = execFileSync('git', ['branch', '--list', 'candidate/*', '--format=%(refname:short)'], {
      cwd: path.join(referenceDir, 'workspace'),
      encoding: 'utf8',
    });
    const evaluated = reference.candidates.filter((candidate) => candidate.iteration > 0 && candidate.status !== 'refused');
    expect(branches.trim().split('\n').sort()).toEqual(['candidate/baseline', ...evaluated.map((candidate) => `candidate/${candidate.id}`)].sort());
  });

  it('draws a curve point per iteration that never falls below the best score of its time', () => {
    const store = openStore(path.join(referenceDir, 'run.sqlite'), { readonly: true });
    const points = curvePoints(store);
    const scores = population.candidateScores(store);
    store.close();
    expect(points.map((point) => point.iteration)).toEqual([0, 1, 2, 3]);
    expect(points.at(-1)!.best).toBe(Math.max(...[...scores.entries()].filter(([id]) => reference.candidates.find((c) => c.id === id)?.status === 'accepted').map(([, entry]) => entry.score)));
  });

  it('refuses to start over a folder that already holds a run', async () => {
    await expect(runInProcess(loadTiny(experimentFile), referenceDir)).rejects.toThrow(
      new ConfigError(referenceDir, 'already holds a run; pass --resume to continue it, or --name / --out to start a new run elsewhere'),
    );
  });

  it('reaches the identical population with the same seed', async () => {
    const again = path.join(temp, 'again');
    await runInProcess(loadTiny(experimentFile), again);
    expect(snapshotPopulation(path.join(again, 'run.sqlite'))).toEqual(reference);
  }, 120_000);

  it('differs with another seed, and shows a refused edit in status', async () => {
    // The implementer of this run always tries to weaken the weak solver: a protected file.
    const weakSolverFirstLine = baseline.files['prompts/weak-solver.md']!.split('\n')[0]!;
    const tamperingImplementer = (llm: Llm): Llm => ({
      text: (request) => llm.text(request),
      usageByRole: () => llm.usageByRole(),
      structuredMode: (role) => llm.structuredMode(role),
      structured: async <T,>(request: StructuredRequest<T>) => {
        if (request.role !== 'implementer') return llm.structured(request);
        const value = {
          summary: 'Make the weak solver answer briefly.',
          edits: [{ file: 'prompts/weak-solver.md', search: weakSolverFirstLine, replace: `${weakSolverFirstLine}\nAnswer briefly.` }],
        };
        const usage = { role: request.role, endpointId: 'test', model: 'test', promptTokens: 1, completionTokens: 1, reasoningTokens: 0, latencyMs: 0, attempts: 1, cacheHit: false, reasked: false };
        return { ok: true as const, value: value as T, usage };
      },
    });
    const otherDir = path.join(temp, 'other-seed');
    await runInProcess(loadTiny(experimentFile, { seed: 1, iterations: 1 }), otherDir, { wrapLlm: tamperingImplementer });
    const other = snapshotPopulation(path.join(otherDir, 'run.sqlite'));
    const baselineOutcomes = (snapshot: PopulationSnapshot) => snapshot.evaluations.find((evaluation) => evaluation.iteration === 0)!.outcomes;
    expect(baselineOutcomes(other)).not.toEqual(baselineOutcomes(reference));

    expect(other.iterations[1]).toMatchObject({ iteration: 1, childId: 'c0001', decision: 'refused' });
    expect(other.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.refusalReason])).toEqual([
      [1, 'refused', 'protected-file'],
      [2, 'refused', 'protected-file'],
    ]);
    const store = openStore(path.join(otherDir, 'run.sqlite'), { readonly: true });
    const status = runStatus(store);
    store.close();
    expect(status.candidatesByStatus).toEqual({ evaluating: 0, accepted: 1, rejected: 0, refused: 1 });

    const printed = execFileSync(process.execPath, [bin, 'status', otherDir], { cwd: repoRoot, encoding: 'utf8' });
    expect(printed).toContain('candidates: evaluating 0, accepted 1, rejected 0, refused 1');
    expect(printed).toContain(
      'Iteration 1: edit to c0000 REFUSED: protected-file: edit 1: prompts/weak-solver.md is protected (it defines how the harness is evaluated); edit another file (after 2 attempts).',
    );
    expect(printed).toContain('  iteration 1 attempt 2: protected-file: edit 1: prompts/weak-solver.md is protected');
  }, 120_000);

  it('resumes after a kill in the middle of an iteration and reaches the same population', async () => {
    const killedDir = path.join(temp, 'killed');
    const storePath = path.join(killedDir, 'run.sqlite');
    const child = spawn(process.execPath, [bin, 'evolve', experimentFile, '--out', killedDir], { cwd: repoRoot, stdio: 'ignore' });
    const exited = once(child, 'exit');
    // Kill once iteration 1 is on record and a later iteration has partial records (it is in flight).
    const progress = await waitFor(() => recordedProgress(storePath), (state) => state.finished.includes(1) && state.partial.length > 0);
    child.kill('SIGKILL');
    await exited;
    expect(progress.finished).not.toContain(3);

    const resumed = execFileSync(process.execPath, [bin, 'evolve', experimentFile, '--out', killedDir, '--resume'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(resumed).toContain(`run tiny stored in ${killedDir}`);
    expect(snapshotPopulation(storePath)).toEqual(reference);
  }, 120_000);
});

describe('evolve with an implementer that edits a protected file first', () => {
  it('refuses every protected edit, so the protected files stay byte-identical in every candidate', async () => {
    // A real endpoint on loopback plays the implementer: its first attempt in every iteration edits
    // the judge (protected), its retry edits the challenger (editable). Every other role is the sim.
    const heading = (file: string) => baseline.files[file]!.split('\n').find((line) => line.startsWith('# '))!;
    const judgeHeading = heading('prompts/judge.md');
    const challengerHeading = heading('prompts/challenger.md');
    expect([judgeHeading, challengerHeading]).toEqual(['# Grader', '# Challenger']);
    const implementer = await startScriptedEndpoint((request) => {
      if (request.schemaName !== 'harness_edits') return { status: 400, message: `unexpected request ${request.schemaName}` };
      const firstAttempt = request.messages.filter((message) => message.role === 'user').length === 1;
      return {
        json: firstAttempt
          ? { summary: 'Let the judge be lenient.', edits: [{ file: 'prompts/judge.md', search: judgeHeading, replace: `${judgeHeading}\nGive credit generously.` }] }
          : { summary: 'Ask about one finding.', edits: [{ file: 'prompts/challenger.md', search: challengerHeading, replace: `${challengerHeading}\nAsk about one specific finding.` }] },
      };
    });
    const sim = defaultSimEndpoints();
    const endpoints: Endpoints = {
      ...sim,
      roles: { ...sim.roles, implementer: { ...sim.roles.implementer, baseURL: implementer.baseURL, model: 'test-agent', id: endpointId(implementer.baseURL, 'test-agent'), maxRetries: 0 } },
    };
    const runDir = path.join(temp, 'guarded');
    const experiment = loadTiny(writeTinyExperiment(temp, 'guarded'), { iterations: 2 });
    try {
      await runEvolution({
        experiment,
        documents: resolveDocuments(experiment.paths.documents).documents,
        runDir,
        resume: false,
        createLlm: (store) => createAppLlm({ endpoints, store, simSeed: experiment.config.simSeed, cacheMode: 'use' }),
      });
    } finally {
      await implementer.close();
    }
    const run = snapshotPopulation(path.join(runDir, 'run.sqlite'));
    expect(run.attempts.map((attempt) => [attempt.iteration, attempt.attempt, attempt.outcome, attempt.refusalReason])).toEqual([
      [1, 1, 'refused', 'protected-file'],
      [1, 2, 'applied', null],
      [2, 1, 'refused', 'protected-file'],
      [2, 2, 'applied', null],
    ]);
    expect(implementer.requests).toHaveLength(4);
    expect(run.attempts[0]!.message).toBe('edit 1: prompts/judge.md is protected (it defines how the harness is evaluated); edit another file');
    // Both children were evaluated (the retry's edit went through), so the check below covers real candidates.
    const children = run.candidates.filter((candidate) => candidate.iteration > 0);
    expect(children.map((candidate) => [candidate.id, candidate.status === 'accepted' || candidate.status === 'rejected'])).toEqual([
      ['c0001', true],
      ['c0002', true],
    ]);
    for (const candidate of run.candidates) {
      expect(diffFiles(candidate.diff).filter((file) => baseline.manifest.protectedFiles.includes(file))).toEqual([]);
      const files = applyHarnessDiff(baseline.files, candidate.diff);
      // The committed workspace branch too: what an evaluation actually ran.
      const branch = candidate.iteration === 0 ? 'candidate/baseline' : `candidate/${candidate.id}`;
      for (const file of [...baseline.manifest.protectedFiles, 'manifest.json']) {
        expect(files[file], `${candidate.id} ${file}`).toBe(baseline.files[file]);
        const committed = execFileSync('git', ['show', `${branch}:${file}`], { cwd: path.join(runDir, 'workspace'), encoding: 'utf8' });
        expect(committed, `${branch} ${file}`).toBe(baseline.files[file]);
      }
    }
    for (const child of children) expect(applyHarnessDiff(baseline.files, child.diff)['prompts/challenger.md']).toContain('Ask about one specific finding.');
  }, 120_000);
});

interface RecordedProgress {
  finished: number[];
  /** Iterations with records but no history row yet. */
  partial: number[];
}

/** Reads a store another process is writing; undefined until its tables exist. */
function recordedProgress(storePath: string): RecordedProgress | undefined {
  if (!fs.existsSync(storePath)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(storePath, { readonly: true, fileMustExist: true });
    const finished = (db.prepare('SELECT iteration FROM iteration ORDER BY iteration').all() as Array<{ iteration: number }>).map((row) => row.iteration);
    const partial = (
      db
        .prepare('SELECT DISTINCT iteration FROM evaluation WHERE iteration NOT IN (SELECT iteration FROM iteration) ORDER BY iteration')
        .all() as Array<{ iteration: number }>
    ).map((row) => row.iteration);
    return { finished, partial };
  } catch {
    return undefined; // not migrated yet
  } finally {
    db?.close();
  }
}

async function waitFor<T>(read: () => T | undefined, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

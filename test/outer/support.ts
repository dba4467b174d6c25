// Shared helpers of the outer-loop tests: a tiny experiment on the in-process sim, and a snapshot
// of a run's population without timestamps and costs (a resumed run pays less for the same result).
import fs from 'node:fs';
import path from 'node:path';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { loadExperiment, type ExperimentInput, type LoadedExperiment } from '../../src/config/experiment.ts';
import type { Llm } from '../../src/llm/types.ts';
import type { FaultSpec } from '../../src/sim/index.ts';
import * as population from '../../src/outer/population-store.ts';
import { runEvolution, type RunEvolutionResult } from '../../src/outer/run-evolution.ts';
import { openStore } from '../../src/store/index.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(repoRoot, 'bin/autodata.js');

/** Writes a small experiment (absolute paths, so it runs from any folder) and returns its file. */
export function writeTinyExperiment(folder: string, name: string, changes: Partial<ExperimentInput> = {}): string {
  const experiment: ExperimentInput = {
    name,
    baseline: path.join(repoRoot, 'baselines/agentic-self-instruct'),
    metaPrompts: path.join(repoRoot, 'baselines/meta-optimizer'),
    documents: 'sim:cs?n=100&seed=0',
    split: path.join(repoRoot, 'splits/sim-cs.json'),
    endpoints: 'sim',
    simSeed: 0,
    seed: 0,
    inner: { documentConcurrency: 3 },
    outer: {
      iterations: 3,
      concurrentIterations: 2,
      trainMinibatchSize: 2,
      validationLimit: 3,
      parentSelection: { kind: 'boltzmann', temperature: 0.1 },
      acceptance: { kind: 'strict' },
      implementerRetries: 1,
      // Off here so the other tests stay small; final-test.test.ts turns it on.
      finalTest: false,
    },
    ...changes,
  };
  const file = path.join(folder, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(experiment, null, 2));
  return file;
}

export function loadTiny(file: string, overrides: { seed?: number; iterations?: number } = {}): LoadedExperiment {
  return loadExperiment(file, { cwd: repoRoot, overrides });
}

/** Runs an experiment in process on the sim, the same way `autodata evolve` does. */
export async function runInProcess(
  experiment: LoadedExperiment,
  runDir: string,
  options: { resume?: boolean; wrapLlm?: (llm: Llm) => Llm; simFaults?: FaultSpec[] } = {},
): Promise<RunEvolutionResult> {
  const { documents } = resolveDocuments(experiment.paths.documents);
  return runEvolution({
    experiment,
    documents,
    runDir,
    resume: options.resume ?? false,
    createLlm: (store) => {
      const llm = createAppLlm({
        endpoints: defaultSimEndpoints(), store, simSeed: experiment.config.simSeed, cacheMode: 'use', ...(options.simFaults ? { simFaults: options.simFaults } : {}),
      });
      return options.wrapLlm ? options.wrapLlm(llm) : llm;
    },
  });
}

export interface PopulationSnapshot {
  candidates: Array<Omit<population.CandidateRecord, 'createdAt'>>;
  evaluations: Array<Omit<population.EvaluationRecord, 'createdAt' | 'calls' | 'tokens' | 'outcomes'> & { outcomes: unknown[] }>;
  iterations: Array<Omit<population.IterationRecord, 'finishedAt' | 'calls' | 'tokens'>>;
  attempts: Array<Omit<population.EditAttemptRecord, 'createdAt' | 'calls' | 'tokens'>>;
}

export function snapshotPopulation(storePath: string): PopulationSnapshot {
  const store = openStore(storePath, { readonly: true });
  try {
    return {
      candidates: population.listCandidates(store).map(({ createdAt: _createdAt, ...candidate }) => candidate),
      evaluations: population.listEvaluations(store).map(({ createdAt: _createdAt, calls: _calls, tokens: _tokens, outcomes, ...evaluation }) => ({
        ...evaluation,
        outcomes: outcomes.map(({ calls: _outcomeCalls, tokens: _outcomeTokens, ...outcome }) => outcome),
      })),
      iterations: population.listIterations(store).map(({ finishedAt: _finishedAt, calls: _calls, tokens: _tokens, ...record }) => record),
      attempts: population.listEditAttempts(store).map(({ createdAt: _createdAt, calls: _calls, tokens: _tokens, ...attempt }) => attempt),
    };
  } finally {
    store.close();
  }
}

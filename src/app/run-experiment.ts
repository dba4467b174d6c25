// One evolve run as a library call: an experiment -> its documents, endpoints and call path -> the
// outer loop in its run folder. `autodata evolve` and every cell of `autodata ablate` start here.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Document } from '../documents/index.ts';
import { defaultSimEndpoints, loadEndpointsFile } from '../config/endpoints.ts';
import type { LoadedExperiment } from '../config/experiment.ts';
import type { SharedCallResources } from '../llm/create-llm.ts';
import type { Emit, StopReason } from '../outer/events.ts';
import { checkUsdBudget } from '../outer/budget.ts';
import { STORE_FILE } from '../outer/index.ts';
import { runEvolution, type RunEvolutionResult } from '../outer/run-evolution.ts';
import type { FaultSpec } from '../sim/index.ts';
import { loadHarness } from '../harness/load-harness.ts';
import { calledEndpointRoles } from '../harness/roles.ts';
import { endpointProvenance, isSimulated, recordEndpoints } from '../config/endpoint-provenance.ts';
import { createAppLlm } from './create-llm.ts';
import { preflightEndpoints } from './preflight.ts';
import { resolveDocuments } from './resolve-documents.ts';
import { simFaultsOption } from './sim-faults.ts';

export interface RunExperimentOptions {
  experiment: LoadedExperiment;
  runDir: string;
  resume: boolean;
  /** `--sim-fault` texts (checked against the endpoints: only sim:// ones take faults). */
  simFaults?: readonly string[];
  emit?: Emit;
  signal?: AbortSignal;
  /** Shared by the runs of one process (an ablation's cells keep to each endpoint's concurrency together). */
  shared?: SharedCallResources;
  /** A budget shared with other runs of this process (an ablation's matrix budget). */
  sharedBudget?: () => StopReason | undefined;
  /** Documents already resolved for this experiment's `documents` spec (cells of an ablation share them). */
  documents?: Document[];
  /** Lines of the endpoint check made before the run (real endpoints only). */
  log?: (line: string) => void;
  /** `evolve --early-stop` / `--no-early-stop`: overrides every candidate's `earlyStop` setting; absent: each harness decides. */
  earlyStop?: boolean;
  /** `evolve --resume --allow-endpoint-change`: resume although the run's endpoints.json records other models or sampling settings. */
  allowEndpointChange?: boolean;
}

export async function runExperiment(options: RunExperimentOptions): Promise<RunEvolutionResult> {
  const { experiment } = options;
  const configured = experiment.paths.endpoints === 'sim' ? defaultSimEndpoints() : loadEndpointsFile(experiment.paths.endpoints);
  const simFaults: FaultSpec[] = simFaultsOption(options.simFaults, configured);
  const documents = options.documents ?? resolveDocuments(experiment.paths.documents).documents;
  // The baseline's orchestrator says whether the main agent is called, its strong mode whether the
  // strongSolver endpoint is (both protected, so every candidate calls the same); analyzer and implementer always are.
  const roles = [...calledEndpointRoles(loadHarness(experiment.paths.baseline).settings), 'analyzer', 'implementer'] as const;
  // Context windows a server reports are filled in for roles that set none.
  // A dollar budget with unpriced roles is refused before any probe or paid call.
  checkUsdBudget(experiment.config, roles, configured);
  const endpoints = await preflightEndpoints({ endpoints: configured, roles, ...(options.log ? { log: options.log } : {}) });
  // Recorded with a new run, compared on a resume (a folder that already holds a run without --resume is runEvolution's one line).
  if (options.resume || !existsSync(path.join(options.runDir, STORE_FILE))) {
    mkdirSync(options.runDir, { recursive: true });
    const changed = recordEndpoints(options.runDir, { source: endpoints.source, roles: endpointProvenance(endpoints, roles) }, options.allowEndpointChange === true);
    if (changed.length > 0) options.log?.(`resuming on changed endpoints (--allow-endpoint-change): ${changed.join('; ')}`);
  }
  return runEvolution({
    experiment,
    documents,
    runDir: options.runDir,
    resume: options.resume,
    endpointLimits: endpoints.roles,
    simulated: isSimulated(endpoints),
    createLlm: (store) =>
      createAppLlm({
        endpoints,
        store,
        simSeed: experiment.config.simSeed,
        cacheMode: 'use',
        simFaults,
        ...(options.shared ? { shared: options.shared } : {}),
      }),
    ...(options.emit ? { emit: options.emit } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.sharedBudget ? { sharedBudget: options.sharedBudget } : {}),
    ...(options.earlyStop === undefined ? {} : { earlyStop: options.earlyStop }),
  });
}

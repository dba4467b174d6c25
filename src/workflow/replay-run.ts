// What the replays read of a stored evolve run: its recorded config (defaults of settings added since
// filled in, as a resume does) and the full paired validations of its iterations. Read-only.
import { experimentSchema, type ExperimentConfig } from '../config/experiment.ts';
import { ConfigError } from '../errors.ts';
import { evolveRun } from '../outer/inspect-run.ts';
import { listEvaluations, listIterations, type IterationRecord } from '../outer/population-store.ts';
import type { Store } from '../store/index.ts';
import { pairedValidation, type PairedValidation, type RecordedRacingSetup } from './replay-racing.ts';

/** The run's config as recorded at its start. */
export function recordedConfig(store: Store): ExperimentConfig {
  const run = evolveRun(store);
  return experimentSchema.safeParse(run.config).data ?? (run.config as ExperimentConfig);
}

export interface RecordedValidations {
  setup: RecordedRacingSetup;
  validations: PairedValidation[];
  /** Iterations that took no decision (refused or failed: no child was validated). */
  undecided: number;
}

/**
 * Every decided iteration's parent and child validation, in race order. Refused when the run raced:
 * its validations stop at the deciding prefix, so there is nothing past it to replay.
 */
export function recordedValidations(store: Store, run: string): RecordedValidations {
  const config = recordedConfig(store);
  const racing = config.outer.racing ?? 'off';
  if (racing !== 'off') {
    throw new ConfigError(run, `replay needs a run evaluated in full (racing off); this run raced (outer.racing ${JSON.stringify(racing)})`);
  }
  const rows = new Map(listEvaluations(store, { splitPart: 'validation' }).map((row) => [`${row.candidateId}@${row.iteration}`, row]));
  const decided = (record: IterationRecord) => record.iteration > 0 && record.childId !== null && (record.decision === 'accepted' || record.decision === 'rejected');
  const iterations = listIterations(store).filter((record) => record.iteration > 0);
  const validations = iterations.filter(decided).map((record) => {
    const parent = rows.get(`${record.parentId}@${record.iteration}`);
    const child = rows.get(`${record.childId}@${record.iteration}`);
    if (!parent || !child) throw new ConfigError(run, `iteration ${record.iteration} has no recorded validation of ${parent ? record.childId : record.parentId}`);
    return pairedValidation(record, parent.outcomes, child.outcomes, config.seed);
  });
  return {
    setup: {
      seed: config.seed,
      acceptance: config.outer.acceptance,
      maxErroredFraction: config.outer.maxErroredFraction,
      documentConcurrency: config.inner.documentConcurrency,
    },
    validations,
    undecided: iterations.length - validations.length,
  };
}

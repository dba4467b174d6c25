// Shared by the lab tools: the default validation documents, harness variants with directives
// written in, and running the REAL inner loop over documents x seeds through the in-process sim.
import { createAppLlm } from '../app/create-llm.ts';
import { resolveDocuments } from '../app/resolve-documents.ts';
import { defaultSimEndpoints } from '../config/endpoints.ts';
import { documentsForPart, loadSplit } from '../documents/index.ts';
import type { Harness } from '../harness/harness.ts';
import { harnessFromFiles } from '../harness/harness.ts';
import { loadHarness } from '../harness/load-harness.ts';
import { ROLE_PROMPT_FILES } from '../harness/roles.ts';
import { evaluateHarness, type DocumentOutcome, type InnerDocument } from '../inner/index.ts';
import { getDirective, type DirectiveId } from '../sim/directives.ts';
import { ConfigError } from '../errors.ts';
import { AGENTIC_BASELINE_DIR, SIM_SPLIT_FILE } from '../util/repository-paths.ts';

/**
 * The validation documents of a split. `corpusSeed` redraws a `sim:` corpus with another seed (same
 * ids, other papers): a check that what was tuned on the default corpus holds on papers it never saw.
 */
export function validationDocuments(splitFile = SIM_SPLIT_FILE, limit?: number, corpusSeed?: number): InnerDocument[] {
  const split = loadSplit(splitFile);
  const spec = corpusSeed === undefined ? split.documents : withCorpusSeed(split.documents, corpusSeed);
  const { documents } = resolveDocuments(spec);
  const part = documentsForPart(documents, split, 'validation');
  return limit === undefined ? part : part.slice(0, limit);
}

/**
 * The validation documents of the split's corpus redrawn with each seed, pooled: more unseen papers
 * than one 25-document set, so a target is judged on the sim rather than on one draw of papers. One
 * seed gives exactly `validationDocuments`; with several, ids get the corpus seed appended (`simcs-0051@c11`),
 * since every corpus reuses the same ids and an evaluation needs them distinct.
 */
export function pooledValidationDocuments(corpusSeeds: readonly number[], splitFile = SIM_SPLIT_FILE, limit?: number): InnerDocument[] {
  if (corpusSeeds.length === 1) return validationDocuments(splitFile, limit, corpusSeeds[0]);
  return corpusSeeds.flatMap((seed) => validationDocuments(splitFile, limit, seed).map((document) => ({ ...document, id: `${document.id}@c${seed}` })));
}

function withCorpusSeed(spec: string, seed: number): string {
  if (!/^sim:[a-z]+\?/.test(spec) || !/[?&]seed=\d+/.test(spec)) throw new ConfigError('--corpus-seed', `the split's documents "${spec}" are not a seeded sim corpus`);
  return spec.replace(/([?&]seed=)\d+/, `$1${seed}`);
}

export function loadBaseline(dir = AGENTIC_BASELINE_DIR): Harness {
  return loadHarness(dir);
}

/** The harness with the first canonical wording of each directive appended to its role's prompt. */
export function harnessWithDirectives(harness: Harness, ids: readonly DirectiveId[]): Harness {
  const files = { ...harness.files };
  for (const id of ids) {
    const directive = getDirective(id);
    const file = ROLE_PROMPT_FILES[directive.role];
    const current = files[file];
    if (current === undefined) continue;
    files[file] = `${current.replace(/\n*$/, '')}\n\n${directive.canonicalWordings[0]}\n`;
  }
  return harnessFromFiles(files);
}

/**
 * Every document under every seed, each seed with its own in-process sim; outcomes in (seed, document) order.
 * `earlyStop` overrides the harness's setting (calibration makes every attempt: its targets are means over attempts).
 */
export async function runEpisodes(
  harness: Harness,
  documents: InnerDocument[],
  seeds: readonly number[],
  options: { earlyStop?: boolean } = {},
): Promise<DocumentOutcome[]> {
  const outcomes: DocumentOutcome[] = [];
  for (const seed of seeds) {
    const llm = createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: seed });
    const evaluation = await evaluateHarness({ llm }, harness, documents, {
      seed, repeat: 0, concurrency: 8, simulated: true, ...(options.earlyStop === undefined ? {} : { earlyStop: options.earlyStop }),
    });
    outcomes.push(...evaluation.outcomes);
  }
  return outcomes;
}

export interface Estimate {
  value: number | null;
  /** 95% interval (normal approximation), null when there are fewer than 2 values. */
  interval: [number, number] | null;
  count: number;
}

export function estimateMean(values: readonly number[]): Estimate {
  if (values.length === 0) return { value: null, interval: null, count: 0 };
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 2) return { value: mean, interval: null, count: values.length };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  const half = 1.96 * Math.sqrt(variance / values.length);
  return { value: mean, interval: [mean - half, mean + half], count: values.length };
}

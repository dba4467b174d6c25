// `autodata analyze` as a library function: dataset-level figures over the accepted examples of a
// generate output folder or an evolve run (the export's reader): exact and near-duplicate
// questions, the challenger's question types and reasoning skills, lengths, per-document coverage,
// and (given a model) the taxonomy discovery. Written to analysis.json in that folder, where
// `export` finds it for the data card. When the taxonomist's endpoint stops answering for good,
// the figures that need no model are still written, with `taxonomyHalted` saying why the taxonomy is missing.
import path from 'node:path';
import { ConfigError, RunHalted } from '../errors.ts';
import type { Llm } from '../llm/types.ts';
import { hasArrays, readJsonFile } from '../util/read-json-file.ts';
import { writeFileAtomically } from '../util/write-file-atomically.ts';
import { exampleId } from './dataset-row.ts';
import { DEFAULT_NEAR_DUPLICATE_SETTINGS, findDuplicates, type DuplicateReport, type NearDuplicateSettings } from './near-duplicates.ts';
import { readEpisodes, type EpisodeSource } from './read-episodes.ts';
import { discoverTaxonomy, type TaxonomyResult, type TaxonomySettings } from './taxonomy.ts';

export const ANALYSIS_FILE = 'analysis.json';

/** One accepted example as the analysis sees it (the accepted round of its episode). */
export interface AnalysisItem {
  id: string;
  document_id: string;
  question: string;
  question_type: string | null;
  reasoning_skills: string[];
  context: string | null;
  reference_answer: string | null;
  rubric_items: number;
  weak_mean: number;
  strong_mean: number;
}

export interface Spread {
  min: number;
  median: number;
  mean: number;
  max: number;
}

export interface DatasetAnalysis {
  source: { kind: EpisodeSource['kind']; dir: string };
  simulated: boolean;
  /** Ids of the examples analysed: the card says how many of an export's rows the analysis covers. */
  ids: string[];
  examples: number;
  duplicates: DuplicateReport;
  questionTypes: Record<string, number>;
  reasoningSkills: Record<string, number>;
  /** In words (rubric: criteria). */
  lengths: { question: Spread; context: Spread; referenceAnswer: Spread; rubricItems: Spread };
  coverage: { documents: number; withExample: number; examplesPerDocument: Spread };
  /** null when run with --no-taxonomy, or when the taxonomist's endpoint became unavailable (`taxonomyHalted`). */
  taxonomy: TaxonomyResult | null;
  /** Why the taxonomy stopped (the endpoint's circuit breaker opened); absent otherwise. */
  taxonomyHalted?: string;
}

export function analysisItems(source: EpisodeSource): AnalysisItem[] {
  return source.episodes.flatMap(({ result }) => {
    const round = result.rounds.find((entry) => entry.accepted);
    if (!round || round.question === null) return [];
    return [{
      id: exampleId(result.harness.content_hash, result.document_id, result.seed, result.repeat),
      document_id: result.document_id,
      question: round.question,
      question_type: round.question_type,
      reasoning_skills: round.reasoning_skills,
      context: round.context,
      reference_answer: round.reference_answer,
      rubric_items: Array.isArray(round.rubric) ? round.rubric.length : 0,
      weak_mean: round.weak?.mean ?? 0,
      strong_mean: round.strong?.mean ?? 0,
    }];
  });
}

export interface AnalyzeOptions {
  source: string;
  /** The taxonomist's call path; absent: no taxonomy. */
  llm?: Llm;
  taxonomy: TaxonomySettings;
  nearDuplicates?: NearDuplicateSettings;
  cwd?: string;
}

export async function analyzeDataset(options: AnalyzeOptions): Promise<{ analysis: DatasetAnalysis; file: string }> {
  const source = readEpisodes(options.source, options.cwd ?? process.cwd());
  const items = analysisItems(source);
  if (items.length === 0) throw new ConfigError(options.source, `holds no accepted example (${source.episodes.length} finished episode(s)); nothing to analyse`);
  const words = (text: string | null) => (text ?? '').split(/\s+/).filter(Boolean).length;
  const perDocument = tally(items.map((item) => item.document_id));
  const analysis: DatasetAnalysis = {
    source: { kind: source.kind, dir: options.source },
    simulated: source.episodes.some((episode) => episode.result.simulated === true),
    ids: items.map((item) => item.id),
    examples: items.length,
    duplicates: findDuplicates(items.map((item) => ({ id: item.id, text: item.question })), options.nearDuplicates ?? DEFAULT_NEAR_DUPLICATE_SETTINGS),
    questionTypes: tally(items.map((item) => item.question_type ?? '(none)')),
    reasoningSkills: tally(items.flatMap((item) => item.reasoning_skills)),
    lengths: {
      question: spread(items.map((item) => words(item.question))),
      context: spread(items.map((item) => words(item.context))),
      referenceAnswer: spread(items.map((item) => words(item.reference_answer))),
      rubricItems: spread(items.map((item) => item.rubric_items)),
    },
    coverage: {
      documents: new Set(source.episodes.map((episode) => episode.result.document_id)).size,
      withExample: Object.keys(perDocument).length,
      examplesPerDocument: spread(Object.values(perDocument)),
    },
    taxonomy: null,
  };
  if (options.llm) {
    try {
      analysis.taxonomy = await discoverTaxonomy(items.map((item) => ({ id: item.id, question: item.question, challenge: item.strong_mean - item.weak_mean })), options.llm, options.taxonomy);
    } catch (error) {
      if (!(error instanceof RunHalted)) throw error;
      analysis.taxonomyHalted = error.message;
    }
  }
  const file = path.join(source.dir, ANALYSIS_FILE);
  writeFileAtomically(file, `${JSON.stringify(analysis, null, 2)}\n`);
  return { analysis, file };
}

/** The analysis written next to the data, if any (export's card reads it). */
export function readAnalysis(dir: string): DatasetAnalysis | undefined {
  const file = path.join(dir, ANALYSIS_FILE);
  return readJsonFile(file, 'run `autodata analyze` on the folder again', (value) => hasArrays(value, ['ids'])) as DatasetAnalysis | undefined;
}

/** Counts, most frequent first; a Map inside, so a model-written name like `__proto__` is only a name. */
export function tally(values: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

export function spread(values: number[]): Spread {
  if (values.length === 0) return { min: 0, median: 0, mean: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const round = (value: number) => Number(value.toFixed(2));
  return { min: sorted[0]!, median: round(median), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length), max: sorted.at(-1)! };
}

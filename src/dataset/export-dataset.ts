// `autodata export` as a library function: the accepted examples of a generate output folder or an
// evolve run, re-checked against their acceptance rule, split by document, written as JSONL or the
// rows TRL / verl read, with every rejected round (rejections.jsonl) and the harness that made them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { readEndpointsRecord, type EndpointsRecord } from '../config/endpoint-provenance.ts';
import { readAllLearnings } from '../inner/batch-learnings.ts';
import { ConfigError } from '../errors.ts';
import type { Harness } from '../harness/index.ts';
import { writeFileAtomically } from '../util/write-file-atomically.ts';
import { DATA_CARD_FILE, dataCard } from './data-card.ts';
import { datasetRow, exampleId, recheckAccepted, rejectionRows, SPLITS, type DatasetRow, type DatasetSplit, type RejectionRow, type UnsplitRow } from './dataset-row.ts';
import { dropDuplicateQuestions } from './dedup.ts';
import { exportHarness } from './export-harness.ts';
import { findHarnesses, type FoundHarness } from './find-harnesses.ts';
import { freshOutputFolder } from './output-folder.ts';
import { readEpisodes, type Episode, type EpisodeSource, type IncompleteEpisode } from './read-episodes.ts';
import { readReverify, REVERIFY_FILE, type ReverifyResult } from './reverify.ts';
import { readAnalysis, type DatasetAnalysis } from './analyze-dataset.ts';
import { checkTestFraction, testDocuments } from './split-by-document.ts';
import { trlRow, verlRow } from './trainer-rows.ts';
import { writeVerlParquet } from './verl-parquet.ts';

export const EXPORT_FORMATS = ['jsonl', 'trl', 'verl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const DEFAULT_TEST_FRACTION = 0.2;
export const EXAMPLES_FILE = 'examples.jsonl';
export const REJECTIONS_FILE = 'rejections.jsonl';
export { DATA_CARD_FILE };
export const SUMMARY_FILE = 'export.json';

export interface ExportOptions {
  /** A generate output folder, or an evolve run (folder, store path, or name under populations/). */
  source: string;
  outDir: string;
  format: ExportFormat;
  testFraction: number;
  seed: number;
  dedup: boolean;
  /** The card's license id (Hugging Face's list); the default says it is not known. */
  license?: string;
  /** Harnesses to try besides the ones the source records (folders or RUN:CANDIDATE), matched by content hash. */
  harnesses?: string[];
  /** Keep only the examples that survived `autodata reverify` (its reverify.json in the source folder). */
  reverifiedOnly?: boolean;
  cwd?: string;
}

export interface ExportedHarness {
  hash: string;
  /** Folder inside the export, relative to it. */
  folder: string;
  name: string;
  /** Where it came from, for a person: a folder, or a candidate of a run. */
  origin: string;
  /** A run's candidate: its diff against the run's baseline (empty for the baseline itself); null for a folder. */
  diff: string | null;
  candidates: string[];
  settings: Harness['settings'];
}

export interface ExportSummary {
  source: { kind: EpisodeSource['kind']; dir: string };
  format: ExportFormat;
  seed: number;
  testFraction: number;
  dedup: boolean;
  /** Data files relative to the export folder, per split. */
  dataFiles: Record<DatasetSplit, string>;
  rows: Record<DatasetSplit, number>;
  documents: Record<DatasetSplit, number>;
  episodes: number;
  rejections: number;
  /** Of those, episodes that ended without an example (gave up, budget exhausted) rather than single rounds. */
  episodeEndings: number;
  rejectionsByReason: Record<string, number>;
  /** Accepted episodes whose stored scores do not pass their rule again: not exported. */
  failedRecheck: Array<{ id: string; document_id: string; harness_hash: string; reasons: string[] }>;
  /** Rows dropped by --dedup (same normalised question as an earlier row). */
  duplicates: Array<{ id: string; document_id: string; duplicate_of: string }>;
  incomplete: IncompleteEpisode[];
  harnesses: ExportedHarness[];
  models: Record<string, string[]>;
  simulated: boolean;
  /** From the source's reverify.json, when there is one; `applied` with --reverified-only. */
  reverification: ReverificationSummary | null;
  /** From the source's analysis.json, when there is one (the card's dataset analysis section). */
  analysis: DatasetAnalysis | null;
  /** A generate folder's endpoints.json: the models and sampling settings per role it ran with (no keys, no URLs). */
  endpoints: EndpointsRecord | null;
}

export interface ReverificationSummary extends Pick<ReverifyResult, 'verifier' | 'seed' | 'checked' | 'failedByCheck' | 'halted'> {
  applied: boolean;
  survived: number;
  fell: number;
  notReverified: number;
  /** Exported rows the re-verification does not cover (made after it, or by another harness). */
  notCovered: number;
  /** --reverified-only: rows left out because they fell, were not re-verified, or are not covered. */
  leftOut: Array<{ id: string; document_id: string; why: 'fell' | 'not re-verified' | 'not covered' }>;
}

export interface ExportResult {
  summary: ExportSummary;
  rows: DatasetRow[];
  rejections: RejectionRow[];
}

export async function exportDataset(options: ExportOptions): Promise<ExportResult> {
  checkTestFraction(options.testFraction);
  if (!Number.isSafeInteger(options.seed)) throw new ConfigError('--seed', `must be an integer, got ${options.seed}`);
  const cwd = options.cwd ?? process.cwd();
  const source = readEpisodes(options.source, cwd);
  const accepted = source.episodes.filter((episode) => episode.result.rounds.some((round) => round.accepted)).map(withRecordedCandidate);
  if (accepted.length === 0) {
    const left = source.incomplete.length > 0 ? `; ${source.incomplete.length} result file(s) are incomplete` : '';
    throw new ConfigError(options.source, `holds no accepted example (${source.episodes.length} finished episode(s), none accepted${left}); nothing to export`);
  }
  const harnesses = await findHarnesses(source, options.harnesses ?? [], cwd);

  const failedRecheck: ExportSummary['failedRecheck'] = [];
  const passed: UnsplitRow[] = [];
  for (const { result, candidates: candidateIds } of accepted) {
    const harness = harnesses.get(result.harness.content_hash)!;
    const check = recheckAccepted(result, harness.harness.settings);
    if (check.ok) passed.push(datasetRow(result, check.round, { candidates: candidateIds, models: source.models }));
    else {
      const id = exampleId(result.harness.content_hash, result.document_id, result.seed, result.repeat);
      failedRecheck.push({ id, document_id: result.document_id, harness_hash: result.harness.content_hash, reasons: check.reasons });
    }
  }
  if (passed.length === 0) {
    const first = failedRecheck[0]!;
    throw new ConfigError(
      options.source,
      `none of its ${failedRecheck.length} accepted example(s) passes its acceptance rule again from the stored scores (${first.document_id}: ${first.reasons.join('; ')}); nothing to export`,
    );
  }
  passed.sort(byExportOrder);
  // Every file the card reads is read before anything is written: a damaged one stops the export with nothing half-made.
  const reverification = reverificationFor(source.dir, passed, options.reverifiedOnly === true);
  const analysis = readAnalysis(source.dir) ?? null;
  const endpoints = readEndpointsRecord(source.dir) ?? null;
  const learnings = source.kind === 'generate' ? readAllLearnings(source.dir) : [];
  const reverified = reverification?.applied ? passed.filter((row) => !reverification.leftOut.some((entry) => entry.id === row.id)) : passed;
  if (reverified.length === 0) throw new ConfigError(options.source, `none of its ${passed.length} accepted example(s) survived the re-verification in ${REVERIFY_FILE}; nothing to export`);
  const { kept, dropped } = options.dedup ? dropDuplicateQuestions(reverified, (row) => row.question) : { kept: reverified, dropped: [] };
  const duplicates = dropped.map(({ item, duplicateOf }) => ({ id: item.id, document_id: item.document_id, duplicate_of: duplicateOf.id }));

  const test = testDocuments(kept.map((row) => row.document_id), options.testFraction, options.seed);
  // id first, then the side, then the rest: the order a reader of the JSONL sees.
  const rows: DatasetRow[] = kept.map(({ id, ...row }) => ({ id, split: test.has(row.document_id) ? 'test' : 'train', ...row }));
  const rejections = source.episodes.flatMap((episode) => rejectionRows(episode.result));

  freshOutputFolder(options.outDir);
  const exportedHarnesses = writeHarnesses(options.outDir, harnesses, accepted);
  const dataFiles = writeDataFiles(options.outDir, options.format, rows);
  writeJsonl(path.join(options.outDir, EXAMPLES_FILE), rows);
  writeJsonl(path.join(options.outDir, REJECTIONS_FILE), rejections);

  const count = <T>(items: T[], key: (item: T) => string) => {
    const counts: Record<string, number> = {};
    for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
    return counts;
  };
  const perSplit = (split: DatasetSplit) => rows.filter((row) => row.split === split);
  const summary: ExportSummary = {
    source: { kind: source.kind, dir: options.source },
    format: options.format,
    seed: options.seed,
    testFraction: options.testFraction,
    dedup: options.dedup,
    dataFiles,
    rows: { train: perSplit('train').length, test: perSplit('test').length },
    documents: { train: new Set(perSplit('train').map((row) => row.document_id)).size, test: test.size },
    episodes: source.episodes.length,
    rejections: rejections.length,
    episodeEndings: rejections.filter((row) => row.round === null).length,
    rejectionsByReason: count(rejections, (row) => row.reason),
    failedRecheck,
    duplicates,
    incomplete: source.incomplete,
    harnesses: exportedHarnesses,
    models: source.models,
    simulated: source.episodes.some((episode) => episode.result.simulated === true),
    reverification,
    analysis,
    endpoints,
  };
  writeFileAtomically(path.join(options.outDir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  const card = dataCard({ summary, rows, runs: source.runs, files: { examples: EXAMPLES_FILE, rejections: REJECTIONS_FILE }, license: options.license ?? 'unknown', learnings });
  writeFileAtomically(path.join(options.outDir, DATA_CARD_FILE), card);
  return { summary, rows, rejections };
}

/** The source's reverify.json against the rows about to be exported; a ConfigError when --reverified-only finds none. */
function reverificationFor(dir: string, rows: UnsplitRow[], apply: boolean): ReverificationSummary | null {
  const result = readReverify(dir);
  if (!result) {
    if (apply) throw new ConfigError('--reverified-only', `no ${REVERIFY_FILE} in ${dir}; run \`autodata reverify\` on it first`);
    return null;
  }
  const survived = new Set(result.survived);
  const fell = new Set(result.fell.map((entry) => entry.id));
  const pending = new Set(result.notReverified.map((entry) => entry.id));
  const leftOut = rows
    .filter((row) => !survived.has(row.id))
    .map((row) => ({ id: row.id, document_id: row.document_id, why: fell.has(row.id) ? ('fell' as const) : pending.has(row.id) ? ('not re-verified' as const) : ('not covered' as const) }));
  return {
    applied: apply,
    verifier: result.verifier,
    seed: result.seed,
    checked: result.checked,
    failedByCheck: result.failedByCheck,
    ...(result.halted !== undefined ? { halted: result.halted } : {}),
    survived: result.survived.length,
    fell: result.fell.length,
    notReverified: result.notReverified.length,
    notCovered: leftOut.filter((entry) => entry.why === 'not covered').length,
    leftOut: apply ? leftOut : [],
  };
}

/**
 * The candidates behind an episode: those sharing its harness (an evolve run's store), plus the one its
 * `provenance` names (a generate folder made from RUN:CANDIDATE); results without provenance keep the first.
 */
function withRecordedCandidate(episode: Episode): Episode {
  const recorded = episode.result.provenance?.candidate;
  if (recorded == null || episode.candidates.includes(recorded)) return episode;
  return { ...episode, candidates: [...episode.candidates, recorded].sort() };
}

/** One harness: `harness/`; several (an evolve run's candidates): `harness/<name>/`. */
function writeHarnesses(outDir: string, harnesses: Map<string, FoundHarness>, accepted: EpisodeSource['episodes']): ExportedHarness[] {
  const used = [...harnesses.entries()]
    .filter(([hash]) => accepted.some((episode) => episode.result.harness.content_hash === hash))
    .sort(([, a], [, b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return used.map(([hash, { harness, name, origin, diff }]) => {
    const folder = used.length === 1 ? 'harness' : path.join('harness', name);
    exportHarness(harness, path.join(outDir, folder));
    const candidates = [...new Set(accepted.filter((episode) => episode.result.harness.content_hash === hash).flatMap((episode) => episode.candidates))].sort();
    return { hash, folder, name, origin, diff, candidates, settings: harness.settings };
  });
}

function writeDataFiles(outDir: string, format: ExportFormat, rows: DatasetRow[]): Record<DatasetSplit, string> {
  const files = {} as Record<DatasetSplit, string>;
  for (const split of SPLITS) {
    const part = rows.filter((row) => row.split === split);
    const file = path.join('data', `${split}.${format === 'verl' ? 'parquet' : 'jsonl'}`);
    files[split] = file;
    const target = path.join(outDir, file);
    if (format === 'verl') {
      mkdirSync(path.dirname(target), { recursive: true });
      writeVerlParquet(target, part.map((row, index) => verlRow(row, index)));
    } else {
      writeJsonl(target, format === 'trl' ? part.map(trlRow) : part);
    }
  }
  return files;
}

function writeJsonl(file: string, rows: unknown[]): void {
  writeFileAtomically(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
}

/** By document, harness, seed, repeat: the order --dedup keeps the first of, whatever order the source listed them in. */
function byExportOrder(a: UnsplitRow, b: UnsplitRow): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return text(a.document_id, b.document_id) || text(a.harness_hash, b.harness_hash) || a.seed - b.seed || a.repeat - b.repeat;
}

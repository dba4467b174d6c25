// The finished episodes behind an export, from either kind of folder:
// - a `generate --out` folder: results/<document>.json (the dataset-facing files); a file that is
//   not finished, ended on an infrastructure error or does not parse is reported, never exported;
// - an evolve run: the document_result rows of its store (written only when an episode is complete),
//   with the candidates that share each row's harness.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { documentResultSchema, type DocumentResult } from '../inner/result-schema.ts';
import { listCandidates, locateRunStore, STORE_FILE } from '../outer/index.ts';
import { readRun } from '../outer/inspect-run.ts';
import { listRuns, type RunRecord, type Store } from '../store/index.ts';

export interface Episode {
  result: DocumentResult;
  /** Evolve runs: the candidates whose harness made it (one harness can be several candidates). */
  candidates: string[];
}

export interface IncompleteEpisode {
  /** The results file (generate) it was read from. */
  source: string;
  reason: string;
}

/** Where a harness that made some episodes can be looked for (checked against its content hash by the caller). */
export interface HarnessLead {
  hash: string;
  /** --harness values to try, best first: RUN:CANDIDATE refs and folders. */
  specs: string[];
}

export interface EpisodeSource {
  kind: 'generate' | 'evolve';
  /** The folder given, resolved. */
  dir: string;
  storePath: string | undefined;
  episodes: Episode[];
  incomplete: IncompleteEpisode[];
  leads: HarnessLead[];
  /** Models each role was called with, from the store's call log (empty without a store). */
  models: Record<string, string[]>;
  /** The runs the store records (config, seed, versions), for the card. */
  runs: RunRecord[];
}

export const RESULTS_FOLDER = 'results';

/** Reads DIR as a generate output folder (it has results/) or an evolve run (a run folder, store path or name under populations/). */
export function readEpisodes(dir: string, cwd = process.cwd()): EpisodeSource {
  const resolved = path.resolve(cwd, dir);
  if (existsSync(path.join(resolved, RESULTS_FOLDER))) return readGenerateFolder(resolved);
  let storePath: string;
  try {
    storePath = locateRunStore(dir, cwd);
  } catch {
    throw new ConfigError(dir, `is neither a generate output folder (no ${RESULTS_FOLDER}/) nor an evolve run (no ${STORE_FILE})`);
  }
  return readEvolveRun(storePath, cwd);
}

function readGenerateFolder(dir: string): EpisodeSource {
  const storePath = path.join(dir, STORE_FILE);
  const episodes: Episode[] = [];
  const incomplete: IncompleteEpisode[] = [];
  const resultsDir = path.join(dir, RESULTS_FOLDER);
  for (const name of readdirSync(resultsDir).filter((entry) => entry.endsWith('.json')).sort()) {
    const source = path.join(RESULTS_FOLDER, name);
    const parsed = parseResult(readFileSync(path.join(resultsDir, name), 'utf8'));
    if (!parsed) incomplete.push({ source, reason: 'not a result.json this version can read' });
    else if (!parsed.finished) incomplete.push({ source, reason: `episode not finished (${parsed.total_rounds} round(s) recorded; rerun generate on the folder to finish it)` });
    else if (parsed.error !== null) incomplete.push({ source, reason: `ended on an infrastructure error: ${parsed.error}` });
    else episodes.push({ result: parsed, candidates: [] });
  }
  const stored = existsSync(storePath) ? readRun(storePath, (store) => ({ runs: listRuns(store), models: modelsByRole(store) })) : { runs: [], models: {} };
  const leads = distinctHashes(episodes).map((hash) => ({ hash, specs: generateLeads(stored.runs, hash) }));
  return { kind: 'generate', dir, storePath: existsSync(storePath) ? storePath : undefined, episodes, incomplete, leads, models: stored.models, runs: stored.runs };
}

/** A generate run records its harness's name (a folder's base name, or `<run>-<candidate>`) and, for a candidate, `harnessRef`. */
function generateLeads(runs: RunRecord[], hash: string): string[] {
  const specs: string[] = [];
  for (const run of runs) {
    const config = run.config as { harness?: unknown; harnessHash?: unknown; harnessRef?: unknown };
    if (run.kind !== 'generate' || config.harnessHash !== hash) continue;
    if (typeof config.harnessRef === 'string') specs.push(config.harnessRef);
    // Relative to the working folder, as a person would type them (the card names where the harness came from).
    if (typeof config.harness === 'string') specs.push(path.join('baselines', config.harness), config.harness);
  }
  return specs;
}

function readEvolveRun(storePath: string, cwd: string): EpisodeSource {
  return readRun(storePath, (store) => {
    const candidatesByHash = new Map<string, string[]>();
    for (const candidate of listCandidates(store)) {
      if (candidate.contentHash === null) continue;
      candidatesByHash.set(candidate.contentHash, [...(candidatesByHash.get(candidate.contentHash) ?? []), candidate.id]);
    }
    const rows = store.db.prepare('SELECT result_json FROM document_result ORDER BY harness_hash, document_id, seed, repeat').all() as Array<{ result_json: string }>;
    const episodes: Episode[] = [];
    for (const row of rows) {
      const result = parseResult(row.result_json);
      // Rows of an older layout are run again by the loop rather than trusted; the same here.
      if (result) episodes.push({ result, candidates: candidatesByHash.get(result.harness.content_hash) ?? [] });
    }
    const runDir = path.dirname(storePath);
    const runSpec = path.relative(cwd, runDir) || '.';
    const leads = distinctHashes(episodes).map((hash) => ({ hash, specs: (candidatesByHash.get(hash) ?? []).map((id) => `${runSpec}:${id}`) }));
    return { kind: 'evolve' as const, dir: runDir, storePath, episodes, incomplete: [], leads, models: modelsByRole(store), runs: listRuns(store) };
  });
}

function parseResult(text: string): DocumentResult | undefined {
  try {
    const parsed = documentResultSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function distinctHashes(episodes: Episode[]): string[] {
  return [...new Set(episodes.map((episode) => episode.result.harness.content_hash))].sort();
}

/** role -> models it was called with (never endpoint URLs or keys: the log holds neither in these columns). */
function modelsByRole(store: Store): Record<string, string[]> {
  const rows = store.db.prepare('SELECT DISTINCT role, model FROM llm_call_log ORDER BY role, model').all() as Array<{ role: string; model: string }>;
  const models = new Map<string, string[]>();
  for (const { role, model } of rows) models.set(role, [...(models.get(role) ?? []), model]);
  return Object.fromEntries(models);
}

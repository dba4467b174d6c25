// A harness named either by its folder or as RUN:CANDIDATE (a candidate of an evolve run, or
// RUN:best). A candidate's files come from the run's git workspace (branch candidate/<id>), checked
// against the content hash the run's store recorded for it; a candidate whose branch is missing is
// rebuilt from the workspace's baseline and its stored diff, under the same check.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { ConfigError } from '../errors.ts';
import { applyHarnessDiff, BASELINE_CANDIDATE_ID, candidateBranch, harnessFromFiles, loadHarness, type Harness } from '../harness/index.ts';
import { bestCandidate, candidateId, getCandidate, listCandidates, locateRunStore, WORKSPACE_FOLDER, type CandidateRecord } from '../outer/index.ts';
import { readRun } from '../outer/inspect-run.ts';

/** What a `--harness` value names. An existing path always wins, so a folder whose name holds ':' loads as before. */
export type HarnessSpec = { kind: 'folder'; dir: string } | { kind: 'candidate'; run: string; candidate: string };

export interface ResolvedHarness {
  harness: Harness;
  /** A short name for output folders and tables: the folder's name, or `<run>-<candidate id>`. */
  name: string;
  /** Set for a run's candidate: the run as given, its store, the candidate id `best` resolved to, and its diff against the run's baseline. */
  candidate?: { run: string; storePath: string; id: string; diff: string };
}

export function parseHarnessSpec(text: string, cwd = process.cwd()): HarnessSpec {
  if (existsSync(path.resolve(cwd, text))) return { kind: 'folder', dir: text };
  const colon = text.lastIndexOf(':');
  if (colon > 0 && colon < text.length - 1) return { kind: 'candidate', run: text.slice(0, colon), candidate: text.slice(colon + 1) };
  return { kind: 'folder', dir: text };
}

/** The harness a `--harness` value names (see parseHarnessSpec); a ConfigError (one line) when there is none. */
export async function resolveHarness(text: string, cwd = process.cwd()): Promise<ResolvedHarness> {
  const spec = parseHarnessSpec(text, cwd);
  if (spec.kind === 'folder') {
    const dir = path.resolve(cwd, spec.dir);
    return { harness: loadHarness(dir), name: path.basename(dir) };
  }
  return candidateHarness(spec.run, spec.candidate, cwd);
}

/** Candidate `candidate` (`c0003`, `3`, `baseline`, or `best`) of the evolve run `run`. */
export async function candidateHarness(run: string, candidate: string, cwd = process.cwd()): Promise<ResolvedHarness> {
  const storePath = locateRunStore(run, cwd);
  const record = readRun(storePath, (store) =>
    findCandidate(run, candidate, {
      get: (id) => getCandidate(store, id),
      known: () => listCandidates(store).map((entry) => entry.id),
      best: () => bestCandidate(store)?.id,
    }),
  );
  const label = `${run}:${candidate}`;
  if (record.status === 'refused') throw new ConfigError(label, `candidate ${record.id} was refused: its edit never made a harness`);
  if (record.contentHash === null) throw new ConfigError(label, `candidate ${record.id} has no recorded content hash to check its files against`);
  const workspaceDir = path.join(path.dirname(storePath), WORKSPACE_FOLDER);
  const files = await candidateFiles(workspaceDir, record);
  if (!files) {
    throw new ConfigError(label, `the files of candidate ${record.id} are not in ${workspaceDir} (no branch ${branchOf(record)} and no baseline to rebuild it from)`);
  }
  const harness = harnessFromFiles(files, { source: `${label} (${record.id})` });
  if (harness.contentHash !== record.contentHash) {
    throw new ConfigError(label, `the workspace's files of candidate ${record.id} do not match the content hash the run recorded; the workspace was changed by hand`);
  }
  return { harness, name: `${path.basename(path.dirname(storePath))}-${record.id}`, candidate: { run, storePath, id: record.id, diff: record.diff } };
}

interface CandidateLookup {
  get(id: string): CandidateRecord | undefined;
  known(): string[];
  best(): string | undefined;
}

function findCandidate(run: string, candidate: string, lookup: CandidateLookup): CandidateRecord {
  const label = `${run}:${candidate}`;
  let id = candidate;
  if (candidate === 'best') {
    const best = lookup.best();
    if (best === undefined) throw new ConfigError(label, 'the run has no evaluated accepted candidate yet, so no best');
    id = best;
  } else if (candidate === BASELINE_CANDIDATE_ID) {
    id = candidateId(0);
  } else {
    const digits = /^c?(\d+)$/.exec(candidate)?.[1];
    if (digits !== undefined) id = candidateId(Number(digits));
  }
  const record = lookup.get(id);
  if (record) return record;
  const known = lookup.known();
  throw new ConfigError(label, `no candidate ${id} in this run; known: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''} (or best)`);
}

function branchOf(record: CandidateRecord): string {
  return candidateBranch(record.iteration === 0 ? BASELINE_CANDIDATE_ID : record.id);
}

/** The candidate's committed files, else the baseline's with the candidate's diff applied; undefined when neither is there. */
async function candidateFiles(workspaceDir: string, record: CandidateRecord): Promise<Record<string, string> | undefined> {
  if (!existsSync(path.join(workspaceDir, '.git'))) return undefined;
  const own = await committedFiles(workspaceDir, branchOf(record));
  if (own) return own;
  const baseline = await committedFiles(workspaceDir, candidateBranch(BASELINE_CANDIDATE_ID));
  return baseline ? applyHarnessDiff(baseline, record.diff) : undefined;
}

/** Read from git objects only: the working tree (whichever candidate is checked out) is left alone. */
async function committedFiles(workspaceDir: string, branch: string): Promise<Record<string, string> | undefined> {
  const git = simpleGit({ baseDir: workspaceDir });
  const exists = (await git.raw(['branch', '--list', branch])).trim().length > 0;
  if (!exists) return undefined;
  const listing = await git.raw(['ls-tree', '-r', '-z', '--name-only', branch]);
  const entries: Array<[string, string]> = [];
  for (const file of listing.split('\0').filter((name) => name.length > 0).sort()) {
    entries.push([file, await git.show([`${branch}:${file}`])]);
  }
  return Object.fromEntries(entries);
}

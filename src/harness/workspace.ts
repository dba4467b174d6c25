// A git repository per run holding every candidate harness as a commit on branch `candidate/<id>`,
// so a user can `git diff candidate/a candidate/b` and check out any candidate. The baseline is the
// first commit (`candidate/baseline`). Operations are serialized: they share one working tree.
import fs from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { AutodataError, ConfigError } from '../errors.ts';
import { contentHash, type Harness } from './harness.ts';
import { loadHarness, writeHarness } from './load-harness.ts';

export const BASELINE_CANDIDATE_ID = 'baseline';
const HASH_TRAILER = 'Harness-Content-Hash';

export interface Workspace {
  dir: string;
  git: SimpleGit;
  baselineSha: string;
  /** Runs `task` after every earlier workspace operation has finished. */
  serialize<T>(task: () => Promise<T>): Promise<T>;
}

export function candidateBranch(candidateId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(candidateId) || candidateId.includes('..') || candidateId.endsWith('.lock')) {
    throw new AutodataError('CANDIDATE_ID', `candidate id "${candidateId}" cannot name a git branch; use letters, digits, ".", "_" and "-"`);
  }
  return `candidate/${candidateId}`;
}

/** Opens the workspace in `dir`, creating the repository with the baseline as its first commit if needed. */
export async function openWorkspace(dir: string, baseline: Harness): Promise<Workspace> {
  fs.mkdirSync(dir, { recursive: true });
  const git = simpleGit({ baseDir: dir });
  const baselineBranch = candidateBranch(BASELINE_CANDIDATE_ID);
  if (!fs.existsSync(path.join(dir, '.git'))) {
    // The working tree is rewritten on every commit, so never adopt a folder that holds other files.
    if (fs.readdirSync(dir).length > 0) throw new ConfigError(dir, 'folder is not empty and not a workspace; use a new folder');
    await git.init(['--initial-branch=main']);
  }
  // One run process owns its workspace, so an index.lock here is stale: left by a kill during a commit.
  fs.rmSync(path.join(dir, '.git', 'index.lock'), { force: true });
  const hasCommits = (await git.raw(['rev-list', '--all', '--max-count=1'])).trim().length > 0;
  if (hasCommits && (await committedHash(git, baselineBranch)) === undefined) {
    // Interrupted between the first commit and its branch: the first commit is on main.
    if ((await committedHash(git, 'main')) === undefined) {
      throw new ConfigError(dir, `not an autodata workspace (no ${baselineBranch} branch); use an empty folder`);
    }
    await git.raw(['branch', baselineBranch, 'main']);
  }
  // Local config only: the user's global identity and line-ending rules stay out of it.
  await git.addConfig('user.name', 'autodata');
  await git.addConfig('user.email', 'autodata@localhost');
  await git.addConfig('commit.gpgsign', 'false');
  await git.addConfig('core.autocrlf', 'false');
  if (!hasCommits) {
    // A new repository, or one whose creation was interrupted before the first commit.
    writeHarness(dir, baseline, { clean: true });
    await git.add(['-A']);
    await git.commit(commitMessage('baseline harness', baseline.contentHash), undefined, { '--allow-empty': null });
    await git.raw(['branch', baselineBranch]);
  }
  if ((await committedHash(git, baselineBranch)) !== baseline.contentHash) {
    throw new ConfigError(dir, 'this workspace was made from a different baseline harness; use a new folder for this baseline');
  }
  const baselineSha = (await git.revparse([baselineBranch])).trim();
  let tail: Promise<unknown> = Promise.resolve();
  const serialize = <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
  return { dir, git, baselineSha, serialize };
}

/**
 * Commits `files` as candidate `candidateId`, branched from its parent's commit (or the baseline,
 * also when the parent was never committed, e.g. after a crash: lineage is cosmetic, the files are complete).
 * Idempotent: committing the same files again returns the existing commit, so a resumed run can repeat it.
 */
export async function commitCandidate(
  workspace: Workspace,
  candidateId: string,
  files: Record<string, string>,
  message: string,
  options: { parentId?: string } = {},
): Promise<string> {
  const branch = candidateBranch(candidateId);
  const hash = contentHash(files);
  return workspace.serialize(async () => {
    const { git } = workspace;
    const existing = await committedHash(git, branch);
    if (existing === hash) return (await git.revparse([branch])).trim();
    if (existing !== undefined) {
      await git.raw(['checkout', '-f', branch]);
    } else {
      const parentBranch = options.parentId === undefined ? undefined : candidateBranch(options.parentId);
      const parentExists = parentBranch !== undefined && (await git.raw(['branch', '--list', parentBranch])).trim().length > 0;
      await git.raw(['checkout', '-f', '-B', branch, parentExists ? parentBranch : candidateBranch(BASELINE_CANDIDATE_ID)]);
    }
    writeHarness(workspace.dir, files, { clean: true });
    await git.add(['-A']);
    await git.commit(commitMessage(message, hash), undefined, { '--allow-empty': null });
    return (await git.revparse(['HEAD'])).trim();
  });
}

/** Puts candidate `candidateId` in the working tree and loads it. */
export async function checkoutCandidate(workspace: Workspace, candidateId: string): Promise<Harness> {
  const branch = candidateBranch(candidateId);
  return workspace.serialize(async () => {
    await workspace.git.raw(['checkout', '-f', branch]);
    await workspace.git.raw(['clean', '-fdq']);
    return loadHarness(workspace.dir);
  });
}

/** The files of a committed candidate, read from git without touching the working tree. */
export async function readCandidateFiles(workspace: Workspace, candidateId: string): Promise<Record<string, string>> {
  const branch = candidateBranch(candidateId);
  return workspace.serialize(async () => {
    const listing = await workspace.git.raw(['ls-tree', '-r', '-z', '--name-only', branch]);
    const entries: Array<[string, string]> = [];
    for (const file of listing.split('\0').filter((name) => name.length > 0).sort()) {
      entries.push([file, await workspace.git.show([`${branch}:${file}`])]);
    }
    return Object.fromEntries(entries);
  });
}

/** `git diff candidate/a candidate/b`. */
export async function diffCandidates(workspace: Workspace, fromId: string, toId: string): Promise<string> {
  const from = candidateBranch(fromId);
  const to = candidateBranch(toId);
  return workspace.serialize(() => workspace.git.raw(['diff', from, to]));
}

function commitMessage(message: string, hash: string): string {
  return `${message.trim() || 'candidate'}\n\n${HASH_TRAILER}: ${hash}\n`;
}

async function committedHash(git: SimpleGit, branch: string): Promise<string | undefined> {
  const exists = await git.raw(['branch', '--list', branch]);
  if (exists.trim().length === 0) return undefined;
  const body = await git.raw(['log', '-1', '--format=%B', branch]);
  const match = new RegExp(`^${HASH_TRAILER}: ([0-9a-f]{64})$`, 'm').exec(body);
  return match?.[1];
}

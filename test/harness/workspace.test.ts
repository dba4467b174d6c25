import fs from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import {
  applyEdits,
  checkoutCandidate,
  commitCandidate,
  diffCandidates,
  loadHarness,
  openWorkspace,
  readCandidateFiles,
  writeHarness,
  type Harness,
  type HarnessEdit,
} from '../../src/harness/index.ts';
import { AGENTIC_DIR, COT_DIR, tempDir } from './helpers.ts';

const baseline = loadHarness(AGENTIC_DIR);

function edited(parent: Harness, edits: HarnessEdit[]): Harness {
  const result = applyEdits(parent, edits);
  if (!result.ok) throw new Error(result.refusal.message);
  return result.harness;
}

const first = edited(baseline, [{ file: 'prompts/challenger.md', search: '# Challenger\n', replace: '# Challenger\n\nRead the whole document first.\n' }]);
// The second candidate also drops the challenger's final newline: git must hand it back byte for byte.
const second = edited(first, [
  { file: 'prompts/quality-verifier.md', search: '# Quality verifier\n', replace: '# Reviewer\n' },
  { file: 'prompts/challenger.md', search: 'different from each of them.\n', replace: 'different from each of them.' },
]);

describe('git workspace', () => {
  it('commits candidates on their own branches, diffable with plain git', async () => {
    const dir = path.join(tempDir(), 'workspace');
    const workspace = await openWorkspace(dir, baseline);
    const git = simpleGit({ baseDir: dir });
    expect((await git.raw(['config', '--local', 'user.name'])).trim()).toBe('autodata');

    const shaA = await commitCandidate(workspace, 'c1', first.files, 'candidate c1: read the whole document');
    const shaB = await commitCandidate(workspace, 'c2', second.files, 'candidate c2: rename reviewer', { parentId: 'c1' });
    expect(shaA).toMatch(/^[0-9a-f]{40}$/);
    expect(shaB).not.toBe(shaA);
    expect((await git.raw(['rev-parse', 'candidate/c1'])).trim()).toBe(shaA);
    expect((await git.raw(['rev-parse', 'candidate/c2^'])).trim()).toBe(shaA);
    expect((await git.raw(['rev-parse', 'candidate/c1^'])).trim()).toBe(workspace.baselineSha);

    const plainDiff = await git.raw(['diff', 'candidate/c1', 'candidate/c2']);
    expect(plainDiff).toContain('diff --git a/prompts/quality-verifier.md b/prompts/quality-verifier.md\n');
    expect(plainDiff).toContain('-# Quality verifier\n+# Reviewer\n');
    expect(plainDiff).toContain(' write a new question that is different from each of them.\n\\ No newline at end of file\n');
    expect(await diffCandidates(workspace, 'c1', 'c2')).toBe(plainDiff);
    expect(await git.raw(['diff', 'candidate/c1', 'candidate/c2', '--', 'prompts/weak-solver.md'])).toBe('');

    // Files come back from git byte for byte; the protected solver prompt is the baseline's in both.
    const filesA = await readCandidateFiles(workspace, 'c1');
    const filesB = await readCandidateFiles(workspace, 'c2');
    expect(filesA).toEqual(first.files);
    expect(filesB).toEqual(second.files);
    expect(filesA['prompts/weak-solver.md']).toBe(baseline.files['prompts/weak-solver.md']);
    expect(filesB['prompts/weak-solver.md']).toBe(baseline.files['prompts/weak-solver.md']);
    expect(await readCandidateFiles(workspace, 'baseline')).toEqual(baseline.files);

    const checkedOut = await checkoutCandidate(workspace, 'c1');
    expect(checkedOut.contentHash).toBe(first.contentHash);
    expect(fs.readFileSync(path.join(dir, 'prompts/challenger.md'), 'utf8')).toBe(first.files['prompts/challenger.md']);
  });

  it('is idempotent for a repeated commit and reopens an existing workspace', async () => {
    const dir = path.join(tempDir(), 'workspace');
    const workspace = await openWorkspace(dir, baseline);
    const sha = await commitCandidate(workspace, 'c1', first.files, 'first');
    const reopened = await openWorkspace(dir, baseline);
    expect(reopened.baselineSha).toBe(workspace.baselineSha);
    expect(await commitCandidate(reopened, 'c1', first.files, 'first again')).toBe(sha);
    const count = await simpleGit({ baseDir: dir }).raw(['rev-list', '--count', 'candidate/c1']);
    expect(count.trim()).toBe('2');
  });

  it('reopens a workspace whose last commit was killed, leaving a stale index.lock', async () => {
    const dir = path.join(tempDir(), 'workspace');
    await openWorkspace(dir, baseline);
    fs.writeFileSync(path.join(dir, '.git', 'index.lock'), '');
    const reopened = await openWorkspace(dir, baseline);
    await commitCandidate(reopened, 'c1', first.files, 'after the kill');
    expect(await readCandidateFiles(reopened, 'c1')).toEqual(first.files);
  });

  it('serializes concurrent commits that share the working tree', async () => {
    const dir = path.join(tempDir(), 'workspace');
    const workspace = await openWorkspace(dir, baseline);
    const variants = ['one', 'two', 'three', 'four'].map((word) =>
      edited(baseline, [{ file: 'prompts/challenger.md', search: '# Challenger\n', replace: `# Challenger ${word}\n` }]),
    );
    await Promise.all(variants.map((variant, index) => commitCandidate(workspace, `c${index}`, variant.files, `variant ${index}`)));
    for (const [index, variant] of variants.entries()) {
      expect(await readCandidateFiles(workspace, `c${index}`)).toEqual(variant.files);
    }
  });

  it('refuses a workspace made from another baseline and a non-empty folder', async () => {
    const dir = path.join(tempDir(), 'workspace');
    await openWorkspace(dir, baseline);
    await expect(openWorkspace(dir, loadHarness(COT_DIR))).rejects.toThrow(
      new ConfigError(dir, 'this workspace was made from a different baseline harness; use a new folder for this baseline'),
    );
    const busy = tempDir();
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    await expect(openWorkspace(busy, baseline)).rejects.toThrow(`${busy}: folder is not empty and not a workspace; use a new folder`);
    expect(fs.readFileSync(path.join(busy, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('finishes a workspace whose creation stopped before the first commit, and refuses a foreign repository', async () => {
    const dir = path.join(tempDir(), 'workspace');
    fs.mkdirSync(dir);
    await simpleGit({ baseDir: dir }).init();
    const workspace = await openWorkspace(dir, baseline);
    expect(await readCandidateFiles(workspace, 'baseline')).toEqual(baseline.files);

    const foreign = tempDir();
    const git = simpleGit({ baseDir: foreign });
    await git.init();
    fs.writeFileSync(path.join(foreign, 'code.ts'), 'export {};\n');
    await git.add(['-A']);
    await git.raw(['-c', 'user.name=someone', '-c', 'user.email=someone@example.com', 'commit', '-q', '-m', 'mine']);
    await expect(openWorkspace(foreign, baseline)).rejects.toThrow(
      `${foreign}: not an autodata workspace (no candidate/baseline branch); use an empty folder`,
    );
    expect(await git.raw(['config', '--local', '--get-all', 'user.name']).catch(() => '')).toBe('');
  });

  it('branches from the baseline when the parent was never committed', async () => {
    const workspace = await openWorkspace(path.join(tempDir(), 'workspace'), baseline);
    const sha = await commitCandidate(workspace, 'c7', first.files, 'orphan', { parentId: 'c6' });
    expect((await workspace.git.raw(['rev-parse', `${sha}^`])).trim()).toBe(workspace.baselineSha);
  });

  it('rejects a candidate id that cannot be a branch name', async () => {
    const workspace = await openWorkspace(path.join(tempDir(), 'workspace'), baseline);
    await expect(commitCandidate(workspace, '../x', first.files, 'bad')).rejects.toThrow(
      'candidate id "../x" cannot name a git branch; use letters, digits, ".", "_" and "-"',
    );
  });

  it('writes a harness folder that loads back identically', () => {
    const dir = path.join(tempDir(), 'written');
    writeHarness(dir, second);
    expect(loadHarness(dir).files).toEqual(second.files);
  });
});

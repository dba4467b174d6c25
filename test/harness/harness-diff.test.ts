import { describe, expect, it } from 'vitest';
import { AutodataError } from '../../src/errors.ts';
import { applyEdits, applyHarnessDiff, createHarnessDiff, diffFiles, loadHarness, type Harness, type HarnessEdit } from '../../src/harness/index.ts';
import { AGENTIC_DIR, COT_DIR } from './helpers.ts';

const baseline = loadHarness(AGENTIC_DIR);

function edited(edits: HarnessEdit[]): Harness {
  const result = applyEdits(baseline, edits);
  if (!result.ok) throw new Error(result.refusal.message);
  return result.harness;
}

function roundTrip(base: Record<string, string>, candidate: Record<string, string>): void {
  const diff = createHarnessDiff(base, candidate);
  expect(applyHarnessDiff(base, diff)).toEqual(candidate);
  // toEqual ignores key order and treats strings by value; check bytes and order explicitly.
  expect(JSON.stringify(applyHarnessDiff(base, diff))).toBe(JSON.stringify(Object.fromEntries(Object.entries(candidate).sort())));
}

describe('harness diffs', () => {
  it('is empty for identical harnesses and applying it changes nothing', () => {
    expect(createHarnessDiff(baseline, baseline)).toBe('');
    expect(applyHarnessDiff(baseline.files, '')).toEqual(baseline.files);
    expect(diffFiles('')).toEqual([]);
  });

  it('round-trips edited variants of the real baseline byte for byte', () => {
    const variants = [
      edited([{ file: 'prompts/challenger.md', search: '# Challenger\n', replace: '# Challenger\n\nRead the whole document first.\n' }]),
      edited([
        { file: 'prompts/quality-verifier.md', search: 'after the checks.\n', replace: 'after the checks.\n\n---\n-- note\n+++ plus\n' },
        { file: 'prompts/main-agent.md', search: '# Data scientist\n', replace: '' },
        { file: 'settings.json', search: '"challengersPerRound": 1', replace: '"challengersPerRound": 2' },
      ]),
      // The last newline of a file removed: the diff must carry "No newline at end of file".
      edited([{ file: 'prompts/challenger.md', search: 'different from each of them.\n', replace: 'different from each of them.' }]),
    ];
    for (const variant of variants) roundTrip(baseline.files, variant.files);
    expect(createHarnessDiff(baseline, variants[2]!)).toContain('different from each of them.\n\\ No newline at end of file\n');
    // Back from a candidate to the baseline, too.
    roundTrip(variants[2]!.files, baseline.files);
  });

  it('writes a git-style multi-file diff with a/ and b/ headers', () => {
    const variant = edited([
      { file: 'prompts/challenger.md', search: '# Challenger\n', replace: '# Example writer\n' },
      { file: 'settings.json', search: '"challengersPerRound": 1', replace: '"challengersPerRound": 2' },
    ]);
    const diff = createHarnessDiff(baseline, variant);
    expect(diff.startsWith('diff --git a/prompts/challenger.md b/prompts/challenger.md\n--- a/prompts/challenger.md\n+++ b/prompts/challenger.md\n@@ -1,6 +1,6 @@\n {{document}}\n \n-# Challenger\n+# Example writer\n')).toBe(true);
    expect(diff).toContain('diff --git a/settings.json b/settings.json\n--- a/settings.json\n+++ b/settings.json\n');
    expect(diff).toContain('-  "challengersPerRound": 1,\n+  "challengersPerRound": 2,\n');
    expect(diffFiles(diff)).toEqual(['prompts/challenger.md', 'settings.json']);
  });

  it('round-trips between the two baselines (added, removed and changed files)', () => {
    const cot = loadHarness(COT_DIR);
    roundTrip(baseline.files, cot.files);
    roundTrip(cot.files, baseline.files);
    expect(diffFiles(createHarnessDiff(baseline, cot))).toEqual(['manifest.json', 'prompts/challenger.md', 'prompts/main-agent.md', 'settings.json']);
  });

  it('handles files without a trailing newline, CRLF lines and empty files', () => {
    const base = { 'a.md': 'one\ntwo\nthree', 'b.md': 'x\r\ny\r\n', 'c.md': '', 'gone.md': 'bye\n', 'same.md': 'same' };
    const candidate = { 'a.md': 'one\n2\nthree\n', 'b.md': 'x\r\nz\r\n', 'c.md': 'now text', 'new.md': '', 'same.md': 'same' };
    roundTrip(base, candidate);
    roundTrip(candidate, base);
  });

  it('throws when the diff does not fit the base', () => {
    const variant = edited([{ file: 'prompts/challenger.md', search: '# Challenger\n', replace: '# Example writer\n' }]);
    const diff = createHarnessDiff(baseline, variant);
    const otherBase = { ...baseline.files, 'prompts/challenger.md': '# Something else\n' };
    expect(() => applyHarnessDiff(otherBase, diff)).toThrow(
      new AutodataError('DIFF_APPLY', 'diff does not apply to prompts/challenger.md: the base file differs from the one the diff was made from'),
    );
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EditRefused, type EditRefusalReason } from '../../src/errors.ts';
import { applyEdits, loadHarness, type ApplyEditsResult, type Harness, type HarnessEdit } from '../../src/harness/index.ts';
import { AGENTIC_DIR, COT_DIR, copyHarness } from './helpers.ts';

const baseline = loadHarness(AGENTIC_DIR);
const CHALLENGER = 'prompts/challenger.md';
const SENTENCE = 'If earlier attempts are listed above, write a new question that is different from each of them.';

function refusal(result: ApplyEditsResult): { reason: EditRefusalReason; message: string; filePath: string | undefined } {
  if (result.ok) throw new Error('expected a refusal');
  expect(result.refusal).toBeInstanceOf(EditRefused);
  return { reason: result.refusal.reason, message: result.refusal.message, filePath: result.refusal.filePath };
}

function accepted(result: ApplyEditsResult): Harness {
  if (!result.ok) throw new Error(`expected the edits to apply: ${result.refusal.message}`);
  return result.harness;
}

describe('applyEdits', () => {
  it('applies edits in order to a copy and leaves the parent untouched', () => {
    const parentFiles = { ...baseline.files };
    const edits: HarnessEdit[] = [
      { file: CHALLENGER, search: SENTENCE, replace: 'Write a question unlike the earlier ones.' },
      { file: CHALLENGER, search: 'Write a question unlike', replace: 'Write a new question unlike' },
      { file: 'settings.json', search: '"challengersPerRound": 1', replace: '"challengersPerRound": 3' },
    ];
    const result = applyEdits(baseline, edits);
    const child = accepted(result);
    expect(result.ok && result.changedFiles).toEqual([CHALLENGER, 'settings.json']);
    expect(child.files[CHALLENGER]).toBe(baseline.files[CHALLENGER]!.replace(SENTENCE, 'Write a new question unlike the earlier ones.'));
    expect(child.settings.challengersPerRound).toBe(3);
    expect(child.contentHash).not.toBe(baseline.contentHash);
    expect(baseline.files).toEqual(parentFiles);
  });

  it('keeps $ patterns in the replacement literal', () => {
    const child = accepted(applyEdits(baseline, [{ file: CHALLENGER, search: SENTENCE, replace: 'Cost: $& and $1.' }]));
    expect(child.files[CHALLENGER]).toContain('\nCost: $& and $1.\n');
  });

  it('accepts a leading ./ in the path', () => {
    const child = accepted(applyEdits(baseline, [{ file: `./${CHALLENGER}`, search: SENTENCE, replace: 'New.' }]));
    expect(child.files[CHALLENGER]).toContain('\nNew.\n');
  });

  it('refuses a path that climbs out of the harness', () => {
    expect(refusal(applyEdits(baseline, [{ file: '../x', search: 'a', replace: 'b' }]))).toEqual({
      reason: 'outside-harness',
      message: 'edit 1: "../x" is outside the harness: ".." leaves the harness folder',
      filePath: '../x',
    });
    expect(refusal(applyEdits(baseline, [{ file: 'prompts/../../x.md', search: 'a', replace: 'b' }])).reason).toBe('outside-harness');
  });

  it('refuses an absolute path', () => {
    expect(refusal(applyEdits(baseline, [{ file: '/etc/passwd', search: 'root', replace: 'toor' }]))).toEqual({
      reason: 'outside-harness',
      message: 'edit 1: "/etc/passwd" is outside the harness: absolute paths are not allowed',
      filePath: '/etc/passwd',
    });
  });

  it('refuses a file that is not in the harness (no new files)', () => {
    expect(refusal(applyEdits(baseline, [{ file: 'prompts/extra.md', search: 'a', replace: 'b' }]))).toEqual({
      reason: 'outside-harness',
      message:
        'edit 1: "prompts/extra.md" is outside the harness: not a file of this harness (new files are not allowed); files: ' +
        'manifest.json, prompts/challenger.md, prompts/judge.md, prompts/main-agent.md, prompts/quality-verifier.md, ' +
        'prompts/strong-solver.md, prompts/weak-solver.md, settings.json',
      filePath: 'prompts/extra.md',
    });
  });

  it('refuses a path that is a symbolic link in the harness folder', () => {
    const dir = copyHarness(AGENTIC_DIR);
    fs.symlinkSync('/etc', path.join(dir, 'linked'));
    const harness = loadHarness(dir);
    expect(refusal(applyEdits(harness, [{ file: 'linked/passwd', search: 'root', replace: 'toor' }]))).toEqual({
      reason: 'outside-harness',
      message: 'edit 1: "linked/passwd" is outside the harness: linked is a symbolic link',
      filePath: 'linked/passwd',
    });
    // A link created after loading is caught on disk when the folder is given.
    fs.rmSync(path.join(dir, CHALLENGER));
    fs.symlinkSync('/etc/hostname', path.join(dir, CHALLENGER));
    expect(refusal(applyEdits(harness, [{ file: CHALLENGER, search: SENTENCE, replace: 'x' }], { dir }))).toEqual({
      reason: 'outside-harness',
      message: `edit 1: "${CHALLENGER}" is outside the harness: ${CHALLENGER} is a symbolic link`,
      filePath: CHALLENGER,
    });
  });

  it('refuses an edit to a protected file', () => {
    const search = 'Work through the problem step by step, showing your reasoning, and end with your final answer.';
    expect(refusal(applyEdits(baseline, [{ file: 'prompts/weak-solver.md', search, replace: 'Answer briefly.' }]))).toEqual({
      reason: 'protected-file',
      message: 'edit 1: prompts/weak-solver.md is protected (it defines how the harness is evaluated); edit another file',
      filePath: 'prompts/weak-solver.md',
    });
    expect(refusal(applyEdits(baseline, [{ file: 'manifest.json', search: '"prompts/judge.md"', replace: '' }])).reason).toBe('protected-file');
  });

  it('refuses a settings.json edit that changes a protected key, but not one that changes an editable key', () => {
    expect(refusal(applyEdits(baseline, [{ file: 'settings.json', search: '"roundBudget": 10', replace: '"roundBudget": 30' }]))).toEqual({
      reason: 'protected-setting',
      message: 'settings.json: "roundBudget" is protected and must stay 10 (the edit makes it 30)',
      filePath: 'settings.json',
    });
    const attempts = { file: 'settings.json', search: '"solverAttempts": { "weak": 3, "strong": 3 },\n', replace: '' };
    // Deleting a protected key that equals its default changes nothing, so it is allowed...
    expect(accepted(applyEdits(baseline, [attempts])).settings.solverAttempts).toEqual({ weak: 3, strong: 3 });
    // ...but changing what it resolves to is not.
    const weaker = { file: 'settings.json', search: '"weak": 3', replace: '"weak": 1' };
    expect(refusal(applyEdits(baseline, [weaker])).message).toBe(
      'settings.json: "solverAttempts" is protected and must stay {"weak":3,"strong":3} (the edit makes it {"weak":1,"strong":3})',
    );
    const steps = { file: 'settings.json', search: '"agentStepBudget": 60', replace: '"agentStepBudget": 80' };
    expect(accepted(applyEdits(baseline, [steps])).settings.agentStepBudget).toBe(80);
  });

  it('refuses settings that no longer parse', () => {
    expect(refusal(applyEdits(baseline, [{ file: 'settings.json', search: '"agentStepBudget": 60', replace: '"agentStepBudget": "many"' }]))).toEqual({
      reason: 'invalid-settings',
      message: 'settings.json: "agentStepBudget" is "many"; allowed: an integer from 1 to 200',
      filePath: 'settings.json',
    });
    expect(refusal(applyEdits(baseline, [{ file: 'settings.json', search: '"agentStepBudget": 60,', replace: '"agentStepBudget": 60,,' }])).reason).toBe(
      'invalid-settings',
    );
    // A single-shot switch is fine; a switch that needs a prompt the harness lacks is refused.
    expect(accepted(applyEdits(baseline, [{ file: 'settings.json', search: '"agentic"', replace: '"scripted"' }])).settings.orchestrator).toBe('scripted');
    const cot = loadHarness(COT_DIR);
    expect(refusal(applyEdits(cot, [{ file: 'settings.json', search: '"single-shot"', replace: '"agentic"' }]))).toEqual({
      reason: 'invalid-settings',
      message: 'prompts/main-agent.md: missing; the agentic orchestrator needs the mainAgent prompt',
      filePath: 'prompts/main-agent.md',
    });
  });

  it('refuses a search text that is not found and names the closest lines', () => {
    const edit = { file: CHALLENGER, search: 'If earlier attempts are shown above, write a new question.', replace: 'x' };
    expect(refusal(applyEdits(baseline, [edit]))).toEqual({
      reason: 'search-not-found',
      message:
        'edit 1: search text not found in prompts/challenger.md; closest lines in the file: ' +
        '34: "If earlier attempts are listed above, write a new question that is different from each of them.", ' +
        '30: "## Earlier attempts", ' +
        '19: "- `question`: a single question about that situation. It should take reasoning to answer, not"; ' +
        'copy the search text exactly from the current file',
      filePath: CHALLENGER,
    });
  });

  it('says when a search text differs only in whitespace', () => {
    const edit = { file: CHALLENGER, search: 'If earlier  attempts are listed above,\nwrite a new question', replace: 'x' };
    expect(refusal(applyEdits(baseline, [edit])).message).toBe(
      'edit 1: search text not found in prompts/challenger.md; the text exists when whitespace is ignored: copy spaces and line breaks exactly as they are in the file',
    );
  });

  it('refuses a search text that matches more than once', () => {
    expect(refusal(applyEdits(baseline, [{ file: CHALLENGER, search: 'question', replace: 'task' }]))).toEqual({
      reason: 'search-not-unique',
      message:
        'edit 1: search text occurs 9 times in prompts/challenger.md (lines 6, 13, 15, 17, 19, 21, 34); include more surrounding text so it matches once',
      filePath: CHALLENGER,
    });
  });

  it('refuses edits that change nothing', () => {
    expect(refusal(applyEdits(baseline, [{ file: CHALLENGER, search: SENTENCE, replace: SENTENCE }]))).toEqual({
      reason: 'no-op',
      message: 'the edits leave every file exactly as it was; change something',
      filePath: undefined,
    });
    const there = { file: CHALLENGER, search: SENTENCE, replace: 'Temporary.' };
    const back = { file: CHALLENGER, search: 'Temporary.', replace: SENTENCE };
    expect(refusal(applyEdits(baseline, [there, back])).reason).toBe('no-op');
  });

  it('refuses an edit that removes a required placeholder or adds an unknown one', () => {
    expect(refusal(applyEdits(baseline, [{ file: CHALLENGER, search: '{{feedback}}', replace: 'See the notes.' }]))).toEqual({
      reason: 'placeholder-lost',
      message: 'prompts/challenger.md: missing required placeholder {{feedback}}',
      filePath: CHALLENGER,
    });
    expect(refusal(applyEdits(baseline, [{ file: CHALLENGER, search: SENTENCE, replace: 'Use {{hints}}.' }])).message).toBe(
      'prompts/challenger.md: unknown placeholder {{hints}}; allowed: document, feedback, learnings',
    );
  });

  it('refuses malformed edit lists', () => {
    expect(refusal(applyEdits(baseline, []))).toEqual({
      reason: 'malformed-edits',
      message: 'no edits given; send at least one {file, search, replace}',
      filePath: undefined,
    });
    expect(refusal(applyEdits(baseline, [{ file: CHALLENGER, search: '', replace: 'x' }]))).toEqual({
      reason: 'malformed-edits',
      message: 'edit 1 (prompts/challenger.md): empty search text; copy a unique piece of the current file',
      filePath: CHALLENGER,
    });
    const missingReplace = [{ file: CHALLENGER, search: SENTENCE }] as unknown as HarnessEdit[];
    expect(refusal(applyEdits(baseline, missingReplace)).message).toBe('edit 1: each edit needs string fields file, search and replace');
  });

  it('is all or nothing: a bad later edit refuses the whole list', () => {
    const good = { file: CHALLENGER, search: SENTENCE, replace: 'Fine.' };
    const bad = { file: 'prompts/judge.md', search: 'score 0', replace: 'score 1' };
    const result = applyEdits(baseline, [good, bad]);
    expect(refusal(result)).toEqual({
      reason: 'protected-file',
      message: 'edit 2: prompts/judge.md is protected (it defines how the harness is evaluated); edit another file',
      filePath: 'prompts/judge.md',
    });
    expect(baseline.files[CHALLENGER]).toContain(SENTENCE);
  });
});

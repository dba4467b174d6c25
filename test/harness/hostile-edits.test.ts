// Implementer edits whose model-written parts name Object.prototype members or go outside the
// documented settings bounds: each must come back as an ordinary refusal, never an exception.
import { describe, expect, it } from 'vitest';
import { EditRefused, type EditRefusalReason } from '../../src/errors.ts';
import {
  applyEdits,
  createHarnessDiff,
  applyHarnessDiff,
  loadHarness,
  renderFile,
  type ApplyEditsResult,
} from '../../src/harness/index.ts';
import { parseSettings } from '../../src/harness/settings.ts';
import { AGENTIC_DIR } from './helpers.ts';

const baseline = loadHarness(AGENTIC_DIR);

function refusal(result: ApplyEditsResult): { reason: EditRefusalReason; message: string; filePath: string | undefined } {
  if (result.ok) throw new Error('expected a refusal');
  expect(result.refusal).toBeInstanceOf(EditRefused);
  return { reason: result.refusal.reason, message: result.refusal.message, filePath: result.refusal.filePath };
}

const FILE_LIST =
  'manifest.json, prompts/challenger.md, prompts/judge.md, prompts/main-agent.md, prompts/quality-verifier.md, ' +
  'prompts/strong-solver.md, prompts/weak-solver.md, settings.json';

describe('applyEdits with file names that are Object.prototype members', () => {
  for (const file of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
    it(`refuses "${file}" as outside the harness`, () => {
      expect(refusal(applyEdits(baseline, [{ file, search: 'function', replace: 'x' }]))).toEqual({
        reason: 'outside-harness',
        message: `edit 1: "${file}" is outside the harness: not a file of this harness (new files are not allowed); files: ${FILE_LIST}`,
        filePath: file,
      });
    });
  }

  it('refuses "prompts/../x" and a prototype name after a good edit (all or nothing)', () => {
    expect(refusal(applyEdits(baseline, [{ file: 'prompts/../x', search: 'a', replace: 'b' }]))).toEqual({
      reason: 'outside-harness',
      message: 'edit 1: "prompts/../x" is outside the harness: ".." leaves the harness folder',
      filePath: 'prompts/../x',
    });
    const good = { file: 'settings.json', search: '"agentStepBudget": 60', replace: '"agentStepBudget": 61' };
    expect(refusal(applyEdits(baseline, [good, { file: './constructor', search: 'a', replace: 'b' }])).reason).toBe('outside-harness');
    expect(Object.getPrototypeOf(baseline.files)).toBe(Object.prototype);
  });

  it('shows control characters in a refused file name as escapes', () => {
    const file = 'prompts/\u001b[2Jx.md';
    expect(refusal(applyEdits(baseline, [{ file, search: 'a', replace: 'b' }])).message).toMatch(/^edit 1: "prompts\/\\x1b\[2Jx\.md" is outside the harness/);
  });
});

describe('settings edits with prototype keys', () => {
  it('refuses "__proto__" and "constructor" keys in settings.json as unknown keys', () => {
    const proto = { file: 'settings.json', search: '"agentStepBudget": 60', replace: '"agentStepBudget": 60, "__proto__": { "agentStepBudget": 5 }' };
    expect(refusal(applyEdits(baseline, [proto]))).toEqual({
      reason: 'invalid-settings',
      message: 'settings.json: unknown key "__proto__"',
      filePath: 'settings.json',
    });
    const constructor = { file: 'settings.json', search: '"agentStepBudget": 60', replace: '"agentStepBudget": 60, "constructor": 1' };
    expect(refusal(applyEdits(baseline, [constructor])).message).toBe('settings.json: unknown key "constructor"');
    const nested = { file: 'settings.json', search: '"weak": 3', replace: '"weak": 3, "__proto__": {}' };
    expect(refusal(applyEdits(baseline, [nested])).message).toBe('settings.json: unknown key "solverAttempts.__proto__"');
  });
});

describe('settings bounds', () => {
  const base = JSON.parse(baseline.files['settings.json']!) as Record<string, unknown>;
  const withSetting = (key: string, value: unknown) => JSON.stringify({ ...base, [key]: value });

  it('refuses agentStepBudget 1000000000 naming the setting, the value and the bounds', () => {
    const edit = { file: 'settings.json', search: '"agentStepBudget": 60', replace: '"agentStepBudget": 1000000000' };
    expect(refusal(applyEdits(baseline, [edit]))).toEqual({
      reason: 'invalid-settings',
      message: 'settings.json: "agentStepBudget" is 1000000000; allowed: an integer from 1 to 200',
      filePath: 'settings.json',
    });
    const most = { file: 'settings.json', search: '"agentStepBudget": 60', replace: '"agentStepBudget": 200' };
    const applied = applyEdits(baseline, [most]);
    expect(applied.ok && applied.harness.settings.agentStepBudget).toBe(200);
  });

  it('refuses challengersPerRound 9 and 0', () => {
    for (const value of [9, 0]) {
      const edit = { file: 'settings.json', search: '"challengersPerRound": 1', replace: `"challengersPerRound": ${value}` };
      expect(refusal(applyEdits(baseline, [edit])).message).toBe(`settings.json: "challengersPerRound" is ${value}; allowed: an integer from 1 to 8`);
    }
  });

  it.each([
    ['solverAttempts', { weak: 17, strong: 3 }, 'solverAttempts.weak', '17', 'an integer from 1 to 16'],
    ['solverTemperature', 2.5, 'solverTemperature', '2.5', 'a number from 0 to 2'],
    ['roundBudget', 51, 'roundBudget', '51', 'an integer from 1 to 50'],
    ['judgeMaxRetries', 11, 'judgeMaxRetries', '11', 'an integer from 0 to 10'],
    ['evaluationRetries', -1, 'evaluationRetries', '-1', 'an integer from 0 to 10'],
    ['agentStepBudget', 1e300, 'agentStepBudget', '1e+300', 'an integer from 1 to 200'],
    ['agentStepBudget', 2.5, 'agentStepBudget', '2.5', 'an integer from 1 to 200'],
  ])('%s = %j is out of bounds', (key, value, shownKey, shownValue, bounds) => {
    expect(parseSettings(withSetting(key, value))).toEqual({ ok: false, problem: `"${shownKey}" is ${shownValue}; allowed: ${bounds}` });
  });
});

describe('other lookups keyed by model-written text', () => {
  it('renders a template whose placeholder is a prototype name as a missing value, not a function', () => {
    expect(() => renderFile('Look: {{constructor}} {{toString}}', {})).toThrow('prompt: no value given for {{constructor}}, {{toString}}');
  });

  it('diffs file sets whose names are prototype members without reading Object.prototype', () => {
    const before = { 'a.md': 'one\n' };
    const after = JSON.parse('{"a.md": "one\\n", "constructor": "two\\n", "__proto__": "three\\n"}') as Record<string, string>;
    const diff = createHarnessDiff(before, after);
    expect(diff).toContain('+++ b/constructor');
    expect(diff).toContain('+++ b/__proto__');
    const rebuilt = applyHarnessDiff(before, diff);
    expect(Object.keys(rebuilt)).toEqual(['__proto__', 'a.md', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(rebuilt, '__proto__')?.value).toBe('three\n');
  });
});

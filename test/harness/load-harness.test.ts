import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { contentHash, harnessFromFiles, loadHarness, readHarnessFolder, writeHarness } from '../../src/harness/index.ts';
import { SETTINGS_KEYS } from '../../src/harness/settings.ts';
import { AGENTIC_DIR, COT_DIR, VERIFIABLE_DIR, copyHarness, tempDir } from './helpers.ts';

function loadError(dir: string): ConfigError {
  try {
    loadHarness(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadHarness to throw');
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const target = path.join(dir, file);
  fs.writeFileSync(target, change(fs.readFileSync(target, 'utf8')));
}

describe('loadHarness', () => {
  it('loads the agentic baseline with its settings and manifest', () => {
    const harness = loadHarness(AGENTIC_DIR);
    expect(Object.keys(harness.files)).toEqual([
      'manifest.json',
      'prompts/challenger.md',
      'prompts/judge.md',
      'prompts/main-agent.md',
      'prompts/quality-verifier.md',
      'prompts/strong-solver.md',
      'prompts/weak-solver.md',
      'settings.json',
    ]);
    expect(harness.settings).toEqual({
      orchestrator: 'agentic',
      mode: 'rubric',
      acceptance: 'paper-prompt',
      weakZeroRule: 'any',
      solverAttempts: { weak: 3, strong: 3 },
      earlyStop: true,
      solverTemperature: 1,
      roundBudget: 10,
      agentStepBudget: 60,
      agentWindowRounds: 0,
      challengersPerRound: 1,
      strongSolver: { mode: 'separate', samples: 4 },
      judgeMaxRetries: 2,
      evaluationRetries: 2,
    });
    expect(harness.manifest.protectedFiles).toEqual([
      'manifest.json',
      'prompts/weak-solver.md',
      'prompts/strong-solver.md',
      'prompts/judge.md',
    ]);
    expect(harness.manifest.protectedSettings).toEqual([
      'mode',
      'acceptance',
      'weakZeroRule',
      'solverAttempts',
      'strongSolver',
      'earlyStop',
      'solverTemperature',
      'roundBudget',
      'judgeMaxRetries',
      'evaluationRetries',
    ]);
    expect(harness.contentHash).toBe(contentHash(harness.files));
    expect(harness.files['prompts/weak-solver.md']).toBe(fs.readFileSync(path.join(AGENTIC_DIR, 'prompts/weak-solver.md'), 'utf8'));
    expect(harness.symlinks).toEqual([]);
  });

  it('loads the single-shot CoT baseline, which has no main agent prompt', () => {
    const harness = loadHarness(COT_DIR);
    expect(harness.settings.orchestrator).toBe('single-shot');
    expect(harness.settings.roundBudget).toBe(1);
    expect(harness.files['prompts/main-agent.md']).toBeUndefined();
    const agentic = loadHarness(AGENTIC_DIR);
    for (const file of ['prompts/quality-verifier.md', 'prompts/weak-solver.md', 'prompts/strong-solver.md', 'prompts/judge.md']) {
      expect(harness.files[file]).toBe(agentic.files[file]);
    }
    expect(harness.files['prompts/challenger.md']).toContain('`reasoning`');
  });

  it('loads the verifiable baseline: binary judge against the reference, 4 attempts per solver', () => {
    const harness = loadHarness(VERIFIABLE_DIR);
    expect(harness.settings.mode).toBe('verifiable');
    expect(harness.settings.acceptance).toBe('verifiable');
    expect(harness.settings.solverAttempts).toEqual({ weak: 4, strong: 4 });
    expect(harness.manifest.protectedFiles).toEqual(loadHarness(AGENTIC_DIR).manifest.protectedFiles);
  });

  it('gives the same content hash for the same files in any key order', () => {
    const { files } = readHarnessFolder(AGENTIC_DIR);
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(harnessFromFiles(reversed).contentHash).toBe(loadHarness(AGENTIC_DIR).contentHash);
  });

  it('names the file and the allowed placeholders for an unknown placeholder', () => {
    const dir = copyHarness(AGENTIC_DIR);
    edit(dir, 'prompts/challenger.md', (text) => `${text}\nAlso see {{foo}}.\n`);
    const error = loadError(dir);
    expect(error.message).toBe(`${dir}/prompts/challenger.md: unknown placeholder {{foo}}; allowed: document, feedback, learnings`);
    expect(error.path).toBe(`${dir}/prompts/challenger.md`);
  });

  it('names a missing role prompt', () => {
    const dir = copyHarness(AGENTIC_DIR);
    fs.rmSync(path.join(dir, 'prompts/quality-verifier.md'));
    expect(loadError(dir).message).toBe(
      `${dir}/prompts/quality-verifier.md: missing; the agentic orchestrator needs the qualityVerifier prompt`,
    );
  });

  it('requires the main agent prompt only for the agentic orchestrator', () => {
    const dir = copyHarness(AGENTIC_DIR);
    fs.rmSync(path.join(dir, 'prompts/main-agent.md'));
    expect(loadError(dir).message).toBe(`${dir}/prompts/main-agent.md: missing; the agentic orchestrator needs the mainAgent prompt`);
    edit(dir, 'settings.json', (text) => text.replace('"agentic"', '"scripted"'));
    expect(loadHarness(dir).settings.orchestrator).toBe('scripted');
  });

  it('rejects a missing and a repeated required placeholder', () => {
    const dir = copyHarness(AGENTIC_DIR);
    edit(dir, 'prompts/weak-solver.md', (text) => text.replace('{{question}}', ''));
    expect(loadError(dir).message).toBe(`${dir}/prompts/weak-solver.md: missing required placeholder {{question}}`);
    edit(dir, 'prompts/weak-solver.md', (text) => `${text}{{context}}{{question}}\n`);
    expect(loadError(dir).message).toBe(`${dir}/prompts/weak-solver.md: placeholder {{context}} appears 2 times; use it exactly once`);
  });

  it('checks the judge placeholders of the verifiable mode', () => {
    const dir = copyHarness(AGENTIC_DIR);
    edit(dir, 'settings.json', (text) => text.replace('"rubric"', '"verifiable"').replace('"paper-prompt"', '"verifiable"'));
    expect(loadError(dir).message).toBe(
      `${dir}/prompts/judge.md: unknown placeholder {{rubric}}; allowed: question, reference_answer, answer`,
    );
    expect(loadError(dir).issues).toEqual([
      `${dir}/prompts/judge.md: unknown placeholder {{rubric}}; allowed: question, reference_answer, answer`,
      `${dir}/prompts/judge.md: missing required placeholder {{reference_answer}}`,
    ]);
  });

  it('names the settings key that is wrong', () => {
    const dir = copyHarness(AGENTIC_DIR);
    edit(dir, 'settings.json', (text) => text.replace('"roundBudget": 10', '"roundBudget": 0'));
    expect(loadError(dir).message).toBe(`${dir}/settings.json: "roundBudget" is 0; allowed: an integer from 1 to 50`);
    edit(dir, 'settings.json', (text) => text.replace('"roundBudget": 0', '"roundBudget": 10, "rounds": 3'));
    expect(loadError(dir).message).toBe(`${dir}/settings.json: unknown key "rounds"`);
    edit(dir, 'settings.json', (text) => text.replace('"rounds": 3', '"solverAttempts": { "weak": 3, "strong": 3, "judge": 1 }').replace(/"solverAttempts": \{ "weak": 3, "strong": 3 \},\n/, ''));
    expect(loadError(dir).message).toBe(`${dir}/settings.json: unknown key "solverAttempts.judge"`);
  });

  it('rejects an acceptance preset that does not fit the mode', () => {
    const dir = copyHarness(AGENTIC_DIR);
    edit(dir, 'settings.json', (text) => text.replace('"paper-prompt"', '"verifiable"'));
    expect(loadError(dir).message).toBe(
      `${dir}/settings.json: acceptance: acceptance "verifiable" does not fit mode "rubric"; use "verifiable" exactly when mode is "verifiable"`,
    );
  });

  it('rejects a bad manifest', () => {
    const dir = copyHarness(AGENTIC_DIR);
    edit(dir, 'manifest.json', (text) => text.replace('"prompts/judge.md"', '"prompts/grader.md"'));
    expect(loadError(dir).message).toBe(`${dir}/manifest.json: protectedFiles names "prompts/grader.md", which is not in the harness`);
    edit(dir, 'manifest.json', (text) => text.replace('"roundBudget"', '"roundLimit"'));
    expect(loadError(dir).message).toBe(
      `${dir}/manifest.json: protectedSettings.7: Invalid option: expected one of ${SETTINGS_KEYS.map((key) => `"${key}"`).join('|')}`,
    );
    fs.rmSync(path.join(dir, 'manifest.json'));
    expect(loadError(dir).message).toBe(`${dir}/manifest.json: missing; every harness folder needs a manifest.json`);
  });

  it('rejects a prompt file that belongs to no role', () => {
    const dir = copyHarness(AGENTIC_DIR);
    fs.writeFileSync(path.join(dir, 'prompts/quality_verifier.md'), 'typo\n');
    expect(loadError(dir).message).toBe(
      `${dir}/prompts/quality_verifier.md: not a role prompt; prompt files are prompts/main-agent.md, prompts/challenger.md, prompts/quality-verifier.md, prompts/weak-solver.md, prompts/strong-solver.md, prompts/judge.md, prompts/loop-judge.md`,
    );
  });

  it('records symbolic links without following them', () => {
    const dir = copyHarness(AGENTIC_DIR);
    fs.symlinkSync('/etc/hostname', path.join(dir, 'notes.md'));
    const harness = loadHarness(dir);
    expect(harness.symlinks).toEqual(['notes.md']);
    expect(harness.files['notes.md']).toBeUndefined();
  });

  it('says when the folder does not exist', () => {
    expect(loadError('/nonexistent/harness').message).toBe(
      '/nonexistent/harness: harness folder not found; pass a folder with manifest.json, settings.json and prompts/',
    );
  });
});

describe('writeHarness', () => {
  it('writes exactly the harness files, and with clean removes anything else', () => {
    const harness = loadHarness(COT_DIR);
    const dir = path.join(tempDir(), 'out');
    fs.mkdirSync(path.join(dir, 'prompts'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'prompts/main-agent.md'), 'left over');
    writeHarness(dir, harness, { clean: true });
    expect(readHarnessFolder(dir).files).toEqual(harness.files);
    writeHarness(dir, harness.files);
    expect(loadHarness(dir).contentHash).toBe(harness.contentHash);
  });

  it('refuses to write outside the folder', () => {
    expect(() => writeHarness(tempDir(), { '../escape.md': 'x' })).toThrow(
      new ConfigError('../escape.md', 'cannot write this harness file: ".." leaves the harness folder'),
    );
  });
});

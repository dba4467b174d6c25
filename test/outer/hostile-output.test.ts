// Model-written text printed for a person: `autodata show` and `status` escape every control
// character (an edit summary holding ESC[2J must not clear the screen); `--json` keeps the exact strings.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/outer/event-lines.ts';
import * as population from '../../src/outer/population-store.ts';
import { RUN_KIND } from '../../src/outer/run-evolution.ts';
import { renderTable } from '../../src/report/table.ts';
import { openStore, recordRun } from '../../src/store/index.ts';
import { forTerminal } from '../../src/util/terminal-text.ts';
import { bin } from './support.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const HOSTILE = 'clear\u001b[2J bell\u0007 cr\r csi\u009b over\u202eexe.txt';
const VISIBLE = 'clear\\x1b[2J bell\\x07 cr\\r csi\\x9b over\\u202eexe.txt';
// Every character a terminal acts on, except the newline and tab that lay out a block.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const createdAt = '2026-01-01T00:00:00.000Z';

/** A real run store holding one child whose model-written parts are all HOSTILE. */
function hostileStore(): string {
  const storePath = path.join(temp, 'run.sqlite');
  const store = openStore(storePath);
  try {
    recordRun(store, { id: 'run-1', kind: RUN_KIND, name: 'hostile', config: { outer: { iterations: 1 } }, seed: 0 });
    const candidate = (id: string, iteration: number, parentId: string | null): population.CandidateRecord => ({
      id, parentId, iteration, contentHash: null, status: 'rejected', createdAt,
      diff: iteration === 0 ? '' : `diff --git a/prompts/challenger.md b/prompts/challenger.md\n+${HOSTILE}\n`,
      reason: iteration === 0 ? '' : `not better: ${HOSTILE}`,
      editSummary: iteration === 0 ? '' : HOSTILE,
    });
    population.insertCandidate(store, candidate('c0000', 0, null));
    population.insertCandidate(store, candidate('c0001', 1, 'c0000'));
    population.insertAnalysis(store, {
      iteration: 1, parentId: 'c0000', headline: HOSTILE, error: null, trajectories: 2, calls: 1, tokens: 10, createdAt,
      analysis: { headline: HOSTILE, failure_modes: [{ name: HOSTILE, count: 1, evidence: [HOSTILE], suggested_fix: HOSTILE }] },
    });
    population.insertEditAttempt(store, {
      iteration: 1, attempt: 1, summary: HOSTILE, edits: [], outcome: 'refused', refusalReason: 'outside-harness',
      message: `edit 1: "${HOSTILE}" is outside the harness`, calls: 1, tokens: 10, createdAt,
    });
    const row = (iteration: number, decision: population.IterationDecision): population.IterationRecord => ({
      iteration, parentId: 'c0000', childId: population.candidateId(iteration), decision, calls: 1, tokens: 1, finishedAt: createdAt,
      analysisHeadline: iteration === 0 ? '' : HOSTILE, editSummary: iteration === 0 ? '' : HOSTILE,
      parentScore: 0.5, childScore: iteration === 0 ? 0.5 : 0.25, reason: iteration === 0 ? '' : HOSTILE,
    });
    population.insertIteration(store, row(0, 'baseline'));
    population.insertIteration(store, row(1, 'rejected'));
  } finally {
    store.close();
  }
  return storePath;
}

const autodata = (...args: string[]) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: 'pipe' });

describe('model-written text on the terminal', () => {
  const storePath = hostileStore();

  it('show prints no raw control character and shows each as a visible escape', () => {
    const output = autodata('show', storePath, 'c0001');
    expect(output).not.toMatch(RAW_CONTROL);
    expect(output).toContain(`edit: ${VISIBLE}\n`);
    expect(output).toContain(`analysis (of parent c0000): ${VISIBLE}\n`);
    expect(output).toContain(`edit attempt 1: refused (outside-harness: edit 1: "${VISIBLE}" is outside the harness)`);
    expect(output).toContain(`+${VISIBLE}\n`);
    // The analysis JSON: JSON escapes C0 itself; the C1 and bidi characters are escaped on top.
    expect(output).toContain('"name": "clear\\u001b[2J bell\\u0007 cr\\r csi\\x9b over\\u202eexe.txt"');
  });

  it('show --json keeps the exact strings', () => {
    const details = JSON.parse(autodata('show', storePath, 'c0001', '--json')) as {
      candidate: population.CandidateRecord;
      analysis: population.AnalysisRecord;
      attempts: population.EditAttemptRecord[];
    };
    expect(details.candidate.editSummary).toBe(HOSTILE);
    expect(details.analysis.headline).toBe(HOSTILE);
    expect(details.attempts[0]!.message).toBe(`edit 1: "${HOSTILE}" is outside the harness`);
  });

  it('status prints no raw control character; --json keeps the exact strings', () => {
    const output = autodata('status', storePath);
    expect(output).not.toMatch(RAW_CONTROL);
    expect(output).toContain(`  Analysis: ${VISIBLE}\n  Edit: ${VISIBLE}\n`);
    expect(output).toContain(`iteration 1 attempt 1: outside-harness: edit 1: "${VISIBLE}" is outside the harness`);
    const status = JSON.parse(autodata('status', storePath, '--json')) as { iterations: population.IterationRecord[] };
    expect(status.iterations[1]!.analysisHeadline).toBe(HOSTILE);
    expect(status.iterations[1]!.editSummary).toBe(HOSTILE);
  });

  it('escapes the evolve progress lines and table cells', () => {
    const line = describeEvent({ type: 'edit-refused', iteration: 3, attempt: 2, reason: 'outside-harness', message: `bad ${HOSTILE}\nsecond line` });
    expect(line).toBe(`iteration 3: edit attempt 2 refused (outside-harness): bad ${VISIBLE}`);
    const table = renderTable(['document', 'n'], [[`doc\u001b[31m\nforged`, 1]]);
    expect(table).not.toMatch(RAW_CONTROL);
    expect(table.split('\n')).toHaveLength(3);
  });
});

describe('forTerminal', () => {
  it('keeps newline and tab in a block and escapes them in a line', () => {
    expect(forTerminal('a\n\tb\u001b[2J\u0008\u007f\u2066x\u2069')).toBe('a\n\tb\\x1b[2J\\x08\\x7f\\u2066x\\u2069');
    expect(forTerminal('a\n\tb\r', 'line')).toBe('a\\n\\tb\\r');
  });

  it('leaves ordinary text, accents and emoji alone and is idempotent', () => {
    const text = 'Café — naïve 数据 🙂 "quoted" \\x1b stays';
    expect(forTerminal(text)).toBe(text);
    expect(forTerminal(forTerminal(HOSTILE))).toBe(forTerminal(HOSTILE));
  });
});

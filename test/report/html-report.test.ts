// `autodata report` as data and HTML: a real run store written with the population-store functions,
// whose model-written parts (edit summary, analysis, refusal, the accepted example's question) are
// hostile: markup and terminal control characters. The page shows them as text, never as markup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDocumentResult } from '../../src/inner/document-results.ts';
import type { DocumentResult, RoundRecord } from '../../src/inner/result-schema.ts';
import * as population from '../../src/outer/population-store.ts';
import { RUN_KIND } from '../../src/outer/run-evolution.ts';
import { inlineSvg, renderReport, text } from '../../src/report/html-report.ts';
import { openStore, recordRun } from '../../src/store/index.ts';
import { writeAblationManifest, type AblationCell } from '../../src/workflow/ablation-manifest.ts';
import { reportData, type RunReport } from '../../src/workflow/report-data.ts';
import { loadTiny, runInProcess, writeTinyExperiment } from '../outer/support.ts';

const HOSTILE = '<script>alert(1)</script> clear\u001b[2J <img src=x onerror=alert(2)> over\u202eexe';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt; clear\\x1b[2J &lt;img src=x onerror=alert(2)&gt; over\\u202eexe';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const createdAt = '2026-01-01T00:00:00.000Z';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-report-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function round(fields: Partial<RoundRecord>): RoundRecord {
  return {
    round: 1, feedback_given: 'No earlier attempts.', question_type: 'analysis', reasoning_skills: [], context: 'ctx', question: 'q', reference_answer: 'ref',
    rubric: [], rubric_format_errors: [], quality_check: null, weak: null, strong: null, gap: null, accepted: false,
    failure_reason: null, failure_detail: null, evaluation_report: { weak: [], strong: [] }, ...fields,
  };
}

function episode(documentId: string, rounds: RoundRecord[], simulated: boolean): DocumentResult {
  const accepted = rounds.find((entry) => entry.accepted);
  return {
    document_id: documentId, title: `Paper ${documentId}`, harness: { content_hash: 'h0', orchestrator: 'scripted', mode: 'rubric', acceptance: 'paper' },
    seed: 0, repeat: 0, simulated, question_type: null, reasoning_skills: [], rounds,
    final_accepted_round: accepted?.round ?? null, total_rounds: rounds.length, end_reason: accepted ? null : 'gave-up',
    false_acceptance_claims: 0, agent_steps: 0, usage: {}, error: null, finished: true,
  };
}

/** A run: baseline c0000 (hash h0) evaluated on d1 (accepted, hostile question) and d2 (too easy twice, then gave up); child c0001 refused then applied and rejected. */
function writeRun(folder: string, options: { endpoints: string; simulatedEpisodes: boolean }): string {
  fs.mkdirSync(folder, { recursive: true });
  const storePath = path.join(folder, 'run.sqlite');
  const store = openStore(storePath);
  try {
    recordRun(store, { id: 'run-1', kind: RUN_KIND, name: 'hostile', config: { name: 'hostile', endpoints: options.endpoints, outer: { iterations: 1 } }, seed: 0 });
    population.insertCandidate(store, { id: 'c0000', parentId: null, iteration: 0, diff: '', contentHash: 'h0', status: 'accepted', reason: '', editSummary: '', createdAt });
    population.insertCandidate(store, {
      id: 'c0001', parentId: 'c0000', iteration: 1, contentHash: 'h1', status: 'accepted', reason: 'better', editSummary: HOSTILE, createdAt,
      diff: `--- a/prompts/challenger.md\n+++ b/prompts/challenger.md\n@@ -1,2 +1,2 @@\n same line\n-old line\n+${HOSTILE}\n`,
    });
    const outcome = (documentId: string, accepted: boolean): population.OutcomeSummary => ({
      documentId, accepted, acceptedRound: accepted ? 1 : null, totalRounds: accepted ? 1 : 2, weakMean: 0.2, strongMean: 0.8, gap: 0.6, calls: 4, tokens: 40,
    });
    const evaluation = (candidateId: string, iteration: number, passRate: number): population.EvaluationRecord => ({
      candidateId, iteration, splitPart: 'validation', repeat: iteration, seed: 0, passRate, documents: 2, errored: 0, accepted: Math.round(passRate * 2),
      calls: 8, tokens: 80, outcomes: [outcome('d1', passRate > 0), outcome('d2', false)], createdAt,
    });
    population.insertEvaluation(store, evaluation('c0000', 0, 0.5));
    population.insertEvaluation(store, evaluation('c0000', 1, 0.5));
    population.insertEvaluation(store, { ...evaluation('c0001', 1, 1), accepted: 2, outcomes: [outcome('d1', true), outcome('d2', true)] });
    const key = (documentId: string) => ({ harnessHash: 'h0', documentId, seed: 0, repeat: 0 });
    const hostileRubric = [{ criterion: HOSTILE, weight: 5, category: 'correctness' }];
    saveDocumentResult(store, key('d1'), episode('d1', [round({ accepted: true, question: HOSTILE, context: 'The context.', reference_answer: '42', rubric: hostileRubric })], options.simulatedEpisodes), () => createdAt);
    saveDocumentResult(store, key('d2'), episode('d2', [round({ failure_reason: 'too-easy' }), round({ round: 2, failure_reason: 'too-easy' })], options.simulatedEpisodes), () => createdAt);
    population.insertAnalysis(store, {
      iteration: 1, parentId: 'c0000', headline: HOSTILE, error: null, trajectories: 2, calls: 1, tokens: 10, createdAt,
      analysis: { headline: HOSTILE, failure_modes: [{ name: 'too easy', count: 2, evidence: [HOSTILE], suggested_fix: 'ask harder questions' }] },
    });
    population.insertEditAttempt(store, {
      iteration: 1, attempt: 1, summary: HOSTILE, edits: [], outcome: 'refused', refusalReason: 'outside-harness', message: `edit 1: ${HOSTILE}`, calls: 1, tokens: 10, createdAt,
    });
    population.insertEditAttempt(store, { iteration: 1, attempt: 2, summary: HOSTILE, edits: [], outcome: 'applied', refusalReason: null, message: '', calls: 1, tokens: 10, createdAt });
    const iteration = (index: number, decision: population.IterationDecision): population.IterationRecord => ({
      iteration: index, parentId: 'c0000', childId: index === 0 ? null : 'c0001', decision, calls: 1, tokens: 1, finishedAt: createdAt,
      analysisHeadline: index === 0 ? '' : HOSTILE, editSummary: index === 0 ? '' : HOSTILE, parentScore: 0.5, childScore: index === 0 ? null : 1, reason: index === 0 ? 'baseline' : HOSTILE,
    });
    population.insertIteration(store, iteration(0, 'baseline'));
    population.insertIteration(store, iteration(1, 'accepted'));
    const log = store.db.prepare(
      `INSERT INTO llm_call_log (role, endpoint_id, model, schema_name, seed, cache_key, prompt_tokens, completion_tokens, latency_ms, cache_hit, attempts, reasked, outcome, error, created_at)
       VALUES (?, 'sim', 'sim-agent', NULL, 0, 'k', ?, ?, 1, ?, ?, 0, 'ok', NULL, ?)`,
    );
    log.run('challenger', 100, 20, 0, 2, createdAt);
    log.run('challenger', 50, 10, 0, 1, createdAt);
    log.run('challenger', 999, 999, 1, 0, createdAt); // a cache hit: not paid
    log.run('judge', 30, 5, 0, 1, createdAt);
  } finally {
    store.close();
  }
  return folder;
}

describe('text()', () => {
  it('escapes markup and shows control and bidi characters as visible escapes', () => {
    expect(text(HOSTILE)).toBe(ESCAPED);
    expect(text(`a "quoted" 'value' & more`)).toBe('a &quot;quoted&quot; &#39;value&#39; &amp; more');
    expect(text('line one\nline two\ttab')).toBe('line one\nline two\ttab');
    expect(text(null)).toBe('');
  });

  it('refuses a chart SVG that holds a script or an external reference', () => {
    expect(() => inlineSvg('<svg><script>alert(1)</script></svg>')).toThrow(/does not embed/);
    expect(() => inlineSvg('<svg><image href="http://example.com/x.png"/></svg>')).toThrow(/does not embed/);
    expect(() => inlineSvg('<div>not svg</div>')).toThrow(/does not embed/);
    expect(inlineSvg('<svg width="1"><text>&lt;script&gt; \u001b</text></svg>')).toBe('<svg width="1"><text>&lt;script&gt; \\x1b</text></svg>');
  });
});

describe('a run report', () => {
  let simulated: RunReport;
  let html: string;

  beforeAll(async () => {
    const data = await reportData(writeRun(path.join(temp, 'sim-run'), { endpoints: 'sim', simulatedEpisodes: true }), { now: () => new Date(createdAt) });
    if (data.kind !== 'run') throw new Error('expected a run report');
    simulated = data;
    html = renderReport(data);
  });

  it('reads the run: best diff, history with refusals, failure reasons from the episodes, paid cost per role, one accepted example', () => {
    expect(simulated.simulated).toEqual({ reason: 'the run config says endpoints: "sim"' });
    expect(simulated.bestDiff).toMatchObject({ candidateId: 'c0001', editSummary: HOSTILE });
    expect(simulated.history.map((entry) => entry.record.decision)).toEqual(['baseline', 'accepted']);
    expect(simulated.history[1]!.attempts.map((attempt) => attempt.outcome)).toEqual(['refused', 'applied']);
    expect(simulated.history[1]!.analysis?.modes?.[0]).toMatchObject({ name: 'too easy', count: 2 });
    // c0000's episodes are stored under repeat 0; its repeat-1 evaluation and c0001's have none stored.
    expect(simulated.failures.map((row) => [row.iteration, row.candidateId, row.part, row.reasons['too-easy'], row.reasons['gave-up'], row.missing])).toEqual([
      [0, 'c0000', 'baseline', 2, 1, 0],
      [1, 'c0000', 'parent', 0, 0, 2],
      [1, 'c0001', 'child', 0, 0, 2],
    ]);
    expect(simulated.costByRole).toEqual([
      // No role has a price here: the cost is unknown (0 over no priced call, every paid call unpriced).
      { role: 'challenger', calls: 2, requests: 3, promptTokens: 150, completionTokens: 30, cacheHits: 1, costUsd: 0, pricedCalls: 0, unpricedCalls: 2 },
      { role: 'judge', calls: 1, requests: 1, promptTokens: 30, completionTokens: 5, cacheHits: 0, costUsd: 0, pricedCalls: 0, unpricedCalls: 1 },
    ]);
    expect(simulated.examples).toHaveLength(1);
    expect(simulated.examples[0]).toMatchObject({ documentId: 'd1', question: HOSTILE, referenceAnswer: '42', candidateIds: ['c0000'], simulated: true });
    expect(simulated.chartSvg).toMatch(/^<svg[\s\S]*<path /);
  });

  it('shows every hostile string as text: no script, no img, no raw control character', () => {
    expect(html).not.toMatch(/<script|<img|<link|<iframe|<object|<embed/i);
    expect(html).not.toMatch(RAW_CONTROL);
    // Nothing that fetches: no src/href attribute, no CSS url() or @import, no address but the SVG namespaces.
    expect(html).not.toMatch(/url\(|@import|\s(src|href)\s*=\s*["']|https?:\/\/(?!www\.w3\.org\/)/i);
    // The edit summary, the diff line, the analysis, the refusal, the question and its rubric.
    expect(html.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(6);
    expect(html).toContain(`<span class="add">+${ESCAPED}</span>`);
    expect(html).toContain(`<span class="ctx"> same line</span><span class="del">-old line</span><span class="add">+${ESCAPED}</span></pre>`);
    expect(html).toContain(`<div class="text">${ESCAPED}</div>`);
  });

  it('is one page with a strict content security policy, the curve inline and the simulated-data banner at the top', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`);
    const banner = html.indexOf('id="simulated-banner"');
    expect(banner).toBeGreaterThan(html.indexOf('<body>'));
    expect(banner).toBeLessThan(html.indexOf('<header>'));
    expect(html).toContain('the run config says endpoints: &quot;sim&quot;');
    // The best candidate's diff on the sim is said to be no evidence of what an optimizer would find.
    const caveat = html.indexOf('id="sim-diff-caveat"');
    expect(caveat).toBeGreaterThan(html.indexOf('<section id="diff">'));
    expect(caveat).toBeLessThan(html.indexOf('<pre class="diff">'));
    expect(html).toMatch(/<section id="curve">\n<h2>Curve<\/h2>\n<div class="chart"><svg /);
    for (const id of ['summary', 'final-test', 'diff', 'history', 'failures', 'cost', 'examples', 'config']) expect(html).toContain(`<section id="${id}">`);
  });

  it('marks a run simulated by its episodes alone, and shows no banner for real endpoints', async () => {
    const byEpisodes = await reportData(writeRun(path.join(temp, 'episodes'), { endpoints: '/abs/endpoints.yaml', simulatedEpisodes: true }));
    expect(byEpisodes.simulated).toEqual({ reason: 'its episodes (result.json) say simulated: true' });
    expect(renderReport(byEpisodes)).toContain('id="simulated-banner"');
    const real = await reportData(writeRun(path.join(temp, 'real'), { endpoints: '/abs/endpoints.yaml', simulatedEpisodes: false }));
    expect(real.simulated).toBeNull();
    expect(renderReport(real)).not.toContain('sim-diff-caveat');
    expect(renderReport(real)).not.toContain('simulated-banner');
  });
});

describe('an ablation report (real tiny runs on the sim)', () => {
  it('holds the manifest, the comparison with intervals, the arm curves, each arm\'s cells and the best cell\'s diff', async () => {
    const dir = path.join(temp, 'populations', 'abl');
    fs.mkdirSync(dir, { recursive: true });
    const outer = (trainMinibatchSize: number) => ({
      iterations: 1, concurrentIterations: 1, trainMinibatchSize, validationLimit: 2,
      parentSelection: { kind: 'boltzmann' as const, temperature: 0.1 }, acceptance: { kind: 'strict' as const }, implementerRetries: 1, finalTest: false,
    });
    const arms = [{ id: 'a1', size: 2 }, { id: 'a2', size: 1 }];
    const cells: AblationCell[] = [];
    for (const arm of arms) {
      for (const seed of [1, 2]) {
        const file = writeTinyExperiment(dir, `${arm.id}-s${seed}`, { seed, outer: outer(arm.size) });
        cells.push({ arm: arm.id, seed, runDir: `${arm.id}-s${seed}`, experimentFile: path.basename(file) });
        // a2 seed 2 is never started.
        if (!(arm.id === 'a2' && seed === 2)) await runInProcess(loadTiny(file, { seed }), path.join(dir, `${arm.id}-s${seed}`));
      }
    }
    writeAblationManifest(dir, {
      kind: 'ablation', name: 'abl <b>bold</b>', experiment: 'base.json', seeds: [1, 2],
      vary: [{ key: 'outer.trainMinibatchSize', values: [2, 1] }],
      arms: arms.map((arm) => ({ id: arm.id, label: `outer.trainMinibatchSize=${arm.size}`, values: [{ key: 'outer.trainMinibatchSize', value: arm.size }] })),
      cells, createdAt,
    });

    const data = await reportData('abl', { cwd: temp });
    if (data.kind !== 'ablation') throw new Error('expected an ablation report');
    expect(data.simulated?.reason).toMatch(/endpoints: "sim"/);
    expect(data.comparison.arms.map((arm) => [arm.id, arm.seeds])).toEqual([['a1', [1, 2]], ['a2', [1]]]);
    expect(data.arms.map((arm) => arm.cells.map((cell) => [cell.seed, cell.runDir, cell.status]))).toEqual([
      [[1, 'a1-s1', 'completed'], [2, 'a1-s2', 'completed']],
      [[1, 'a2-s1', 'completed'], [2, 'a2-s2', 'not started']],
    ]);
    expect(data.chartNotes).toEqual([expect.stringMatching(/arm a2 seed 2: not started/)]);
    const best = Math.max(...data.comparison.arms.flatMap((arm) => arm.runs.map((run) => run.bestValidation ?? -1)));
    expect(data.bestCell?.bestValidation).toBe(best);

    const html = renderReport(data);
    expect(html).toContain('<h1>Ablation abl &lt;b&gt;bold&lt;/b&gt;</h1>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toMatch(/<section id="curve">\n<h2>Arm curves<\/h2>\n<div class="chart"><svg /);
    expect(html).toContain('<section id="arm-a1">');
    expect(html).toContain('<span class="status status-not-started">not started</span>');
    const a1 = data.comparison.arms[0]!.metrics.bestValidation;
    expect(html).toContain(`<td>${a1.mean!.toFixed(3)} [${a1.low!.toFixed(3)}, ${a1.high!.toFixed(3)}]</td>`);
    expect(html).toContain('95% Student t interval');
  }, 120_000);
});

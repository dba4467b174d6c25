// `autodata report` as one self-contained HTML page: report data -> an HTML string that opens
// offline. Inline CSS, the curve as inline SVG, no script, no link, no image, nothing fetched; a
// Content-Security-Policy that forbids every fetch and every script says so to the browser too.
// Every string that a model, a document or a person wrote goes through `text()`: HTML-escaped, and
// control and bidi characters shown as visible escapes (`\x1b`), never as markup.
import type { MeanInterval } from '../workflow/intervals.ts';
import type { AblationReport, CandidateDiff, ExampleView, FailureRow, HistoryEntry, ReportData, RunReport, SimulatedMark } from '../workflow/report-data.ts';
import { forTerminal } from '../util/terminal-text.ts';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Any value as HTML text: markup escaped, control characters made visible. Safe in text and in quoted attributes. */
export function text(value: unknown): string {
  const raw = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  return forTerminal(raw).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Elements an SVG from the chart renderer never holds; one that does is refused rather than embedded. */
const FORBIDDEN_SVG = /<\s*\/?\s*(script|foreignObject|iframe|image|img|a|use|style|link|object|embed)\b/i;

/** The renderer's SVG, checked (an `<svg>` root, none of the elements above) and stripped of control characters. */
export function inlineSvg(svg: string): string {
  const trimmed = svg.trim();
  if (!/^<svg[\s>]/.test(trimmed) || FORBIDDEN_SVG.test(trimmed)) throw new Error('the chart SVG holds an element a report page does not embed');
  return forTerminal(trimmed);
}

export function renderReport(data: ReportData): string {
  return data.kind === 'run' ? renderRunReport(data) : renderAblationReport(data);
}

export function renderRunReport(data: RunReport): string {
  const { run, summary } = data;
  const counts = Object.entries(summary.candidatesByStatus).map(([status, count]) => `${status} ${count}`).join(', ');
  const body = [
    banner(data.simulated),
    `<header><h1>Run ${text(run.name)}</h1>`,
    `<p class="meta">run ${text(run.id)} · ${text(run.status)} · seed ${text(run.seed)} · config ${text(run.configHash.slice(0, 12))} · created ${text(run.createdAt)}${
      run.finishedAt ? ` · finished ${text(run.finishedAt)}` : ''
    }</p><p class="meta">folder ${text(data.source)}</p></header>`,
    section('summary', 'Summary', [
      '<dl class="facts">',
      fact('iterations', `${summary.iterationsDone} of ${summary.iterationsPlanned ?? '?'}`),
      fact('candidates', counts),
      fact('best', summary.best ? `${summary.best.id}: validation pass rate ${fixed(summary.best.score)} (mean of ${summary.best.evaluations} evaluation${plural(summary.best.evaluations)})` : 'none yet'),
      fact('paid', `${summary.calls} calls, ${summary.tokens} tokens${summary.retried > 0 ? `, ${summary.retried} retried requests` : ''} (cache hits excluded)`),
      fact('held-out test', data.finalTest
        ? `baseline ${fixed(data.finalTest.baseline.passRate)} → best ${data.finalTest.best.candidateId} ${fixed(data.finalTest.best.passRate)}`
        : 'not run'),
      '</dl>',
    ]),
    section('curve', 'Curve', [data.chartSvg ? `<div class="chart">${inlineSvg(data.chartSvg)}</div>` : '<p class="none">No iteration has finished yet: nothing to plot.</p>']),
    section('final-test', 'Held-out test', [finalTestTable(data)]),
    section('diff', 'Best candidate against the baseline', [...simDiffCaveat(data.simulated), diffBlock(data.bestDiff, 'The baseline is still the best candidate: there is no diff.')]),
    section('history', 'History', historyBlock(data.history)),
    section('failures', 'Failure reasons of the validation evaluations', failureTable(data.failures)),
    section('cost', 'Cost per role', [costTable(data)]),
    section('examples', `Accepted examples (a sample of ${data.examples.length})`, data.examples.length === 0 ? ['<p class="none">No example has been accepted yet.</p>'] : data.examples.map(exampleBlock)),
    section('config', 'Config', [`<pre class="json">${text(JSON.stringify(data.config, null, 2))}</pre>`]),
    footer(data.generatedAt),
  ];
  return page(`autodata report: run ${run.name}`, body);
}

export function renderAblationReport(data: AblationReport): string {
  const { manifest, comparison } = data;
  const body = [
    banner(data.simulated),
    `<header><h1>Ablation ${text(manifest.name)}</h1>`,
    `<p class="meta">${manifest.arms.length} arm${plural(manifest.arms.length)} × ${manifest.seeds.length} seed${plural(manifest.seeds.length)} · created ${text(manifest.createdAt)}</p>`,
    `<p class="meta">folder ${text(data.source)}</p></header>`,
    section('manifest', 'Manifest', [
      '<dl class="facts">',
      fact('experiment', manifest.experiment),
      fact('seeds', manifest.seeds.join(', ')),
      '</dl>',
      table(['varied key', 'values'], manifest.vary.map((entry) => [text(entry.key), text(entry.values.map(show).join(', '))])),
      table(['arm', 'label', 'values'], manifest.arms.map((arm) => [text(arm.id), text(arm.label), text(arm.values.map((entry) => `${entry.key}=${show(entry.value)}`).join(', '))])),
    ]),
    section('comparison', 'Comparison', comparisonBlock(data)),
    section('curve', 'Arm curves', [
      data.chartSvg ? `<div class="chart">${inlineSvg(data.chartSvg)}</div>` : '<p class="none">Nothing to plot yet.</p>',
      ...(data.chartNotes.length > 0 ? [`<ul class="notes">${data.chartNotes.map((note) => `<li>${text(note)}</li>`).join('')}</ul>`] : []),
    ]),
    ...data.arms.map((arm) =>
      section(`arm-${arm.id}`, `Arm ${arm.id}: ${arm.label}`, [
        table(
          ['seed', 'run folder', 'status', 'iterations', 'best validation', 'test: best', 'calls', 'tokens'],
          arm.cells.map((cell) => [
            text(cell.seed), text(cell.runDir), `<span class="status status-${cssWord(cell.status)}">${text(cell.status)}</span>`,
            text(`${cell.iterationsDone} of ${cell.iterationsPlanned ?? '?'}`), fixed(cell.bestValidation), fixed(cell.testBest), text(cell.calls), text(cell.tokens),
          ]),
        ),
      ]),
    ),
    section('diff', 'Best cell: its best candidate against the baseline', data.bestCell
      ? [...simDiffCaveat(data.simulated), `<p>arm ${text(data.bestCell.arm)}, seed ${text(data.bestCell.seed)} (${text(data.bestCell.runDir)}): best validation ${fixed(data.bestCell.bestValidation)}</p>`,
        diffBlock(data.bestCell.diff, 'Its baseline is still its best candidate: there is no diff.')]
      : ['<p class="none">No cell has a scored candidate yet.</p>']),
    footer(data.generatedAt),
  ];
  return page(`autodata report: ablation ${manifest.name}`, body);
}

function comparisonBlock(data: AblationReport): string[] {
  const { comparison } = data;
  const columns: Array<{ key: keyof AblationReport['comparison']['arms'][number]['metrics']; title: string; digits: number }> = [
    { key: 'bestValidation', title: 'best validation', digits: 3 },
    { key: 'testBest', title: 'test: best', digits: 3 },
    { key: 'testBaseline', title: 'test: baseline', digits: 3 },
    { key: 'iterationsDone', title: 'iterations', digits: 1 },
    { key: 'accepted', title: 'accepted', digits: 1 },
    { key: 'calls', title: 'calls', digits: 0 },
    { key: 'tokens', title: 'tokens', digits: 0 },
  ];
  const blocks = [
    table(
      ['arm', 'label', 'seeds', ...columns.map((column) => column.title)],
      comparison.arms.map((arm) => [text(arm.id), text(arm.label), text(`${arm.seeds.length} of ${arm.runs.length}`), ...columns.map((column) => text(interval(arm.metrics[column.key], column.digits, arm.seeds.length)))]),
    ),
  ];
  if (comparison.differences.length > 0) {
    blocks.push(
      '<h3>Paired differences by seed (arm minus the first arm)</h3>',
      table(
        ['difference', 'pairs', 'best validation', 'test: best', 'calls', 'tokens'],
        comparison.differences.map((difference) => [
          text(difference.label), text(difference.metrics.bestValidation.pairs),
          text(interval(difference.metrics.bestValidation, 3)), text(interval(difference.metrics.testBest, 3)),
          text(interval(difference.metrics.calls, 0)), text(interval(difference.metrics.tokens, 0)),
        ]),
      ),
    );
  }
  blocks.push(`<p class="meta">Means over completed runs, ${text(comparison.intervalMethod)}.</p>`);
  if (comparison.incomplete.length > 0) {
    blocks.push(`<p>Left out of the means (not completed):</p><ul class="notes">${comparison.incomplete
      .map((entry) => `<li>arm ${text(entry.arm ?? '-')} seed ${text(entry.seed ?? '-')}: ${text(entry.status)}${
        entry.status === 'not started' ? '' : `, ${text(entry.iterationsDone)} of ${text(entry.iterationsPlanned ?? '?')} iterations`
      }</li>`)
      .join('')}</ul>`);
  }
  if (comparison.warnings.length > 0) blocks.push(`<ul class="warnings">${comparison.warnings.map((warning) => `<li>${text(warning)}</li>`).join('')}</ul>`);
  return blocks;
}

function finalTestTable(data: RunReport): string {
  const test = data.finalTest;
  if (!test) return '<p class="none">The held-out test has not run (it runs once, after the last iteration, when outer.finalTest is on).</p>';
  return [
    `<p>${text(test.documents)} test documents, after iteration ${text(test.iteration)}; the same documents and seeds for both.</p>`,
    table(
      ['candidate', 'test pass rate', 'accepted', 'validation mean'],
      [
        [`${text(test.baseline.candidateId)} (baseline)`, fixed(test.baseline.passRate), text(test.baseline.accepted), '-'],
        ...(test.best.candidateId === test.baseline.candidateId
          ? []
          : [[`${text(test.best.candidateId)} (best)`, fixed(test.best.passRate), text(test.best.accepted), fixed(test.best.validationScore)]]),
      ],
    ),
  ].join('\n');
}

/**
 * On the sim, the implementer draws its edits from a catalogue written from the paper's findings and
 * the personas reward those same phrases: a diff that "rediscovers" the paper is there by
 * construction. Said beside every diff a sim run shows.
 */
function simDiffCaveat(simulated: unknown): string[] {
  if (!simulated) return [];
  return [
    '<p class="caveat" id="sim-diff-caveat">On the sim this diff is not evidence of what an optimizer would find: the simulated implementer picks its edits from a catalogue written from the paper\'s findings, and the simulated models reward exactly those phrases. The sim tests the optimizer\'s machinery and settings (selection, acceptance, budgets, refusals), not what a real analyzer and implementer would discover.</p>',
  ];
}

function diffBlock(diff: CandidateDiff | null, none: string): string {
  if (!diff) return `<p class="none">${text(none)}</p>`;
  const lines = diff.diff.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rendered = lines.map((line) => {
    const kind = /^(\+\+\+|---|diff |index )/.test(line) ? 'meta' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
    return `<span class="${kind}">${text(line)}</span>`;
  });
  return [
    `<p>${text(diff.candidateId)} (iteration ${text(diff.iteration)}, parent ${text(diff.parentId ?? '-')}), validation ${fixed(diff.score)}</p>`,
    `<p class="summary">edit: ${text(diff.editSummary) || '<span class="none">(no summary)</span>'}</p>`,
    // Each line is a block of its own (its background spans the width), so no newline between them.
    `<pre class="diff">${rendered.join('') || '<span class="none">(empty diff)</span>'}</pre>`,
  ].join('\n');
}

function historyBlock(history: HistoryEntry[]): string[] {
  if (history.length === 0) return ['<p class="none">No iteration has finished yet.</p>'];
  const overview = table(
    ['iteration', 'parent', 'child', 'decision', 'parent → child', 'reason', 'paid calls', 'tokens'],
    history.map(({ record }) => [
      text(record.iteration), text(record.parentId), text(record.childId ?? '-'),
      `<span class="decision decision-${cssWord(record.decision)}">${text(record.decision)}</span>`,
      `${fixed(record.parentScore)} → ${fixed(record.childScore)}`, text(record.reason), text(record.calls), text(record.tokens),
    ]),
  );
  const entries = history.filter((entry) => entry.record.iteration > 0).map((entry) => {
    const parts = [`<h3>Iteration ${text(entry.record.iteration)}: <span class="decision decision-${cssWord(entry.record.decision)}">${text(entry.record.decision)}</span></h3>`];
    const analysis = entry.analysis;
    if (analysis) {
      parts.push(`<p><b>analysis</b> of ${text(entry.record.parentId)}: ${text(analysis.headline)}${analysis.error ? ` <span class="refused">(error: ${text(analysis.error)})</span>` : ''}</p>`);
      if (analysis.modes && analysis.modes.length > 0) {
        parts.push(`<ul class="modes">${analysis.modes
          .map((mode) => `<li><b>${text(mode.name)}</b> (${text(mode.count)}): ${text(mode.suggestedFix)}${
            mode.evidence.length > 0 ? `<ul>${mode.evidence.map((line) => `<li class="evidence">${text(line)}</li>`).join('')}</ul>` : ''
          }</li>`)
          .join('')}</ul>`);
      }
      if (analysis.raw) parts.push(`<pre class="json">${text(analysis.raw)}</pre>`);
    } else if (entry.record.analysisHeadline) {
      parts.push(`<p><b>analysis</b>: ${text(entry.record.analysisHeadline)}</p>`);
    }
    for (const attempt of entry.attempts) {
      parts.push(attempt.outcome === 'refused'
        ? `<p class="attempt refused"><b>edit attempt ${text(attempt.attempt)}: refused</b> (${text(attempt.refusalReason ?? 'no reason')}): ${text(attempt.summary)}<br><span class="message">${text(attempt.message)}</span></p>`
        : `<p class="attempt applied"><b>edit attempt ${text(attempt.attempt)}: applied</b>: ${text(attempt.summary)}</p>`);
    }
    if (entry.attempts.length === 0 && entry.record.editSummary) parts.push(`<p class="attempt"><b>edit</b>: ${text(entry.record.editSummary)}</p>`);
    return `<div class="entry">${parts.join('\n')}</div>`;
  });
  return [overview, ...entries];
}

function failureTable(rows: FailureRow[]): string[] {
  if (rows.length === 0) return ['<p class="none">No validation evaluation recorded yet.</p>'];
  const first = rows[0]!;
  const reasons = (Object.keys(first.reasons) as Array<keyof FailureRow['reasons']>).filter((reason) => rows.some((row) => row.reasons[reason] > 0));
  const missing = rows.some((row) => row.missing > 0);
  return [
    '<p class="meta">Failed rounds by reason, summed over each evaluation\'s documents (plus one gave-up or budget-exhausted per document that ended with nothing accepted), as the inner loop counts them.</p>',
    table(
      ['iteration', 'candidate', 'documents', 'accepted', 'errored', ...reasons, ...(missing ? ['episode not stored'] : [])],
      rows.map((row) => [
        text(row.iteration), text(`${row.candidateId} (${row.part})`), text(row.documents), text(row.accepted), text(row.errored),
        ...reasons.map((reason) => text(row.reasons[reason])), ...(missing ? [text(row.missing)] : []),
      ]),
    ),
  ];
}

function costTable(data: RunReport): string {
  if (data.costByRole.length === 0) return '<p class="none">No model call recorded.</p>';
  const sum = (pick: (row: RunReport['costByRole'][number]) => number) => data.costByRole.reduce((total, row) => total + pick(row), 0);
  const rows = data.costByRole.map((row) => [text(row.role), text(row.calls), text(row.requests), text(row.promptTokens), text(row.completionTokens), text(row.promptTokens + row.completionTokens), text(row.cacheHits)]);
  rows.push(['<b>total</b>', text(sum((row) => row.calls)), text(sum((row) => row.requests)), text(sum((row) => row.promptTokens)), text(sum((row) => row.completionTokens)),
    text(sum((row) => row.promptTokens + row.completionTokens)), text(sum((row) => row.cacheHits))]);
  return `<p class="meta">Paid calls (over the wire; cache hits are counted apart and cost nothing).</p>${table(['role', 'calls', 'requests', 'prompt tokens', 'completion tokens', 'tokens', 'cache hits'], rows)}`;
}

function exampleBlock(example: ExampleView): string {
  const rubric = example.rubricRaw !== null
    ? `<pre class="json">${text(example.rubricRaw)}</pre>`
    : table(['criterion', 'weight', 'category'], example.rubric.map((item) => [text(item.criterion), text(item.weight), text(item.category)]));
  return `<div class="example">
<h3>${text(example.title)} <span class="meta">(${text(example.documentId)})</span></h3>
<p class="meta">accepted in round ${text(example.round)} · repeat ${text(example.repeat)} · harness of ${text(example.candidateIds.join(', ') || 'no recorded candidate')}${
    example.questionType ? ` · ${text(example.questionType)}` : ''
  }${example.simulated ? ' · <span class="sim">simulated</span>' : ''}</p>
<h4>Question</h4><div class="text">${text(example.question)}</div>
<h4>Context</h4><div class="text context">${text(example.context)}</div>
<h4>Reference answer</h4><div class="text">${text(example.referenceAnswer)}</div>
<h4>Rubric</h4>${rubric}
</div>`;
}

function banner(mark: SimulatedMark): string {
  if (!mark) return '';
  return `<div class="banner" id="simulated-banner" role="note"><b>Simulated data.</b> Everything below was produced by autodata's offline simulated lab (${text(mark.reason)}); its pass rates, costs and examples say nothing about real models.</div>`;
}

function section(id: string, title: string, parts: string[]): string {
  return `<section id="${text(id)}">\n<h2>${text(title)}</h2>\n${parts.join('\n')}\n</section>`;
}

function fact(name: string, value: string): string {
  return `<dt>${text(name)}</dt><dd>${text(value)}</dd>`;
}

/** Cells are HTML already (each made with `text()` or a fixed tag around it). */
function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="none">(none)</p>';
  return `<table>\n<thead><tr>${headers.map((header) => `<th>${text(header)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('\n')}\n</tbody>\n</table>`;
}

function footer(generatedAt: string): string {
  return `<footer>Made by <code>autodata report</code> at ${text(generatedAt)}. One file: no script, nothing fetched.</footer>`;
}

function page(title: string, body: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.filter((part) => part !== '').join('\n')}
</body>
</html>
`;
}

/** `0.667 [0.512, 0.821]`; `(k of n)` when only k of n runs have a value; `-` for none. */
function interval(value: MeanInterval, digits: number, of?: number): string {
  if (value.mean === null) return '-';
  const format = (x: number) => x.toFixed(digits);
  const shown = value.low === null || value.high === null ? format(value.mean) : `${format(value.mean)} [${format(value.low)}, ${format(value.high)}]`;
  return of !== undefined && value.n < of ? `${shown} (${value.n} of ${of})` : shown;
}

function fixed(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(3);
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

/** A class name from a fixed vocabulary (statuses, decisions); anything else becomes `other`. */
function cssWord(word: string): string {
  return /^[a-z][a-z -]*$/.test(word) ? word.replace(/ /g, '-') : 'other';
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d232a; background: #f6f7f9; margin: 0; padding: 0 0 40px; }
header, section, footer, .banner { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d8dde3; }
h3 { font-size: 15px; margin: 14px 0 6px; }
h4 { font-size: 13px; margin: 10px 0 4px; color: #4a5561; text-transform: uppercase; letter-spacing: .03em; }
section { background: #fff; border: 1px solid #e1e5ea; border-radius: 6px; padding: 16px 24px; margin-top: 16px; box-sizing: border-box; }
.banner { background: #fff3cd; border: 2px solid #e0a800; color: #5c4300; border-radius: 6px; padding: 10px 16px; margin-top: 16px; box-sizing: border-box; }
.meta { color: #5b6672; font-size: 12.5px; margin: 2px 0; }
.none { color: #7a8591; font-style: italic; }
.caveat { background: #fff8e6; border-left: 4px solid #e0a800; padding: 6px 12px; color: #5c4300; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: #5b6672; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #e1e5ea; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafbfc; }
pre { background: #f6f8fa; border: 1px solid #e1e5ea; border-radius: 4px; padding: 10px; overflow: auto; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre; max-height: 640px; }
pre.diff span { display: block; }
pre.diff .add { background: #e6ffec; color: #116329; }
pre.diff .del { background: #ffebe9; color: #a40e26; }
pre.diff .hunk { color: #6639ba; background: #f3f0ff; }
pre.diff .meta { color: #57606a; font-weight: 600; }
.chart svg { max-width: 100%; height: auto; }
.entry { border-left: 3px solid #d8dde3; padding: 2px 12px; margin: 10px 0; }
.decision, .status { font-weight: 600; }
.decision-accepted, .status-completed { color: #116329; }
.decision-rejected, .status-failed { color: #a40e26; }
.decision-refused, .decision-failed, .status-interrupted, .status-not-started { color: #9a6700; }
.refused { color: #9a6700; }
.attempt { margin: 4px 0; }
.message { white-space: pre-wrap; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; color: #5b6672; }
.modes { margin: 4px 0; }
.evidence { color: #5b6672; font-size: 12.5px; }
.example { border-top: 1px solid #e1e5ea; padding-top: 6px; margin-top: 12px; }
.example:first-of-type { border-top: 0; }
.text { white-space: pre-wrap; background: #fafbfc; border: 1px solid #eef0f3; border-radius: 4px; padding: 6px 10px; }
.context { max-height: 220px; overflow: auto; }
.sim { color: #9a6700; font-weight: 600; }
.notes, .warnings { margin: 6px 0; }
.warnings li { color: #9a6700; }
footer { color: #7a8591; font-size: 12px; margin-top: 20px; }
`;

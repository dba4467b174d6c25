// The data behind `autodata report`: a run or an ablation -> everything its HTML report shows, read
// from the stores (read-only) with the existing views: runStatus (history, refusals, held-out test),
// curve-series + the chart renderer (the curve as SVG), compareAblation (arms with 95% t intervals).
// Strings stay exact here; html-report.ts escapes every one of them when it writes the page.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { acceptedDocumentResults, findDocumentResult } from '../inner/document-results.ts';
import { emptyFailureCounts, outcomeFromResult } from '../inner/outcome.ts';
import type { FailureReason } from '../inner/result-schema.ts';
import { paidUsageByRole, type RolePaidUsage } from '../llm/paid-usage.ts';
import { failureAnalysisSchema } from '../outer/schemas.ts';
import type { FinalTestResult } from '../outer/final-test.ts';
import { locateRunStore, runStatus } from '../outer/inspect-run.ts';
import * as population from '../outer/population-store.ts';
import { STORE_FILE } from '../outer/run-evolution.ts';
import { curveChartSpec, type CurveChart } from '../report/chart-spec.ts';
import { chartToSvg } from '../report/render-chart.ts';
import { openStore, type Store } from '../store/index.ts';
import { forTerminal } from '../util/terminal-text.ts';
import { cellRunDir, locateAblation, readAblationManifest, type AblationManifest } from './ablation-manifest.ts';
import { compareAblation, type Comparison } from './compare.ts';
import { curveChart, readRunCurve, runSeries } from './curve-series.ts';

/** Accepted examples shown per run. */
export const EXAMPLE_LIMIT = 5;
export const REPORT_CHART_SIZE = { width: 760, height: 420 };

export interface ReportOptions {
  cwd?: string;
  now?: () => Date;
}

/** Why the page says "simulated data" (null: nothing says the data came from the sim). */
export type SimulatedMark = { reason: string } | null;

export interface AnalysisView {
  headline: string;
  error: string | null;
  /** The failure modes when the analysis has the analyzer's shape; otherwise `raw` holds its JSON. */
  modes: Array<{ name: string; count: number; evidence: string[]; suggestedFix: string }> | null;
  raw: string | null;
}

export interface HistoryEntry {
  record: population.IterationRecord;
  analysis: AnalysisView | null;
  attempts: Array<{ attempt: number; outcome: 'applied' | 'refused'; summary: string; refusalReason: string | null; message: string }>;
}

export interface FailureRow {
  iteration: number;
  candidateId: string;
  /** The candidate's part in that iteration's paired validation. */
  part: 'baseline' | 'parent' | 'child';
  documents: number;
  accepted: number;
  /** Documents that ended on an infrastructure error (no stored episode). */
  errored: number;
  /** Documents whose episode is not in document_result (e.g. a store written by an older layout). */
  missing: number;
  reasons: Record<FailureReason, number>;
}

export interface ExampleView {
  documentId: string;
  title: string;
  /** Candidates whose harness produced it (several when their files are identical). */
  candidateIds: string[];
  round: number;
  repeat: number;
  questionType: string | null;
  question: string;
  context: string;
  referenceAnswer: string;
  /** The rubric items; `rubricRaw` holds the rubric's JSON when it is not a list of items. */
  rubric: Array<{ criterion: string; weight: string; category: string }>;
  rubricRaw: string | null;
  simulated: boolean;
}

export interface CandidateDiff {
  candidateId: string;
  iteration: number;
  parentId: string | null;
  score: number | null;
  editSummary: string;
  diff: string;
}

export interface RunReport {
  kind: 'run';
  generatedAt: string;
  /** The run folder. */
  source: string;
  simulated: SimulatedMark;
  run: { id: string; name: string; status: string; seed: number; createdAt: string; finishedAt: string | null; configHash: string };
  config: unknown;
  summary: {
    iterationsDone: number;
    iterationsPlanned: number | null;
    candidatesByStatus: Record<population.CandidateStatus, number>;
    best: { id: string; score: number; evaluations: number } | null;
    calls: number;
    tokens: number;
    retried: number;
  };
  /** The curve as inline SVG (null before the first iteration). */
  chartSvg: string | null;
  /** The best candidate against the baseline; null when the baseline is best (or none is scored). */
  bestDiff: CandidateDiff | null;
  history: HistoryEntry[];
  failures: FailureRow[];
  costByRole: RolePaidUsage[];
  finalTest: FinalTestResult | null;
  examples: ExampleView[];
}

export interface AblationCellView {
  seed: number;
  /** Relative to the ablation folder. */
  runDir: string;
  status: string;
  iterationsDone: number;
  iterationsPlanned: number | null;
  bestValidation: number | null;
  testBest: number | null;
  calls: number;
  tokens: number;
}

export interface AblationReport {
  kind: 'ablation';
  generatedAt: string;
  source: string;
  simulated: SimulatedMark;
  manifest: AblationManifest;
  comparison: Comparison;
  chartSvg: string | null;
  /** What the chart leaves out (cells not started, arms with no curve yet). */
  chartNotes: string[];
  arms: Array<{ id: string; label: string; cells: AblationCellView[] }>;
  /** The cell with the highest best validation score, and its best candidate's diff. */
  bestCell: { arm: string; seed: number; runDir: string; bestValidation: number; diff: CandidateDiff | null } | null;
}

export type ReportData = RunReport | AblationReport;

/** TARGET is an ablation (folder or name under populations/) or a run (name, folder or store file). */
export async function reportData(target: string, options: ReportOptions = {}): Promise<ReportData> {
  const cwd = options.cwd ?? process.cwd();
  const generatedAt = (options.now ?? (() => new Date()))().toISOString();
  const ablationDir = locateAblation(target, cwd);
  return ablationDir ? ablationReport(ablationDir, generatedAt) : runReport(locateRunStore(target, cwd), generatedAt);
}

export async function runReport(storePath: string, generatedAt: string): Promise<RunReport> {
  const runDir = path.dirname(storePath);
  const store = openStore(storePath, { readonly: true });
  let report: Omit<RunReport, 'chartSvg'>;
  try {
    const status = runStatus(store);
    const config = status.run.config as { endpoints?: unknown; outer?: { iterations?: number } };
    report = {
      kind: 'run',
      generatedAt,
      source: runDir,
      simulated: simulatedMark(store, config),
      run: {
        id: status.run.id, name: status.run.name, status: status.run.status, seed: status.run.seed,
        createdAt: status.run.createdAt, finishedAt: status.run.finishedAt, configHash: status.run.configHash,
      },
      config: status.run.config,
      summary: {
        iterationsDone: status.iterationsDone,
        iterationsPlanned: config.outer?.iterations ?? null,
        candidatesByStatus: status.candidatesByStatus,
        best: status.best,
        calls: status.calls,
        tokens: status.tokens,
        retried: status.retried,
      },
      bestDiff: status.best ? candidateDiff(store, status.best.id) : null,
      history: status.iterations.map((record) => historyEntry(store, record)),
      failures: failureRows(store),
      costByRole: paidUsageByRole(store.db),
      finalTest: status.finalTest,
      examples: acceptedExamples(store, status.best?.id ?? null, EXAMPLE_LIMIT),
    };
  } finally {
    store.close();
  }
  const curve = readRunCurve(storePath);
  const chart: CurveChart | null =
    curve.points.length === 0
      ? null
      : { title: `Run ${plain(report.run.name)}: best validation pass rate`, x: 'iteration', series: [runSeries(plain(report.run.name), curve, 'iteration')] };
  return { ...report, chartSvg: chart ? await chartToSvg(curveChartSpec(chart, REPORT_CHART_SIZE)) : null };
}

export async function ablationReport(dir: string, generatedAt: string): Promise<AblationReport> {
  const manifest = readAblationManifest(dir);
  const comparison = compareAblation(dir);
  const chartNotes: string[] = [];
  let chart: CurveChart | null = null;
  try {
    chart = curveChart([dir], { x: 'iteration', cwd: dir, warn: (message) => chartNotes.push(message) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    chartNotes.push('no cell has finished an iteration yet: nothing to plot');
  }
  const arms = comparison.arms.map((arm) => ({
    id: arm.id,
    label: arm.label,
    cells: arm.runs.map((run) => ({
      seed: run.pairingSeed ?? -1,
      runDir: path.relative(dir, run.runDir) || '.',
      status: run.status,
      iterationsDone: run.iterationsDone,
      iterationsPlanned: run.iterationsPlanned,
      bestValidation: run.bestValidation,
      testBest: run.testBest,
      calls: run.calls,
      tokens: run.tokens,
    })),
  }));
  let bestCell: AblationReport['bestCell'] = null;
  for (const arm of comparison.arms) {
    for (const run of arm.runs) {
      if (run.bestValidation === null || (bestCell && bestCell.bestValidation >= run.bestValidation)) continue;
      bestCell = { arm: arm.id, seed: run.pairingSeed ?? -1, runDir: run.runDir, bestValidation: run.bestValidation, diff: null };
    }
  }
  if (bestCell) {
    const store = openStore(path.join(bestCell.runDir, STORE_FILE), { readonly: true });
    try {
      const best = runStatus(store).best;
      bestCell = { ...bestCell, runDir: path.relative(dir, bestCell.runDir) || '.', diff: best ? candidateDiff(store, best.id) : null };
    } finally {
      store.close();
    }
  }
  const simulated = manifest.cells
    .map((cell) => path.join(cellRunDir(dir, cell), STORE_FILE))
    .filter((storePath) => existsSync(storePath))
    .map((storePath) => {
      const store = openStore(storePath, { readonly: true });
      try {
        const run = store.db.prepare(`SELECT config_json FROM run WHERE kind = 'evolve' LIMIT 1`).get() as { config_json: string } | undefined;
        return simulatedMark(store, run ? (JSON.parse(run.config_json) as { endpoints?: unknown }) : {});
      } finally {
        store.close();
      }
    })
    .find((mark) => mark !== null) ?? null;
  if (chart) chart = { ...chart, title: plain(chart.title), series: chart.series.map((series) => ({ ...series, label: plain(series.label) })) };
  return {
    kind: 'ablation',
    generatedAt,
    source: dir,
    simulated: simulated ? { reason: `at least one cell: ${simulated.reason}` } : null,
    manifest,
    comparison,
    chartSvg: chart ? await chartToSvg(curveChartSpec(chart, REPORT_CHART_SIZE)) : null,
    chartNotes,
    arms,
    bestCell,
  };
}

/** The sim wrote this data: the run config names the in-process sim, or an episode says so. */
export function simulatedMark(store: Store, config: { endpoints?: unknown }): SimulatedMark {
  if (config.endpoints === 'sim') return { reason: 'the run config says endpoints: "sim"' };
  const row = store.db.prepare(`SELECT 1 AS hit FROM document_result WHERE json_extract(result_json, '$.simulated') = 1 LIMIT 1`).get();
  return row ? { reason: 'its episodes (result.json) say simulated: true' } : null;
}

function candidateDiff(store: Store, candidateId: string): CandidateDiff | null {
  const candidate = population.getCandidate(store, candidateId);
  if (!candidate || candidate.iteration === 0) return null;
  return {
    candidateId: candidate.id,
    iteration: candidate.iteration,
    parentId: candidate.parentId,
    score: population.candidateScores(store).get(candidate.id)?.score ?? null,
    editSummary: candidate.editSummary,
    diff: candidate.diff,
  };
}

function historyEntry(store: Store, record: population.IterationRecord): HistoryEntry {
  const analysis = record.iteration > 0 ? population.getAnalysis(store, record.iteration) : undefined;
  return {
    record,
    analysis: analysis ? analysisView(analysis) : null,
    attempts: record.iteration > 0
      ? population.listEditAttempts(store, record.iteration).map((attempt) => ({
          attempt: attempt.attempt, outcome: attempt.outcome, summary: attempt.summary, refusalReason: attempt.refusalReason, message: attempt.message,
        }))
      : [],
  };
}

function analysisView(analysis: population.AnalysisRecord): AnalysisView {
  const parsed = failureAnalysisSchema.safeParse(analysis.analysis);
  return {
    headline: analysis.headline,
    error: analysis.error,
    modes: parsed.success
      ? parsed.data.failure_modes.map((mode) => ({ name: mode.name, count: mode.count, evidence: mode.evidence, suggestedFix: mode.suggested_fix }))
      : null,
    raw: parsed.success || analysis.analysis === null ? null : (JSON.stringify(analysis.analysis, null, 2) ?? null),
  };
}

/**
 * Failure reasons of each validation evaluation, counted from its episodes as the inner loop stored
 * them (document_result, keyed by the candidate's harness hash, the evaluation's seed and repeat):
 * the same counting as the inner loop's own summary (outcomeFromResult).
 */
function failureRows(store: Store): FailureRow[] {
  const candidates = new Map(population.listCandidates(store).map((candidate) => [candidate.id, candidate]));
  const iterations = new Map(population.listIterations(store).map((record) => [record.iteration, record]));
  return population.listEvaluations(store, { splitPart: 'validation' }).map((evaluation) => {
    const hash = candidates.get(evaluation.candidateId)?.contentHash ?? null;
    const reasons = emptyFailureCounts();
    let missing = 0;
    for (const outcome of evaluation.outcomes) {
      if (outcome.error !== undefined) continue;
      const result = hash === null ? undefined : findDocumentResult(store, { harnessHash: hash, documentId: outcome.documentId, seed: evaluation.seed, repeat: evaluation.repeat });
      if (!result) {
        missing += 1;
        continue;
      }
      const counts = outcomeFromResult(result, true).failureReasons;
      for (const reason of Object.keys(reasons) as FailureReason[]) reasons[reason] += counts[reason];
    }
    const record = iterations.get(evaluation.iteration);
    const part = evaluation.iteration === 0 ? 'baseline' : record?.childId === evaluation.candidateId ? 'child' : 'parent';
    return {
      iteration: evaluation.iteration,
      candidateId: evaluation.candidateId,
      part,
      documents: evaluation.documents,
      accepted: evaluation.accepted,
      errored: evaluation.errored,
      missing,
      reasons,
    };
  });
}

/** Up to `limit` accepted examples, one per document, the best candidate's first. */
function acceptedExamples(store: Store, bestId: string | null, limit: number): ExampleView[] {
  const candidates = population.listCandidates(store);
  const bestHash = candidates.find((candidate) => candidate.id === bestId)?.contentHash ?? '';
  const examples: ExampleView[] = [];
  const seen = new Set<string>();
  for (const { key, result, round } of acceptedDocumentResults(store, { firstHash: bestHash })) {
    if (examples.length >= limit) break;
    if (seen.has(result.document_id)) continue;
    seen.add(result.document_id);
    const items = Array.isArray(round.rubric) ? round.rubric : null;
    examples.push({
      documentId: result.document_id,
      title: result.title,
      candidateIds: candidates.filter((candidate) => candidate.contentHash === key.harnessHash).map((candidate) => candidate.id),
      round: round.round,
      repeat: key.repeat,
      questionType: round.question_type,
      question: round.question ?? '',
      context: round.context ?? '',
      referenceAnswer: round.reference_answer ?? '',
      rubric: (items ?? []).map((item: unknown) => rubricItem(item)),
      rubricRaw: items ? null : (JSON.stringify(round.rubric, null, 2) ?? null),
      simulated: result.simulated === true,
    });
  }
  return examples;
}

function rubricItem(item: unknown): ExampleView['rubric'][number] {
  const record = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined ? '' : (JSON.stringify(value) ?? ''));
  return { criterion: text(record.criterion ?? item), weight: text(record.weight), category: text(record.category) };
}

/** Chart text drawn by Vega (it escapes markup, not control characters). */
function plain(text: string): string {
  return forTerminal(text, 'line');
}

// Read-only views of a run for `status`, `show` and `curve`. RUN is a name under populations/ or a path.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { paidUsage } from '../llm/paid-usage.ts';
import { getRun, listRuns, openStore, type RunRecord, type Store } from '../store/index.ts';
import { costSummary, hasCost, type CostFigures } from '../llm/cost-text.ts';
import { bestAfterEachIteration, bestCandidate, candidateScores, type CandidateStanding } from './best-candidate.ts';
import { acceptedExamples } from './events.ts';
import { finalTestFromStore, formatFinalTest, type FinalTestResult } from './final-test.ts';
import { checkPlateau, describePlateau, type PlateauCheck, type PlateauRule } from './plateau.ts';
import { forTerminal } from '../util/terminal-text.ts';
import { renderHistoryEntry } from './history.ts';
import * as population from './population-store.ts';
import { RUN_KIND, STORE_FILE } from './run-evolution.ts';

/** The store file of RUN: a run folder, a store file, or a name under `<cwd>/populations/`. */
export function locateRunStore(run: string, cwd = process.cwd()): string {
  const candidates = [path.resolve(cwd, run), path.resolve(cwd, 'populations', run)];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    if (statSync(candidate).isFile()) return candidate;
    const storePath = path.join(candidate, STORE_FILE);
    if (existsSync(storePath)) return storePath;
  }
  // An absolute path is never looked up under populations/, so the line names only what was looked for.
  const looked = path.isAbsolute(run) ? path.join(run, STORE_FILE) : `${path.join(run, STORE_FILE)} and ${path.join('populations', run, STORE_FILE)}`;
  throw new ConfigError(run, `no run found (looked for ${looked}); pass a run name or folder`);
}

/** Opens RUN's store read-only (see locateRunStore), reads it, and closes it whatever happens. */
export function readRun<T>(run: string, read: (store: Store) => T): T {
  const store = openStore(locateRunStore(run), { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

export function evolveRun(store: Store): RunRecord {
  const run = listRuns(store).find((record) => record.kind === RUN_KIND);
  if (!run) throw new ConfigError(store.path, 'holds no evolve run; is this the store of `autodata evolve`?');
  return getRun(store, run.id)!;
}

export interface RunStatus {
  run: RunRecord;
  candidatesByStatus: Record<population.CandidateStatus, number>;
  iterationsDone: number;
  best: CandidateStanding | null;
  /** Paid calls (llm/call-count.ts) and tokens over the whole run (the store's call log), as evolve's progress reports them. */
  calls: number;
  tokens: number;
  /** Requests repeated after a transient fault. */
  retried: number;
  /** What the run cost (llm/paid-usage.ts): USD over the priced paid calls; cache hits are free. */
  cost: CostFigures & { acceptedExamples: number };
  /** The latest held-out test of the baseline and the best candidate (null until a run stops cleanly with it on). */
  finalTest: FinalTestResult | null;
  /** budgets.plateau's verdict after the last finished iteration (null when the rule is off or K iterations have not run). */
  plateau: PlateauCheck | null;
  iterations: population.IterationRecord[];
  /** Every refused implementer attempt (the ones a retry fixed too). */
  refusals: Array<{ iteration: number; attempt: number; reason: string | null; message: string }>;
}

export function runStatus(store: Store): RunStatus {
  const run = evolveRun(store);
  const counts = population.countCandidatesByStatus(store);
  const candidatesByStatus = Object.fromEntries(
    population.CANDIDATE_STATUSES.map((status) => [status, counts.get(status) ?? 0]),
  ) as Record<population.CandidateStatus, number>;
  const iterations = population.listIterations(store);
  const paid = paidUsage(store.db);
  return {
    run,
    candidatesByStatus,
    iterationsDone: iterations.filter((record) => record.iteration > 0).length,
    best: bestCandidate(store) ?? null,
    calls: paid.calls,
    tokens: paid.tokens,
    retried: paid.retried,
    cost: {
      costUsd: paid.costUsd, pricedCalls: paid.pricedCalls, unpricedCalls: paid.unpricedCalls, cacheHits: paid.cacheHits,
      acceptedExamples: acceptedExamples(store),
    },
    finalTest: finalTestFromStore(store),
    plateau: plateauAfter(store, run, iterations.at(-1)?.iteration),
    iterations,
    refusals: population
      .listEditAttempts(store)
      .filter((attempt) => attempt.outcome === 'refused')
      .map((attempt) => ({ iteration: attempt.iteration, attempt: attempt.attempt, reason: attempt.refusalReason, message: attempt.message })),
  };
}

/** What the run's plateau rule (from its stored config) says after `lastIteration`. */
function plateauAfter(store: Store, run: RunRecord, lastIteration: number | undefined): PlateauCheck | null {
  const rule = (run.config as { budgets?: { plateau?: PlateauRule | null } }).budgets?.plateau;
  return rule && lastIteration !== undefined ? (checkPlateau(store, rule, lastIteration) ?? null) : null;
}

/**
 * status as text: the run, candidate counts, the best candidate, then the history log. Model-written
 * text (analysis headlines, edit summaries, refusal messages) is escaped for the terminal.
 */
export function formatRunStatus(status: RunStatus): string {
  const config = status.run.config as { name?: string; outer?: { iterations?: number } };
  const counts = population.CANDIDATE_STATUSES.map((state) => `${state} ${status.candidatesByStatus[state]}`).join(', ');
  const lines = [
    `run ${status.run.id} (${status.run.status}), seed ${status.run.seed}, config ${status.run.configHash.slice(0, 12)}`,
    `iterations ${status.iterationsDone}/${Math.max(config.outer?.iterations ?? 0, status.iterationsDone)}; candidates: ${counts}`,
    status.best
      ? `best ${status.best.id}: validation pass rate ${status.best.score.toFixed(3)} ` +
        `(${status.best.accepted} of ${status.best.documents} documents over ${status.best.evaluations} evaluation${status.best.evaluations === 1 ? '' : 's'})`
      : 'best: none yet (the baseline has not been evaluated)',
    `paid calls ${status.calls}, tokens ${status.tokens}${status.retried > 0 ? `, retried requests ${status.retried}` : ''}`,
    hasCost(status.cost) ? costSummary(status.cost, status.cost.acceptedExamples) : 'cost: unknown (no role has a price and no provider reported a cost)',
    status.finalTest ? `${formatFinalTest(status.finalTest)}, after iteration ${status.finalTest.iteration}` : 'held-out test: not run yet',
    ...(status.plateau ? [describePlateau(status.plateau)] : []),
    '',
    'history:',
    ...status.iterations.map((record) => forTerminal(renderHistoryEntry(record))),
  ];
  if (status.refusals.length > 0) {
    lines.push('', 'refused edit attempts:');
    for (const refusal of status.refusals) {
      lines.push(`  iteration ${refusal.iteration} attempt ${refusal.attempt}: ${forTerminal(`${refusal.reason}: ${firstLine(refusal.message)}`, 'line')}`);
    }
  }
  return lines.join('\n');
}

export interface CandidateDetails {
  candidate: population.CandidateRecord;
  score: number | null;
  evaluations: population.EvaluationRecord[];
  /** The analysis and edit attempts of the iteration that made this candidate (none for the baseline). */
  analysis: population.AnalysisRecord | null;
  attempts: population.EditAttemptRecord[];
  iteration: population.IterationRecord | null;
}

export function candidateDetails(store: Store, candidateId: string): CandidateDetails {
  const candidate = population.getCandidate(store, candidateId) ?? population.getCandidate(store, normalizeCandidateId(candidateId));
  if (!candidate) {
    const known = population.listCandidates(store).map((entry) => entry.id);
    throw new ConfigError(candidateId, `no such candidate in this run; known: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''}`);
  }
  const made = candidate.iteration > 0;
  return {
    candidate,
    score: candidateScores(store).get(candidate.id)?.score ?? null,
    evaluations: population.listEvaluations(store, { candidateId: candidate.id }),
    analysis: made ? (population.getAnalysis(store, candidate.iteration) ?? null) : null,
    attempts: made ? population.listEditAttempts(store, candidate.iteration) : [],
    iteration: population.listIterations(store).find((record) => record.iteration === candidate.iteration) ?? null,
  };
}

/** `3` or `c3` -> `c0003`. */
function normalizeCandidateId(text: string): string {
  const digits = /^c?(\d+)$/.exec(text)?.[1];
  return digits === undefined ? text : population.candidateId(Number(digits));
}

/** The candidate as text; model-written parts are escaped for the terminal (`--json` keeps them exact). */
export function formatCandidateDetails(details: CandidateDetails): string {
  const { candidate } = details;
  const lines = [
    `candidate ${candidate.id} (${candidate.status}), iteration ${candidate.iteration}, parent ${candidate.parentId ?? '-'}`,
    `score ${details.score === null ? 'n/a' : details.score.toFixed(3)}${candidate.reason ? `; ${forTerminal(candidate.reason, 'line')}` : ''}`,
    candidate.editSummary ? `edit: ${forTerminal(candidate.editSummary, 'line')}` : '',
    '',
    'evaluations:',
    ...details.evaluations.map(
      (evaluation) =>
        `  iteration ${evaluation.iteration} ${evaluation.splitPart} (repeat ${evaluation.repeat}): ` +
        `${evaluation.accepted}/${evaluation.documents - evaluation.errored} = ${evaluation.passRate.toFixed(3)}` +
        (evaluation.errored > 0 ? ` (${evaluation.errored} errored document(s) left out)` : ''),
    ),
  ];
  if (details.analysis) {
    lines.push('', `analysis (of parent ${details.analysis.parentId}): ${forTerminal(details.analysis.headline || details.analysis.error || '', 'line')}`);
    lines.push(forTerminal(JSON.stringify(details.analysis.analysis, null, 2) ?? ''));
  }
  for (const attempt of details.attempts) {
    const refusal = attempt.refusalReason ? ` (${forTerminal(`${attempt.refusalReason}: ${firstLine(attempt.message)}`, 'line')})` : '';
    lines.push('', `edit attempt ${attempt.attempt}: ${attempt.outcome}${refusal}`);
  }
  lines.push('', 'diff against the baseline:', forTerminal(candidate.diff) || '(none)');
  return lines.filter((line, index) => line !== '' || lines[index - 1] !== '').join('\n');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

export interface CurvePoint {
  iteration: number;
  /** The best candidate's score as of this iteration (best-candidate.ts). */
  best: number;
  bestCandidateId: string;
  decision: population.IterationDecision;
  childScore: number | null;
}

/** The best validation score after each finished iteration, scores as they stood at that point. */
export function curvePoints(store: Store): CurvePoint[] {
  const decisions = population.iterationDecisions(store);
  return bestAfterEachIteration(store).map(({ iteration, best }) => {
    const record = decisions.get(iteration)!;
    return { iteration, best: best.score, bestCandidateId: best.id, decision: record.decision, childScore: record.childScore };
  });
}

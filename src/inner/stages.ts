// The stage functions both orchestrators share: challenge, verify, evaluate (weak or strong).
// Each returns data; an infrastructure fault (a call that failed for transport reasons, an empty or
// truncated reply, a verdict role whose reply stayed invalid) is retried — a transport failure with
// the same request, an unusable reply with a new attempt seed — and, if it persists, comes back as
// { kind: 'infrastructure' } — never as a verdict on the question.
import type { Harness } from '../harness/harness.ts';
import { renderPrompt } from '../harness/render-prompt.ts';
import type { Llm, LlmFailure, Role } from '../llm/types.ts';
import { deriveSeed } from '../util/hash.ts';
import { stageDecision } from './early-stop.ts';
import { reasoningExcerpt, type AttemptReport, type EarlyStopRecord, type RubricItem } from './result-schema.ts';
import { createDrawCounter, describeFailure, retriedCall } from './retried-call.ts';
import { parseRubric, rubricForJudge, rubricScore, type ParsedRubric } from './rubric.ts';
import {
  ANSWER_VERDICT_SCHEMA_NAME,
  answerVerdictSchema,
  CHALLENGER_SCHEMA_NAME,
  chainOfThoughtExampleSchema,
  challengerExampleSchema,
  QUALITY_CHECK_NAMES,
  QUALITY_SCHEMA_NAME,
  qualityVerdictSchema,
  RUBRIC_SCORES_SCHEMA_NAME,
  rubricScoresSchema,
  type ChallengerExample,
} from './schemas.ts';
import { solverAnswer, solverPrompt, stageRole } from './strong-solver.ts';
import type { InnerDocument } from './types.ts';

export interface EpisodeContext {
  llm: Llm;
  harness: Harness;
  document: InnerDocument;
  seed: number;
  repeat: number;
  /** Stop a solver stage once its outcome is decided (the harness's `earlyStop`, or the run's override). */
  earlyStop?: boolean;
  /** What earlier batches taught (`generate --batches`), for the challenger and main agent prompts; absent: nothing is added. */
  learnings?: string;
}

export interface Infrastructure {
  kind: 'infrastructure';
  detail: string;
}

export type ChallengeOutcome =
  | { kind: 'example'; example: ChallengerExample; rubric: ParsedRubric }
  | { kind: 'format'; detail: string; issues: string[]; rawText?: string }
  | Infrastructure;

export type VerifyOutcome =
  | { kind: 'verdict'; passed: boolean; feedback: string; checks: Record<string, { verdict: string; reason: string }> }
  | Infrastructure;

export type EvaluateOutcome =
  | { kind: 'scores'; scores: number[]; reports: AttemptReport[]; earlyStop?: EarlyStopRecord }
  | (Infrastructure & { reports: AttemptReport[] });

export interface EvaluateOptions {
  /** Stop once the outcome is decided; defaults to the context's `earlyStop`. */
  earlyStop?: boolean;
  /** Strong stage: the recorded weak mean, which the gap criterion reads. */
  weakMean?: number;
}

export type SolverStage = 'weak' | 'strong';

/** The `learnings` prompt value, only when there are learnings (harness/render-prompt.ts). */
export function learningsValue(context: Pick<EpisodeContext, 'learnings'>): { learnings?: string } {
  return context.learnings === undefined ? {} : { learnings: context.learnings };
}

export function seedFor(context: EpisodeContext, round: number, role: Role, attempt: number | string): number {
  return deriveSeed(context.seed, context.document.id, context.repeat, round, role, attempt);
}

const isInfrastructure = (failure: LlmFailure) => failure.kind !== 'invalid-output';

/** One challenger example; `candidate` separates parallel drafts of the same round. */
export async function challenge(context: EpisodeContext, round: number, feedback: string, candidate = 0): Promise<ChallengeOutcome> {
  const { harness, document } = context;
  const prompt = renderPrompt(harness, 'challenger', { document: document.text, feedback, ...learningsValue(context) }, { document: { title: document.title } });
  const chainOfThought = harness.settings.orchestrator === 'single-shot';
  const result = await retriedCall<ChallengerExample & { reasoning?: string }>(
    harness.settings.evaluationRetries,
    (draw) => {
      const request = {
        role: 'challenger' as const,
        messages: [{ role: 'user' as const, content: prompt }],
        seed: seedFor(context, round, 'challenger', candidate + draw * harness.settings.challengersPerRound),
        schemaName: CHALLENGER_SCHEMA_NAME,
      };
      return chainOfThought
        ? context.llm.structured({ ...request, schema: chainOfThoughtExampleSchema })
        : context.llm.structured({ ...request, schema: challengerExampleSchema });
    },
    // A reply that stays invalid after the call path's re-ask is the challenger's format failure, not a fault.
    (failure) => !isInfrastructure(failure),
  );
  if (result.ok) {
    const { reasoning: _reasoning, ...example } = result.value;
    return { kind: 'example', example, rubric: parseRubric(example.rubric) };
  }
  const { last } = result;
  if (!isInfrastructure(last)) {
    const issues = last.issues ?? [last.message];
    return {
      kind: 'format',
      detail: `the example does not match the ${CHALLENGER_SCHEMA_NAME} format: ${issues.join('; ')}`,
      issues,
      ...(last.rawText === undefined ? {} : { rawText: last.rawText }),
    };
  }
  return { kind: 'infrastructure', detail: `challenger call failed ${result.calls} time(s): ${describeFailure(last)}` };
}

/** The example as the quality verifier sees it (the rubric exactly as written). */
export function exampleForVerifier(example: ChallengerExample): string {
  const { question_type, reasoning_skills, context, question, reference_answer, rubric } = example;
  return JSON.stringify({ question_type, reasoning_skills, context, question, reference_answer, rubric }, null, 2);
}

export async function verify(context: EpisodeContext, round: number, example: ChallengerExample, candidate = 0): Promise<VerifyOutcome> {
  const { harness, document } = context;
  const prompt = renderPrompt(
    harness,
    'qualityVerifier',
    { document: document.text, example: exampleForVerifier(example) },
    { document: { title: document.title } },
  );
  const result = await retriedCall(harness.settings.evaluationRetries, (draw) =>
    context.llm.structured({
      role: 'qualityVerifier',
      messages: [{ role: 'user', content: prompt }],
      seed: seedFor(context, round, 'qualityVerifier', candidate + draw * harness.settings.challengersPerRound),
      schemaName: QUALITY_SCHEMA_NAME,
      schema: qualityVerdictSchema,
    }),
  );
  if (!result.ok) return { kind: 'infrastructure', detail: `quality verifier failed ${result.calls} time(s): ${describeFailure(result.last)}` };
  const verdict = result.value;
  // A failed check fails the example even when the overall line says PASS: the checks are the substance.
  const failedChecks = QUALITY_CHECK_NAMES.filter((name) => verdict.checks[name].verdict === 'FAIL');
  const passed = verdict.overall === 'PASS' && failedChecks.length === 0;
  const checkReasons = failedChecks.map((name) => `${name}: ${verdict.checks[name].reason}`);
  const feedback = passed ? verdict.feedback : [verdict.feedback, ...checkReasons].filter((part) => part.trim() !== '').join(' | ');
  return { kind: 'verdict', passed, feedback, checks: { ...verdict.checks } };
}

type ScoredAnswer =
  | { ok: true; score: number; report: Partial<AttemptReport> }
  | { ok: false; error: string; failure: LlmFailure };

async function judgeAnswer(
  context: EpisodeContext,
  round: number,
  stage: SolverStage,
  attemptSeed: number,
  example: ChallengerExample,
  rubric: readonly RubricItem[],
  answer: string,
): Promise<ScoredAnswer> {
  const { harness } = context;
  const verifiable = harness.settings.mode === 'verifiable';
  const prompt = verifiable
    ? renderPrompt(harness, 'judge', { question: example.question, reference_answer: example.reference_answer, answer })
    : renderPrompt(harness, 'judge', { question: example.question, answer, rubric: rubricForJudge(rubric) });
  const retries = harness.settings.judgeMaxRetries;
  const seedOf = (draw: number) => seedFor(context, round, 'judge', `${stage}-${attemptSeed}-${draw}`);
  // A new message list per call, as each call's request is its own.
  const messages = () => [{ role: 'user' as const, content: prompt }];
  const failed = (result: { last: LlmFailure }): ScoredAnswer => ({ ok: false, error: `judge ${describeFailure(result.last)}`, failure: result.last });
  if (verifiable) {
    const result = await retriedCall(retries, (draw) =>
      context.llm.structured({ role: 'judge', messages: messages(), seed: seedOf(draw), schemaName: ANSWER_VERDICT_SCHEMA_NAME, schema: answerVerdictSchema }),
    );
    if (!result.ok) return failed(result);
    return { ok: true, score: result.value.correct ? 1 : 0, report: { correct: result.value.correct, judge_reason: result.value.reason } };
  }
  const result = await retriedCall(retries, (draw) =>
    context.llm.structured({
      role: 'judge',
      messages: messages(),
      seed: seedOf(draw),
      schemaName: RUBRIC_SCORES_SCHEMA_NAME,
      schema: rubricScoresSchema(rubric.length),
    }),
  );
  if (!result.ok) return failed(result);
  const byIndex = new Map(result.value.scores.map((score) => [score.index, score]));
  const met = new Map(result.value.scores.map((score) => [score.index, score.met as number]));
  const criteria = rubric.map((item) => ({
    index: item.index,
    criterion: item.criterion,
    weight: item.weight,
    met: byIndex.get(item.index)?.met ?? 0,
    reason: byIndex.get(item.index)?.reason ?? '',
  }));
  return { ok: true, score: rubricScore(rubric, met), report: { criteria } };
}

/**
 * Draws `solverAttempts[stage]` answers and judges each (with early stopping, one at a time until
 * the stage's outcome is decided: inner/early-stop.ts; the outcome then says what was skipped). A failed attempt (solver or judge) is
 * retried with a new seed up to `evaluationRetries` times; an attempt that never gets a score makes
 * the stage an infrastructure fault (a missing score is never read as 0).
 */
export async function evaluate(
  context: EpisodeContext,
  round: number,
  stage: SolverStage,
  example: ChallengerExample,
  rubric: readonly RubricItem[],
  options: EvaluateOptions = {},
): Promise<EvaluateOutcome> {
  const { harness } = context;
  const attempts = harness.settings.solverAttempts[stage];
  const role = stageRole(stage);
  // Who answers (and with which prompt) follows the harness's strongSolver mode: inner/strong-solver.ts.
  const prompt = solverPrompt(harness, stage, example, context.document);
  let solverCalls = 0;
  let solverFailures = 0;

  const runAttempt = async (index: number): Promise<AttemptReport> => {
    const report: AttemptReport = { attempt: index + 1, answer: null, score: null, errors: [] };
    const draws = createDrawCounter();
    // Every failure in order, with whether it was a transport fault (retried with the same request).
    const failures: Array<{ text: string; transport: boolean }> = [];
    const fail = (text: string, failure: LlmFailure) => failures.push({ text, transport: failure.kind === 'transport' });
    // A scored attempt keeps only the model's own misfires (unusable replies): a transport fault it
    // recovered from left no trace in what was asked or answered, so it must not reach the analyzer's
    // trajectory either (a fault changes what a run costs, never what it finds). An unscored attempt
    // keeps every failure: they are why it has no score.
    const errorsKept = (scored: boolean) => failures.filter((entry) => !scored || !entry.transport).map((entry) => entry.text);
    for (let retry = 0; retry <= harness.settings.evaluationRetries; retry += 1) {
      const attemptSeed = index + draws.current() * attempts;
      solverCalls += 1;
      const reply = await solverAnswer({
        llm: context.llm,
        harness,
        stage,
        prompt,
        example,
        attemptKey: attemptSeed,
        seedOf: (key) => seedFor(context, round, role, key),
      });
      if (!reply.ok) {
        solverFailures += 1;
        draws.after(reply.failure);
        fail(`${role} ${describeFailure(reply.failure)}`, reply.failure);
        continue;
      }
      const answer = reply.content;
      // The judge reads the answer alone; the reasoning is kept for the analyzer only.
      const judged = await judgeAnswer(context, round, stage, attemptSeed, example, rubric, answer);
      report.answer = answer;
      const reasoning = reasoningExcerpt(reply.reasoning);
      if (reasoning) report.reasoning = reasoning;
      else delete report.reasoning;
      if (judged.ok) return { ...report, ...judged.report, score: judged.score, errors: errorsKept(true) };
      // A judge that was unreachable judges the same answer again (the solver's reply comes from the
      // cache); a judge whose replies were unusable gets a new answer to judge, as before.
      draws.after(judged.failure);
      fail(judged.error, judged.failure);
    }
    return { ...report, errors: errorsKept(false) };
  };

  const earlyStop = options.earlyStop ?? context.earlyStop ?? false;
  let reports: AttemptReport[];
  let stopped: EarlyStopRecord | undefined;
  if (!earlyStop) {
    reports = await Promise.all(Array.from({ length: attempts }, (_, index) => runAttempt(index)));
  } else {
    // One attempt at a time, in the fixed order (each keeps its seed), until nothing left can change the outcome.
    reports = [];
    for (let index = 0; index < attempts; index += 1) {
      const report = await runAttempt(index);
      reports.push(report);
      // An unscored attempt makes the stage an infrastructure fault whatever comes after it.
      if (report.score === null) break;
      const remaining = attempts - index - 1;
      if (remaining === 0) break;
      const decision = stageDecision({
        preset: harness.settings.acceptance,
        weakZeroRule: harness.settings.weakZeroRule,
        stage,
        scores: reports.map((made) => made.score as number),
        remaining,
        ...(options.weakMean === undefined ? {} : { weakMean: options.weakMean }),
      });
      if (decision.decided) {
        const skippedAttempts = Array.from({ length: remaining }, (_, offset) => index + 2 + offset);
        stopped = { attempts_planned: attempts, skipped: remaining, skipped_attempts: skippedAttempts, reason: `decided: ${decision.reason}` };
        break;
      }
    }
  }
  const unscored = reports.filter((report) => report.score === null);
  if (unscored.length === 0) {
    const scores = reports.map((report) => report.score as number);
    return { kind: 'scores', scores, reports, ...(stopped ? { earlyStop: stopped } : {}) };
  }
  const detail =
    solverFailures === solverCalls
      ? `SOLVER_ERROR: every ${role} call failed (${solverCalls} calls); last: ${unscored.at(-1)?.errors.at(-1) ?? 'unknown'}`
      : `${unscored.length} of ${attempts} ${stage} attempts could not be scored; last error: ${unscored.at(-1)?.errors.at(-1) ?? 'unknown'}`;
  return { kind: 'infrastructure', detail, reports };
}

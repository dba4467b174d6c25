// The main agent is an LLM with tools. The framework holds the state, enforces the order
// (challenger -> QV -> weak -> strong), records every round, and decides acceptance itself.
//
// The agent's conversation is re-sent whole at every step, so it is kept cheap to re-send: it only
// ever grows at the end (nothing earlier is rewritten, tool results are serialized with sorted
// keys), so a server with prefix caching computes only the newest messages; and a tool result
// carries what the agent decides from (verdicts, scores, reasons, the refinement message), never
// the example's context, reference answer or rubric, which the framework holds and passes on itself.
// The harness setting agentWindowRounds (off by default) trades that for a shorter conversation:
// every N finished rounds it is folded into one summary message (fewer tokens, fewer cache hits).
import { renderPrompt } from '../harness/render-prompt.ts';
import { canonicalJson } from '../util/hash.ts';
import { ownValue } from '../util/own-property.ts';
import type { ChatMessage, ToolCall } from '../llm/types.ts';
import { acceptanceVerdict } from './acceptance.ts';
import { AGENT_TOOLS, agentTools, NUDGE_MESSAGE } from './agent-tools.ts';
import { recordRound, type Episode } from './episode.ts';
import { draftAll, draftedSummaries, evaluateDrafts, keptDraft, readAngles, roundWithDrafts, verifyDrafts, type DraftPhase, type DraftRound } from './parallel-drafts.ts';
import { buildRefinementMessage } from './refinement.ts';
import type { FailureReason, RoundRecord } from './result-schema.ts';
import { applyExample, applyFormatFailure, applyQuality, applyStrong, applyWeak, markInfrastructure, newRound, plannedAttempts } from './round-record.ts';
import type { ParsedRubric } from './rubric.ts';
import type { ChallengerExample } from './schemas.ts';
import { MAX_INFRASTRUCTURE_ROUNDS, type EpisodeEnd } from './scripted-orchestrator.ts';
import { describeFailure, retriedCall } from './retried-call.ts';
import { challenge, evaluate, learningsValue, seedFor, verify, type EpisodeContext } from './stages.ts';

type Phase = 'drafted' | 'verified' | 'weak-passed';

interface OpenRound {
  record: RoundRecord;
  example: ChallengerExample;
  rubric: ParsedRubric;
  phase: Phase;
}

interface AgentState {
  context: EpisodeContext;
  episode: Episode;
  roundNumber: number;
  verdictRounds: number;
  infrastructureRounds: number;
  /** Rounds recorded when the conversation was last folded (agentWindowRounds). */
  roundsAtFold: number;
  open: OpenRound | undefined;
  /** The open round when the agent asked for parallel drafts (challengersPerRound > 1, with angles). */
  drafts: DraftRound | undefined;
  end: EpisodeEnd | undefined;
}

type ToolResult = Record<string, unknown>;

export async function runAgentic(context: EpisodeContext, episode: Episode): Promise<EpisodeEnd> {
  const { harness, document } = context;
  const settings = harness.settings;
  const state: AgentState = { context, episode, roundNumber: 0, verdictRounds: 0, infrastructureRounds: 0, roundsAtFold: 0, open: undefined, drafts: undefined, end: undefined };
  const prompt = renderPrompt(harness, 'mainAgent', { document_title: document.title, round_budget: String(settings.roundBudget), ...learningsValue(context) });
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  let toolCalls = 0;
  let nudged = false;
  let replies = 0;

  while (!state.end) {
    if (toolCalls >= settings.agentStepBudget) return endWith(state, 'budget-exhausted');
    foldIfDue(state, messages);
    replies += 1;
    const reply = await agentReply(state, messages, replies);
    if (!reply.ok) return endWith(state, 'infrastructure', `main agent call failed: ${reply.error}`);
    const calls = reply.toolCalls;
    messages.push({ role: 'assistant', content: reply.content, ...(calls.length > 0 ? { tool_calls: calls } : {}) });
    if (calls.length === 0) {
      if (nudged) return endWith(state, 'gave-up');
      nudged = true;
      messages.push({ role: 'user', content: NUDGE_MESSAGE });
      continue;
    }
    nudged = false;
    for (const call of calls) {
      if (state.end) break;
      if (toolCalls >= settings.agentStepBudget) {
        messages.push(toolMessage(call, { error: 'step budget exhausted; the episode is over' }));
        return endWith(state, 'budget-exhausted');
      }
      toolCalls += 1;
      episode.result.agent_steps = toolCalls;
      const result = await runTool(state, call);
      messages.push(toolMessage(call, result));
    }
  }
  return state.end;
}

/**
 * The optional window: between rounds (no open round, every tool call of the last reply answered),
 * once `agentWindowRounds` rounds have finished since the last fold, everything after the prompt
 * becomes one summary message. The summary is JSON like a tool result, so the agent reads it the same way.
 */
function foldIfDue(state: AgentState, messages: ChatMessage[]): void {
  const window = state.context.harness.settings.agentWindowRounds;
  const rounds = state.episode.result.rounds;
  if (window === 0 || state.open || state.drafts || rounds.length - state.roundsAtFold < window || messages.at(-1)?.role !== 'tool') return;
  state.roundsAtFold = rounds.length;
  const failed = rounds.filter((round) => round.failure_reason !== null && round.failure_reason !== 'infrastructure');
  const summary = {
    status: 'folded',
    note: `the turns of rounds 1-${rounds.at(-1)?.round ?? 0} were folded into this summary; start the next round`,
    failed_rounds: failed.map((round) => ({ round: round.round, verdict: VERDICT_LABEL[round.failure_reason!] ?? round.failure_reason })),
    refinement_message: buildRefinementMessage(rounds),
    rounds_left: Math.max(state.context.harness.settings.roundBudget - state.verdictRounds, 0),
    next_step: 'call_challenger',
  };
  messages.splice(1, messages.length - 1, { role: 'user', content: canonicalJson(summary) });
}

async function agentReply(
  state: AgentState,
  messages: ChatMessage[],
  replyNumber: number,
): Promise<{ ok: true; content: string | null; toolCalls: ToolCall[] } | { ok: false; error: string }> {
  const { context } = state;
  const result = await retriedCall(context.harness.settings.evaluationRetries, (draw) =>
    context.llm.text({
      role: 'mainAgent',
      messages: [...messages],
      seed: seedFor(context, state.roundNumber, 'mainAgent', `${replyNumber}-${draw}`),
      tools: agentTools(context.harness.settings.challengersPerRound),
      toolChoice: 'auto',
    }),
  );
  if (!result.ok) return { ok: false, error: describeFailure(result.last) };
  return { ok: true, content: result.value.content, toolCalls: result.value.toolCalls };
}

function toolMessage(call: ToolCall, result: ToolResult): ChatMessage {
  // Sorted keys: the same result always serializes to the same text, whatever order the code built it in.
  return { role: 'tool', tool_call_id: call.id, content: canonicalJson(result) };
}

/** Scores to 3 decimals: enough to read a threshold against, without 17 digits per attempt re-sent every step. */
function rounded(value: number | null | undefined): number | undefined {
  return value === null || value === undefined ? undefined : Math.round(value * 1000) / 1000;
}

async function runTool(state: AgentState, call: ToolCall): Promise<ToolResult> {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    args = parsed as Record<string, unknown>;
  } catch {
    return { error: `the arguments of ${call.function.name} are not a JSON object` };
  }
  switch (call.function.name) {
    case 'call_challenger': {
      // Angles are read only where the tool offers them (challengersPerRound > 1); elsewhere they are ignored, as before.
      const limit = state.context.harness.settings.challengersPerRound;
      const angles = limit > 1 ? readAngles(ownValue(args, 'angles'), limit) : { ok: true as const, angles: [], ignored: 0 };
      if (!angles.ok) return { error: angles.error };
      const instructions = typeof args.instructions === 'string' ? args.instructions : '';
      if (angles.angles.length > 0) return callChallengers(state, instructions, angles.angles, angles.ignored);
      return callChallenger(state, instructions);
    }
    case 'call_quality_verifier':
      return state.drafts ? draftStage(state, 'drafted') : callQualityVerifier(state);
    case 'evaluate_weak':
      return state.drafts ? draftStage(state, 'verified') : evaluateStage(state, 'weak');
    case 'evaluate_strong':
      return state.drafts ? draftStage(state, 'weak-passed') : evaluateStage(state, 'strong');
    case 'submit':
      return submit(state, args.accepted === true, typeof args.note === 'string' ? args.note : '');
    default:
      return { error: `unknown tool "${call.function.name}"; the tools are ${AGENT_TOOLS.map((tool) => tool.function.name).join(', ')}` };
  }
}

const NEXT_STEP: Record<Phase, string> = {
  drafted: 'call_quality_verifier',
  verified: 'evaluate_weak',
  'weak-passed': 'evaluate_strong',
};

/** The open round's number and phase, single or parallel. */
function openRound(state: AgentState): { round: number; phase: Phase } | undefined {
  if (state.drafts) return { round: state.drafts.round, phase: state.drafts.phase };
  return state.open ? { round: state.open.record.round, phase: state.open.phase } : undefined;
}

/** A new round's number and the challenger's feedback, or the error when a round is still open. */
function startRound(state: AgentState, instructions: string): { round: number; feedback: string } | { error: string } {
  const open = openRound(state);
  if (open) return { error: `round ${open.round} is not finished: every example that passes a stage must go on; call ${NEXT_STEP[open.phase]}` };
  state.roundNumber += 1;
  // The agent decides what the challenger hears; empty instructions fall back to the framework's message.
  const feedback = instructions.trim() === '' ? buildRefinementMessage(state.episode.result.rounds) : instructions;
  return { round: state.roundNumber, feedback };
}

async function callChallenger(state: AgentState, instructions: string): Promise<ToolResult> {
  const started = startRound(state, instructions);
  if ('error' in started) return started;
  const { round, feedback } = started;
  const record = newRound(round, feedback);
  const draft = await challenge(state.context, round, feedback);
  if (draft.kind === 'infrastructure') return closeInfrastructure(state, record, draft.detail);
  if (draft.kind === 'format') {
    applyFormatFailure(record, draft.detail, draft.issues);
    return closeFailed(state, record, { rubric_format_errors: draft.issues });
  }
  applyExample(record, draft.example, draft.rubric);
  if (draft.rubric.errors.length > 0) return closeFailed(state, record, { rubric_format_errors: draft.rubric.errors });
  state.open = { record, example: draft.example, rubric: draft.rubric, phase: 'drafted' };
  // Nothing to decide here (the quality check comes next whatever the draft says): its kind and size only.
  return {
    round,
    status: 'drafted',
    question_type: draft.example.question_type,
    rubric_items: draft.rubric.items.length,
    next_step: 'call_quality_verifier',
  };
}

async function callQualityVerifier(state: AgentState): Promise<ToolResult> {
  const open = state.open;
  if (!open) return { error: 'there is no drafted example; call call_challenger first' };
  if (open.phase !== 'drafted') return { error: `round ${open.record.round} already passed the quality check; call ${NEXT_STEP[open.phase]}` };
  const verdict = await verify(state.context, open.record.round, open.example);
  if (verdict.kind === 'infrastructure') return closeInfrastructure(state, open.record, verdict.detail);
  applyQuality(open.record, verdict);
  // A failed verdict's feedback already names each failed check with its reason.
  if (!verdict.passed) return closeFailed(state, open.record, { feedback: verdict.feedback });
  open.phase = 'verified';
  return { round: open.record.round, status: 'quality_passed', feedback: verdict.feedback, next_step: 'evaluate_weak' };
}

async function evaluateStage(state: AgentState, stage: 'weak' | 'strong'): Promise<ToolResult> {
  const open = state.open;
  if (!open) return { error: 'there is no verified example; call call_challenger first' };
  const expected: Phase = stage === 'weak' ? 'verified' : 'weak-passed';
  if (open.phase !== expected) return { error: `evaluate_${stage} is not the next step of round ${open.record.round}; call ${NEXT_STEP[open.phase]}` };
  const weakMean = stage === 'strong' ? { weakMean: open.record.weak?.mean ?? 0 } : {};
  const outcome = await evaluate(state.context, open.record.round, stage, open.example, open.rubric.items, weakMean);
  if (outcome.kind === 'infrastructure') {
    markInfrastructure(open.record, outcome.detail, outcome.reports, stage);
    return closeInfrastructure(state, open.record, outcome.detail);
  }
  const round = open.record.round;
  if (stage === 'weak') {
    const passed = applyWeak(state.context, open.record, outcome.scores, outcome.reports, outcome.earlyStop);
    const weak = {
      weak_scores: outcome.scores.map(rounded),
      weak_mean: rounded(open.record.weak?.mean),
      weak_best: rounded(open.record.weak?.best),
      ...(outcome.earlyStop ? { weak_early_stop: outcome.earlyStop } : {}),
    };
    if (!passed) return closeFailed(state, open.record, { ...weak, reasons: open.record.weak?.reasons });
    open.phase = 'weak-passed';
    return { round, status: 'weak_passed', ...weak, next_step: 'evaluate_strong' };
  }
  const accepted = applyStrong(state.context, open.record, outcome.scores, outcome.reports, outcome.earlyStop);
  const strong = {
    strong_scores: outcome.scores.map(rounded),
    strong_mean: rounded(open.record.strong?.mean),
    gap: rounded(open.record.gap),
    ...(outcome.earlyStop ? { strong_early_stop: outcome.earlyStop } : {}),
  };
  if (!accepted) return closeFailed(state, open.record, { ...strong, reasons: open.record.strong?.reasons });
  state.open = undefined;
  recordRound(state.episode, open.record);
  // Acceptance ends the episode at once: the framework's decision does not wait for the agent's submit.
  state.end = { endReason: null };
  return { round, status: 'accepted', ...strong, note: 'the example meets every acceptance criterion; the episode is over' };
}

const DRAFT_STATUS: Record<DraftPhase, string> = { drafted: 'drafted', verified: 'quality_passed', 'weak-passed': 'weak_passed' };

/** Parallel drafts: one challenger call per angle, in one round. */
async function callChallengers(state: AgentState, instructions: string, angles: string[], ignored: number): Promise<ToolResult> {
  const started = startRound(state, instructions);
  if ('error' in started) return started;
  const drafts = await draftAll(state.context, started.round, started.feedback, angles);
  state.drafts = { round: started.round, drafts, phase: 'drafted' };
  const result = afterDraftStage(state, 'drafted', draftedSummaries(drafts));
  return ignored > 0 ? { ...result, angles_ignored: ignored } : result;
}

/** The next stage of a parallel round, on every draft still in the running; `from` is the phase it needs. */
async function draftStage(state: AgentState, from: DraftPhase): Promise<ToolResult> {
  const set = state.drafts!;
  if (set.phase !== from) return { error: `that is not the next step of round ${set.round}; call ${NEXT_STEP[set.phase]}` };
  const { context } = state;
  if (from === 'drafted') return afterDraftStage(state, 'verified', await verifyDrafts(context, set.round, set.drafts));
  if (from === 'verified') return afterDraftStage(state, 'weak-passed', await evaluateDrafts(context, set.round, set.drafts, 'weak'));
  return closeDrafts(state, await evaluateDrafts(context, set.round, set.drafts, 'strong'));
}

/** After a stage: the round goes on while a draft is still in the running, else it closes with the best-separating draft. */
function afterDraftStage(state: AgentState, phase: DraftPhase, drafts: ToolResult[]): ToolResult {
  const set = state.drafts!;
  if (!set.drafts.some((draft) => draft.open)) return closeDrafts(state, drafts);
  set.phase = phase;
  return { round: set.round, status: DRAFT_STATUS[phase], drafts, next_step: NEXT_STEP[phase] };
}

function closeDrafts(state: AgentState, drafts: ToolResult[]): ToolResult {
  const set = state.drafts!;
  const kept = keptDraft(set);
  const record = roundWithDrafts(kept, set.drafts);
  if (record.failure_reason === 'infrastructure') return closeInfrastructure(state, record, record.failure_detail ?? 'every draft failed for infrastructure reasons');
  if (!record.accepted) return closeFailed(state, record, { kept_draft: kept.number, drafts });
  state.drafts = undefined;
  recordRound(state.episode, record);
  state.end = { endReason: null };
  return { round: set.round, status: 'accepted', kept_draft: kept.number, drafts, note: 'the kept draft meets every acceptance criterion; the episode is over' };
}

function submit(state: AgentState, claimsAccepted: boolean, note: string): ToolResult {
  if (!claimsAccepted) {
    abandonOpenRound(state, 'gave-up', `the agent gave up: ${note}`);
    state.end = { endReason: 'gave-up' };
    return { status: 'ended', note: 'episode ended without an accepted example' };
  }
  state.episode.result.false_acceptance_claims += 1;
  const open = state.drafts ? { record: keptDraft(state.drafts).record, phase: state.drafts.phase } : state.open;
  const reasons = !open
    ? ['no example has passed both evaluations']
    : open.record.weak === null
      ? ['the weak solver has not evaluated this example yet']
      : acceptanceVerdict(
          state.context.harness.settings.acceptance,
          open.record.weak?.scores ?? [],
          open.record.strong?.scores ?? null,
          state.context.harness.settings.weakZeroRule,
          { weak: plannedAttempts(open.record.weak), strong: plannedAttempts(open.record.strong) },
        ).reasons;
  return {
    status: 'overruled',
    error: `submit(accepted=true) is overruled: the framework recomputed acceptance from the recorded scores and it does not hold (${reasons.join('; ')})`,
    ...(open ? { next_step: NEXT_STEP[open.phase] } : { next_step: 'call_challenger' }),
  };
}

function closeFailed(state: AgentState, record: RoundRecord, details: ToolResult): ToolResult {
  state.open = undefined;
  state.drafts = undefined;
  state.verdictRounds += 1;
  recordRound(state.episode, record);
  const roundsLeft = state.context.harness.settings.roundBudget - state.verdictRounds;
  if (roundsLeft <= 0) state.end = { endReason: 'budget-exhausted' };
  return {
    round: record.round,
    status: 'failed',
    verdict: VERDICT_LABEL[record.failure_reason ?? 'failed-qv'] ?? record.failure_reason,
    ...details,
    refinement_message: buildRefinementMessage(state.episode.result.rounds),
    rounds_left: Math.max(roundsLeft, 0),
    ...(roundsLeft <= 0 ? { note: 'the round budget is spent; the episode is over' } : {}),
  };
}

const VERDICT_LABEL: Partial<Record<FailureReason, string>> = {
  'too-easy': 'TOO EASY',
  'weak-all-zero': 'WEAK SOLVER SCORED 0',
  'failed-on-strong': 'FAILED ON STRONG',
  'failed-qv': 'FAILED QUALITY CHECK',
  'rubric-format': 'FAILED QUALITY CHECK',
};

function closeInfrastructure(state: AgentState, record: RoundRecord, detail: string): ToolResult {
  markInfrastructure(record, detail);
  state.open = undefined;
  state.drafts = undefined;
  state.infrastructureRounds += 1;
  recordRound(state.episode, record);
  if (state.infrastructureRounds >= MAX_INFRASTRUCTURE_ROUNDS) {
    state.end = { endReason: 'infrastructure', error: `${state.infrastructureRounds} rounds failed for infrastructure reasons; last: ${detail}` };
  }
  return {
    round: record.round,
    status: 'infrastructure_error',
    detail,
    note: 'a model call failed; this is not a verdict on the question and does not spend the round budget. Start the next round.',
  };
}

/** An unfinished round is still recorded (its stages so far), marked with why the episode ended. */
function abandonOpenRound(state: AgentState, reason: FailureReason, detail: string): void {
  const record = state.drafts ? roundWithDrafts(keptDraft(state.drafts), state.drafts.drafts) : state.open?.record;
  if (!record) return;
  state.open = undefined;
  state.drafts = undefined;
  record.failure_reason = reason;
  record.failure_detail = detail;
  recordRound(state.episode, record);
}

function endWith(state: AgentState, reason: FailureReason, error?: string): EpisodeEnd {
  abandonOpenRound(state, reason, `episode ended: ${error ?? reason}`);
  state.end = { endReason: reason, ...(error ? { error } : {}) };
  return state.end;
}

// The sim main agent (tool calls): follows the workflow from the tool results it gets back. Its
// directives decide whether it passes the refinement message verbatim with the scores, whether it
// gives up before the budget is spent, and whether it claims acceptance before the strong stage.
import { applyDirectives } from '../directives.ts';
import { firstUserText, instructionText, tagContent } from './inner-text.ts';
import { applyLearnings } from './inner-learnings.ts';
import { NO_MEMO, type SimMemo } from '../memo.ts';
import { withAngles } from './main-agent-angles.ts';
import type { Persona, PersonaContext, SimReply, SimRequest } from './index.ts';

export const MAIN_AGENT_BASE_RATES = { feedbackFidelity: 0.5, giveUp: 0.02, falseAcceptance: 0.1 };
/** A baseline agent only considers giving up after this many failed rounds. */
const PATIENCE_ROUNDS = 3;

type ToolResult = Record<string, unknown>;

function parsed(text: string): ToolResult | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ToolResult) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tool results in order. A folded conversation (harness setting agentWindowRounds) opens with a
 * summary in place of the earlier results: its failed rounds count as the failures they were, the
 * last of them carrying the refinement message and the rounds left.
 */
function toolResults(request: SimRequest): ToolResult[] {
  const results: ToolResult[] = [];
  for (const [index, message] of request.messages.entries()) {
    if (message.role === 'tool') results.push(parsed(message.content) ?? { error: message.content });
    else if (message.role === 'user' && index > 0) {
      const summary = parsed(message.content);
      if (summary?.status === 'folded') results.push(...unfold(summary));
    }
  }
  return results;
}

function unfold(summary: ToolResult): ToolResult[] {
  const rounds = Array.isArray(summary.failed_rounds) ? (summary.failed_rounds as unknown[]) : [];
  const failures: ToolResult[] = rounds.map((round) => ({
    status: 'failed',
    verdict: round !== null && typeof round === 'object' && Object.hasOwn(round, 'verdict') ? String((round as ToolResult).verdict) : '',
  }));
  const carried = { refinement_message: summary.refinement_message, rounds_left: summary.rounds_left };
  if (failures.length === 0) return [{ status: 'folded', next_step: 'call_challenger', ...carried }];
  failures[failures.length - 1] = { ...failures[failures.length - 1], ...carried };
  return failures;
}

function call(name: string, args: Record<string, unknown> = {}): SimReply {
  return { content: null, toolCalls: [{ name, arguments: JSON.stringify(args) }] };
}

/**
 * What the agent tells the challenger: the refinement message whole, or its own summary without
 * scores. The whole message goes as empty instructions (the framework then sends its refinement
 * message, which is the one the last failure carried), so the agent never re-types it.
 */
function instructionsFor(results: ToolResult[], fidelity: number, rng: () => number): string {
  const failures = results.filter((result) => result.status === 'failed');
  const last = failures[failures.length - 1];
  const message = typeof last?.refinement_message === 'string' ? last.refinement_message : '';
  if (!last) return '';
  if (rng() < fidelity && message) return '';
  const verdict = String(last.verdict ?? '').toLowerCase();
  const lastLine =
    verdict.includes('easy') ? 'The last question was too easy for the weak model; make the next one harder.'
    : verdict.includes('scored 0') ? 'Every weak attempt at the last question scored 0, so it was too hard; make the next one a bit easier.'
    : verdict.includes('strong') ? 'The last question failed on the strong model; make the next one a bit easier.'
    : 'The last example failed the quality check; fix what the verifier pointed out.';
  if (rng() < 0.5) return `${lastLine} Try a different angle.`;
  const count = (label: string) => failures.filter((result) => String(result.verdict ?? '').toLowerCase().includes(label)).length;
  const parts = [
    count('easy') > 0 ? `${count('easy')} questions were too easy` : '',
    count('strong') > 0 ? `${count('strong')} questions failed on the strong model` : '',
    count('quality') > 0 ? `${count('quality')} examples failed the quality check` : '',
  ].filter(Boolean);
  return `So far ${parts.join(', ')}. ${lastLine} Try a different angle.`;
}

export function nextAction(request: SimRequest, rng: () => number, memo: SimMemo = NO_MEMO): SimReply {
  const prompt = firstUserText(request);
  const directed = applyDirectives({ ...MAIN_AGENT_BASE_RATES }, instructionText(prompt, ['document_title', 'round_budget', 'learnings']), 'mainAgent', rng, memo);
  const rates = applyLearnings(directed, tagContent(prompt, 'learnings'), 'mainAgent');
  const results = toolResults(request);
  const last = results[results.length - 1];
  if (!last) return call('call_challenger', { instructions: '' });
  switch (last.status) {
    case 'drafted':
      return call('call_quality_verifier');
    case 'quality_passed':
      return call('evaluate_weak');
    case 'weak_passed':
      return rng() < rates.falseAcceptance ? call('submit', { accepted: true, note: 'The weak model struggled, so the example looks good.' }) : call('evaluate_strong');
    case 'accepted':
      return call('submit', { accepted: true, note: 'Both evaluations passed.' });
    case 'ended':
      return { content: 'The work on this document is finished.' };
    case 'failed': {
      const failedRounds = results.filter((result) => result.status === 'failed').length;
      if (Number(last.rounds_left ?? 1) <= 0) return call('submit', { accepted: false, note: 'The round budget is spent.' });
      if (failedRounds >= PATIENCE_ROUNDS && rng() < rates.giveUp) {
        return call('submit', { accepted: false, note: `After ${failedRounds} failed rounds this document does not seem to yield a good question.` });
      }
      return call('call_challenger', { instructions: instructionsFor(results, rates.feedbackFidelity, rng) });
    }
    default: {
      const next = typeof last.next_step === 'string' ? last.next_step : 'call_challenger';
      if (next === 'call_challenger') return call('call_challenger', { instructions: instructionsFor(results, rates.feedbackFidelity, rng) });
      return call(next);
    }
  }
}

export const mainAgentPersona: Persona = {
  name: 'main-agent',
  matches: (request: SimRequest) => Boolean(request.tools?.some((tool) => tool.function.name === 'call_challenger')),
  // Parallel drafts when the tool offers angles (main-agent-angles.ts); otherwise the reply as it is.
  respond: (request: SimRequest, { rng, memo }: PersonaContext) => withAngles(request, nextAction(request, rng, memo)),
};

// The judge-decided loop (the paper's legal variant): rounds in code, challenger -> QV -> every
// weak and every strong rollout, then a loop judge reads the round's diagnostic packet and answers
// accept or improve with a suggestion. Code overrides (harness setting `loopJudge`) force improve
// whatever the judge says: an accept that breaks one is overruled and counted. The suggestion
// reaches the next challenger through {{feedback}}; `roundBudget` caps the rounds.
import { renderPrompt } from '../harness/render-prompt.ts';
import { mean } from './acceptance.ts';
import type { Episode } from './episode.ts';
import { buildLoopFeedback } from './loop-feedback.ts';
import { buildDiagnosticPacket } from './loop-packet.ts';
import { loopOverrides, overrideViolations } from './loop-overrides.ts';
import type { AttemptReport, DiagnosticPacket, LoopJudgeRecord, RoundRecord, StageSummary } from './result-schema.ts';
import { markInfrastructure } from './round-record.ts';
import { LOOP_VERDICT_SCHEMA_NAME, loopVerdictSchema, type ChallengerExample, type LoopVerdict } from './schemas.ts';
import { draftRound, runRoundLoop, type EpisodeEnd } from './scripted-orchestrator.ts';
import { describeFailure, retriedCall } from './retried-call.ts';
import { evaluate, exampleForVerifier, seedFor, type EpisodeContext } from './stages.ts';

export function runJudgeLoop(context: EpisodeContext, episode: Episode): Promise<EpisodeEnd> {
  return runRoundLoop(episode, context.harness.settings.roundBudget, (round) => runJudgedRound(context, episode, round, buildLoopFeedback(episode.result.rounds)));
}

export async function runJudgedRound(context: EpisodeContext, episode: Episode, round: number, feedback: string): Promise<RoundRecord> {
  const { record, chosen } = await draftRound(context, round, feedback);
  if (!chosen) return record;

  // Every rollout of both capabilities: the packet is the judge's evidence, so no stage stops early.
  const items = chosen.rubric.items;
  const weak = await evaluate(context, round, 'weak', chosen.example, items, { earlyStop: false });
  if (weak.kind === 'infrastructure') {
    markInfrastructure(record, weak.detail, weak.reports, 'weak');
    return record;
  }
  const strong = await evaluate(context, round, 'strong', chosen.example, items, { earlyStop: false });
  if (strong.kind === 'infrastructure') {
    markInfrastructure(record, strong.detail, strong.reports, 'strong');
    return record;
  }
  const packet = buildDiagnosticPacket(chosen.example.question, items, weak.reports, strong.reports);
  const violations = overrideViolations(loopOverrides(context.harness.settings), packet);
  recordStages(record, weak.reports, strong.reports, violations);

  const verdict = await askLoopJudge(context, round, chosen.example, packet);
  if (!verdict.ok) {
    record.loop_judge = { packet, verdict: null, suggestion: '', reasons: [], overrides_violated: violations, overruled: false };
    markInfrastructure(record, verdict.detail);
    return record;
  }
  decide(episode, record, packet, verdict.value, violations);
  return record;
}

/** The stage summaries: `passed` says whether the stage's own overrides hold (the loop judge decides the round). */
function recordStages(record: RoundRecord, weak: AttemptReport[], strong: AttemptReport[], violations: string[]): void {
  const stage = (reports: AttemptReport[], reasons: string[]): StageSummary => {
    const scores = reports.map((report) => report.score ?? 0);
    return { scores, mean: mean(scores), best: Math.max(...scores), passed: reasons.length === 0, reasons };
  };
  record.weak = stage(weak, violations.filter((line) => line.startsWith('weak mean')));
  record.strong = stage(strong, violations.filter((line) => line.startsWith('gap')));
  record.gap = record.strong.mean - record.weak.mean;
  record.evaluation_report = { weak, strong };
}

/** Acceptance: the judge's accept, checked against the overrides. */
function decide(episode: Episode, record: RoundRecord, packet: DiagnosticPacket, verdict: LoopVerdict, violations: string[]): void {
  const overruled = verdict.verdict === 'accept' && violations.length > 0;
  if (overruled) episode.result.false_acceptance_claims += 1;
  const judged: LoopJudgeRecord = {
    packet,
    verdict: verdict.verdict,
    suggestion: verdict.suggestion,
    reasons: verdict.reasons,
    overrides_violated: violations,
    overruled,
  };
  record.loop_judge = judged;
  record.accepted = verdict.verdict === 'accept' && !overruled;
  if (record.accepted) return;
  record.failure_reason = 'loop-improve';
  record.failure_detail = overruled
    ? `the loop judge's accept was overruled: ${violations.join('; ')}`
    : [`loop judge: improve: ${verdict.suggestion}`, ...violations.map((line) => `override: ${line}`)].join('; ');
}

/** The packet as the loop judge reads it: indented JSON with each list of numbers on one line. */
export function formatPacket(packet: DiagnosticPacket): string {
  return JSON.stringify(packet, null, 2).replace(/\[\s*((?:-?[\d.]+,\s*)*-?[\d.]+)\s*\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
}

async function askLoopJudge(
  context: EpisodeContext,
  round: number,
  example: ChallengerExample,
  packet: DiagnosticPacket,
): Promise<{ ok: true; value: LoopVerdict } | { ok: false; detail: string }> {
  const prompt = renderPrompt(context.harness, 'loopJudge', { example: exampleForVerifier(example), packet: formatPacket(packet) });
  const result = await retriedCall(context.harness.settings.evaluationRetries, (draw) =>
    context.llm.structured({
      role: 'loopJudge',
      messages: [{ role: 'user', content: prompt }],
      seed: seedFor(context, round, 'loopJudge', draw),
      schemaName: LOOP_VERDICT_SCHEMA_NAME,
      schema: loopVerdictSchema,
    }),
  );
  if (result.ok) return { ok: true, value: result.value };
  return { ok: false, detail: `loop judge failed ${result.calls} time(s): ${describeFailure(result.last)}` };
}

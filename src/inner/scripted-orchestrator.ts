// The workflow in code: challenger -> rubric -> QV -> weak -> (weak passed) strong -> acceptance,
// repeated with the accumulated refinement message. The single-shot baseline reuses one round of it.
import { recordRound, type Episode } from './episode.ts';
import { buildRefinementMessage } from './refinement.ts';
import type { FailureReason, RoundRecord } from './result-schema.ts';
import { applyExample, applyFormatFailure, applyQuality, applyStrong, applyWeak, markInfrastructure, newRound } from './round-record.ts';
import { challenge, evaluate, verify, type ChallengeOutcome, type EpisodeContext } from './stages.ts';

/** Infrastructure rounds a document may have before it ends with an error instead of a verdict. */
export const MAX_INFRASTRUCTURE_ROUNDS = 3;

export interface EpisodeEnd {
  endReason: FailureReason | null;
  error?: string;
}

export interface RoundOptions {
  /** Run the strong solver even when the weak criteria failed (the single-shot baseline's statistics). */
  strongAlways: boolean;
}

/** Drafts `challengersPerRound` examples and evaluates the first that passes the quality check. */
export async function runScriptedRound(context: EpisodeContext, round: number, feedback: string, options: RoundOptions): Promise<RoundRecord> {
  const { record, chosen } = await draftRound(context, round, feedback);
  if (!chosen) return record;

  const weak = await evaluate(context, round, 'weak', chosen.example, chosen.rubric.items);
  if (weak.kind === 'infrastructure') {
    markInfrastructure(record, weak.detail, weak.reports, 'weak');
    return record;
  }
  const weakPassed = applyWeak(context, record, weak.scores, weak.reports, weak.earlyStop);
  if (!weakPassed && !options.strongAlways) return record;

  // A strong stage run only for the baseline's statistics (weak failed) has no decision to stop on: it runs whole.
  const strong = await evaluate(context, round, 'strong', chosen.example, chosen.rubric.items, {
    ...(weakPassed ? { weakMean: record.weak?.mean ?? 0 } : { earlyStop: false }),
  });
  if (strong.kind === 'infrastructure') {
    // Without a weak pass the round already has its verdict; only the baseline's statistics are lost.
    if (weakPassed) markInfrastructure(record, strong.detail, strong.reports, 'strong');
    else record.evaluation_report.strong = strong.reports;
    return record;
  }
  applyStrong(context, record, strong.scores, strong.reports, strong.earlyStop);
  return record;
}

/** A new round's record with its drafts made and checked: `chosen` is the draft to evaluate, absent when none passed. */
export async function draftRound(
  context: EpisodeContext,
  round: number,
  feedback: string,
): Promise<{ record: RoundRecord; chosen: Extract<ChallengeOutcome, { kind: 'example' }> | undefined }> {
  const record = newRound(round, feedback);
  const drafts = await Promise.all(
    Array.from({ length: context.harness.settings.challengersPerRound }, (_, candidate) => challenge(context, round, feedback, candidate)),
  );
  return { record, chosen: await chooseDraft(context, round, record, drafts) };
}

/** The first draft that passes the quality check, recorded; when none does, the first failure (or the fault) is recorded instead. */
async function chooseDraft(
  context: EpisodeContext,
  round: number,
  record: RoundRecord,
  drafts: ChallengeOutcome[],
): Promise<Extract<ChallengeOutcome, { kind: 'example' }> | undefined> {
  let firstFailure: (() => void) | undefined;
  let infrastructureDetail: string | undefined;
  for (const [candidate, draft] of drafts.entries()) {
    if (draft.kind === 'infrastructure') {
      infrastructureDetail ??= draft.detail;
      continue;
    }
    if (draft.kind === 'format') {
      firstFailure ??= () => applyFormatFailure(record, draft.detail, draft.issues);
      continue;
    }
    if (draft.rubric.errors.length > 0) {
      firstFailure ??= () => applyExample(record, draft.example, draft.rubric);
      continue;
    }
    const verdict = await verify(context, round, draft.example, candidate);
    if (verdict.kind === 'infrastructure') {
      infrastructureDetail ??= verdict.detail;
      continue;
    }
    if (!verdict.passed) {
      firstFailure ??= () => {
        applyExample(record, draft.example, draft.rubric);
        applyQuality(record, verdict);
      };
      continue;
    }
    applyExample(record, draft.example, draft.rubric);
    applyQuality(record, verdict);
    return draft;
  }
  if (firstFailure) firstFailure();
  else markInfrastructure(record, infrastructureDetail ?? 'no challenger draft');
  return undefined;
}

/** Rounds until accepted or `verdictBudget` rounds reached a verdict; infrastructure rounds do not spend the budget. */
export function runRounds(context: EpisodeContext, episode: Episode, verdictBudget: number, options: RoundOptions): Promise<EpisodeEnd> {
  return runRoundLoop(episode, verdictBudget, (round) => runScriptedRound(context, round, buildRefinementMessage(episode.result.rounds), options));
}

/** The round loop every code-driven orchestrator shares: `playRound` makes one round's record from the rounds so far. */
export async function runRoundLoop(episode: Episode, verdictBudget: number, playRound: (round: number) => Promise<RoundRecord>): Promise<EpisodeEnd> {
  let verdicts = 0;
  let infrastructureRounds = 0;
  let round = 0;
  while (verdicts < verdictBudget) {
    round += 1;
    const record = await playRound(round);
    recordRound(episode, record);
    if (record.accepted) return { endReason: null };
    if (record.failure_reason === 'infrastructure') {
      infrastructureRounds += 1;
      if (infrastructureRounds >= MAX_INFRASTRUCTURE_ROUNDS) {
        return { endReason: 'infrastructure', error: `${infrastructureRounds} rounds failed for infrastructure reasons; last: ${record.failure_detail}` };
      }
    } else {
      verdicts += 1;
    }
  }
  return { endReason: 'budget-exhausted' };
}

export function runScripted(context: EpisodeContext, episode: Episode): Promise<EpisodeEnd> {
  return runRounds(context, episode, context.harness.settings.roundBudget, { strongAlways: false });
}

/** CoT Self-Instruct: one round, the same QV and solver statistics, no refinement. */
export function runSingleShot(context: EpisodeContext, episode: Episode): Promise<EpisodeEnd> {
  return runRounds(context, episode, 1, { strongAlways: true });
}

// `autodata replay racing`: what outer.racing would have done on a run whose paired validations were
// recorded in full (racing off). Every iteration's parent and child verdicts are walked in the order
// a raced validation would have read them (evolve.ts: the split's documents shuffled by
// deriveSeed(seed, 'validation-order', iteration)), the discordant pairs tallied prefix by prefix as
// race-validation.ts does, and the first prefix the rule settles is where the race would have stopped.
// The same episodes (same seeds per document) would have been run, so each replayed decision is the
// one the raced iteration would have taken. Later iterations are not replayed as a raced run would
// have gone on (its scores, hence its parents, would differ): each iteration is taken as recorded.
//
// Calls come from the store: every validation row keeps each document's paid calls (outcomes_json).
// "Saved on the prefix" counts every document past the settling prefix as never run; a live race also
// pays for the documents already running when it settles, at most `inFlight` more per side.
import { acceptsDiscordant, discordantPairs, type AcceptanceRule } from '../outer/accept-child.ts';
import { ConfigError } from '../errors.ts';
import { isVoidTally } from '../outer/evaluation-record.ts';
import { raceOrder } from '../outer/evolve.ts';
import type { IterationRecord, OutcomeSummary } from '../outer/population-store.ts';
import { raceRule, type RaceRule, type Racing } from '../outer/race-rule.ts';
import { canonicalJson } from '../util/hash.ts';

/** One iteration's full paired validation, both sides in the order a race would have read them. */
export interface PairedValidation {
  iteration: number;
  parentId: string;
  childId: string;
  /** The decision the run recorded (under its own acceptance rule). */
  recordedAccepted: boolean;
  parent: OutcomeSummary[];
  child: OutcomeSummary[];
}

/** What the replay needs of the run's recorded config. */
export interface RecordedRacingSetup {
  seed: number;
  acceptance: AcceptanceRule;
  maxErroredFraction: number;
  documentConcurrency: number;
}

export interface RacingReplayOptions {
  racing: Exclude<Racing, 'off'>;
  /** The rule decisions are taken under; the run's own when it equals `recorded.acceptance`. */
  acceptance: AcceptanceRule;
  /** Documents per side that may still be running past the settling prefix (race-validation.ts: documentConcurrency - 1). */
  inFlight: number;
}

export interface ReplayedIteration {
  iteration: number;
  /** Documents read before the rule settled (all of them when it never did). */
  documentsRead: number;
  documents: number;
  accepted: boolean;
  /** What the decision is held against: the recorded one, or the full evaluation's under another rule. */
  reference: boolean;
  /** Futility only: the predicted chance the full evaluation accepts, when it rejected early. */
  acceptChance: number | null;
  /** Paid calls of both sides: all of them, past the prefix, and past the prefix plus the in-flight bound. */
  calls: number;
  savedOnPrefix: number;
  savedWithInFlight: number;
}

export interface RacingReplay {
  racing: Exclude<Racing, 'off'>;
  acceptance: AcceptanceRule;
  /** 'recorded': the run's decisions; 'full evaluation': what the whole validation decides under `acceptance`. */
  reference: 'recorded' | 'full evaluation';
  inFlight: number;
  iterations: number;
  sameDecisions: number;
  differing: Array<{ iteration: number; replayed: 'accepted' | 'rejected'; reference: 'accepted' | 'rejected' }>;
  meanDocumentsRead: number;
  /** Documents of one side's full validation (the most of any iteration). */
  documents: number;
  calls: number;
  savedOnPrefix: number;
  savedWithInFlight: number;
  perIteration: ReplayedIteration[];
}

/** Pairs up an iteration's recorded full validations in race order; the child's outcomes by the parent's document ids. */
export function pairedValidation(
  record: Pick<IterationRecord, 'iteration' | 'parentId' | 'childId' | 'decision'>,
  parent: readonly OutcomeSummary[],
  child: readonly OutcomeSummary[],
  seed: number,
): PairedValidation {
  const childOf = new Map(child.map((outcome) => [outcome.documentId, outcome]));
  const ordered = raceOrder(parent, seed, record.iteration);
  const missing = ordered.find((outcome) => !childOf.has(outcome.documentId));
  if (missing || child.length !== parent.length) {
    throw new ConfigError(`iteration ${record.iteration}`, `the parent's and child's recorded validations are not on the same documents: nothing to pair`);
  }
  return {
    iteration: record.iteration,
    parentId: record.parentId,
    childId: record.childId!,
    recordedAccepted: record.decision === 'accepted',
    parent: ordered,
    child: ordered.map((outcome) => childOf.get(outcome.documentId)!),
  };
}

/** Replays every validation through one racing rule. */
export function replayRacing(validations: readonly PairedValidation[], recorded: RecordedRacingSetup, options: RacingReplayOptions): RacingReplay {
  const sameRule = canonicalJson(options.acceptance) === canonicalJson(recorded.acceptance);
  const settle = raceRule(options.acceptance, options.racing);
  const perIteration = validations.map((validation) => replayIteration(validation, settle, recorded, options, sameRule));
  const differing = perIteration
    .filter((entry) => entry.accepted !== entry.reference)
    .map((entry) => ({ iteration: entry.iteration, replayed: verdict(entry.accepted), reference: verdict(entry.reference) }));
  const sum = (pick: (entry: ReplayedIteration) => number) => perIteration.reduce((total, entry) => total + pick(entry), 0);
  return {
    racing: options.racing,
    acceptance: options.acceptance,
    reference: sameRule ? 'recorded' : 'full evaluation',
    inFlight: options.inFlight,
    iterations: perIteration.length,
    sameDecisions: perIteration.length - differing.length,
    differing,
    meanDocumentsRead: perIteration.length === 0 ? 0 : sum((entry) => entry.documentsRead) / perIteration.length,
    documents: Math.max(0, ...perIteration.map((entry) => entry.documents)),
    calls: sum((entry) => entry.calls),
    savedOnPrefix: sum((entry) => entry.savedOnPrefix),
    savedWithInFlight: sum((entry) => entry.savedWithInFlight),
    perIteration,
  };
}

function replayIteration(
  validation: PairedValidation, settle: RaceRule, recorded: RecordedRacingSetup, options: RacingReplayOptions, sameRule: boolean,
): ReplayedIteration {
  const { parent, child } = validation;
  const total = parent.length;
  const prefix = (outcomes: readonly OutcomeSummary[], length: number) => ({ outcomes: outcomes.slice(0, length) });
  let settled: { documents: number; accepted: boolean; acceptChance: number | null } | null = null;
  // As race-validation.ts reads pairs: the prefix after each document, never the whole list (that is
  // the full evaluation), and a prefix either side of which would be void decides nothing.
  for (let compared = 1; compared < total && settled === null; compared += 1) {
    if (isVoidPrefix(parent, compared, recorded.maxErroredFraction) || isVoidPrefix(child, compared, recorded.maxErroredFraction)) continue;
    const decision = settle(discordantPairs(prefix(parent, compared), prefix(child, compared)), total - compared);
    if (decision) settled = { documents: compared, ...decision };
  }
  const full = discordantPairs({ outcomes: parent }, { outcomes: child });
  const fullAccepts = acceptsDiscordant(full.childBetter, full.parentBetter, options.acceptance);
  const read = settled?.documents ?? total;
  const callsFrom = (start: number) => sumCalls(parent, start) + sumCalls(child, start);
  return {
    iteration: validation.iteration,
    documentsRead: read,
    documents: total,
    accepted: settled?.accepted ?? fullAccepts,
    reference: sameRule ? validation.recordedAccepted : fullAccepts,
    acceptChance: settled?.acceptChance ?? null,
    calls: callsFrom(0),
    savedOnPrefix: callsFrom(read),
    savedWithInFlight: callsFrom(Math.min(total, read + options.inFlight)),
  };
}

/** evaluation-record.ts's void rule on a prefix (outcomes stored in race order). */
function isVoidPrefix(outcomes: readonly OutcomeSummary[], length: number, maxErroredFraction: number): boolean {
  const errored = outcomes.slice(0, length).filter((outcome) => outcome.error !== undefined).length;
  return isVoidTally(length, errored, { maxErroredFraction });
}

function sumCalls(outcomes: readonly OutcomeSummary[], start: number): number {
  return outcomes.slice(start).reduce((total, outcome) => total + outcome.calls, 0);
}

function verdict(accepted: boolean): 'accepted' | 'rejected' {
  return accepted ? 'accepted' : 'rejected';
}

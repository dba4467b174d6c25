// The paired validation of an iteration: parent and child on the same validation documents with
// the same seeds, two evaluations at once as the paper has them. With outer.racing on, the
// documents pair up as they finish and the validation stops once the decision is settled
// (race-rule.ts); off, both run to the end.
//
// Determinism: the decision is read from completed pairs in the list's order only, so it is taken
// at the same prefix whatever the timing. Each side runs its documents in order with its own
// workers, as before, but no further than `concurrency` documents past the prefix both finished.
// Once settled at a prefix no later document starts; those already running finish (their
// episodes are stored like any other) and are paid for, but the recorded evaluations hold the
// prefix alone, the same whatever was in flight.
import { evaluateHarness, summarizeEvaluation, type DocumentOutcome, type EvaluateOptions, type HarnessEvaluation, type InnerDeps, type InnerDocument } from '../inner/index.ts';
import type { ResultProvenance } from '../inner/result-schema.ts';
import type { Harness } from '../harness/index.ts';
import { settleAll } from '../util/settle-all.ts';
import { discordantPairs, type AcceptanceRule } from './accept-child.ts';
import { isVoidEvaluation } from './evaluation-record.ts';
import { raceRule, type Racing, type SettledDecision } from './race-rule.ts';

export interface RaceSetup {
  parent: Harness;
  child: Harness;
  documents: InnerDocument[];
  /** One evaluation's options (the same for both sides); no context fitting, the documents run as given. */
  options: Omit<EvaluateOptions, 'contextFit' | 'onDocumentDone' | 'beforeStart'>;
  acceptance: AcceptanceRule;
  racing: Racing;
  /** The void rule of evaluation-record.ts: a prefix that would be void decides nothing early. */
  maxErroredFraction: number;
  /** Each side's results name their own candidate (result.json `provenance`). */
  provenance?: Record<Side, ResultProvenance>;
}

export interface RaceResult {
  parent: HarnessEvaluation;
  child: HarnessEvaluation;
  /** Set when racing settled the decision before the last document. */
  early: (SettledDecision & { documents: number; of: number }) | null;
  /** Episodes past the deciding prefix that were already running: paid for (the iteration's calls), in no evaluation; depends on timing. */
  beyond: { episodes: number; calls: number; tokens: number };
}

type Side = 'parent' | 'child';

export async function raceValidation(deps: InnerDeps, setup: RaceSetup): Promise<RaceResult> {
  const { documents, options } = setup;
  const settle = setup.racing === 'off' ? null : raceRule(setup.acceptance, setup.racing);
  const voidRule = { maxErroredFraction: setup.maxErroredFraction };
  const finished: Record<Side, Array<DocumentOutcome | undefined>> = { parent: [], child: [] };
  const total = documents.length;
  let compared = 0; // the prefix both sides have finished, as far as it was read
  // Set from inside readPairs (a cast, so the compiler does not narrow it to null for good).
  let early = null as RaceResult['early'];

  // Reads newly completed pairs in order; the first prefix that settles the decision is the one kept.
  const readPairs = () => {
    while (settle && early === null && compared < total && finished.parent[compared] && finished.child[compared]) {
      compared += 1;
      if (compared === total) return;
      const prefix = { parent: prefixEvaluation(finished.parent, compared), child: prefixEvaluation(finished.child, compared) };
      if (isVoidEvaluation(prefix.parent, voidRule) || isVoidEvaluation(prefix.child, voidRule)) continue;
      const settled = settle(discordantPairs(prefix.parent, prefix.child), total - compared);
      if (settled) early = { ...settled, documents: compared, of: total };
    }
  };
  // A side that is ahead waits: it starts a document at most `concurrency` places past the compared
  // prefix, so work the decision may never read stays within what one evaluation has in flight.
  const waiting: Array<() => void> = [];
  const wake = () => waiting.splice(0).forEach((resume) => resume());
  let failed = false;
  const beforeStart = async (index: number): Promise<boolean> => {
    for (;;) {
      if (failed) return false;
      if (early !== null) return index < early.documents;
      if (settle === null || index < compared + options.concurrency) return true;
      await new Promise<void>((resume) => waiting.push(resume));
    }
  };
  const run = (side: Side, harness: Harness) =>
    evaluateHarness(deps, harness, documents, {
      ...options,
      ...(setup.provenance ? { provenance: setup.provenance[side] } : {}),
      beforeStart,
      onDocumentDone: (outcome, _done, _total, index) => {
        finished[side][index] = outcome;
        readPairs();
        wake();
      },
    }).catch((error: unknown) => {
      // The other side must not wait for pairs that will never come.
      failed = true;
      wake();
      throw error;
    });
  const [parent, child] = await settleAll([run('parent', setup.parent), run('child', setup.child)]);
  if (early === null) return { parent, child, early, beyond: { episodes: 0, calls: 0, tokens: 0 } };

  const past = [...parent.outcomes.slice(early.documents), ...child.outcomes.slice(early.documents)];
  return {
    parent: prefixEvaluation(parent.outcomes, early.documents),
    child: prefixEvaluation(child.outcomes, early.documents),
    early,
    beyond: {
      episodes: past.length,
      calls: past.reduce((sum, outcome) => sum + outcome.calls, 0),
      tokens: past.reduce((sum, outcome) => sum + outcome.promptTokens + outcome.completionTokens, 0),
    },
  };
}

/**
 * What the iteration's reason adds when racing settled early ('' otherwise). Only what the prefix
 * decides: the reason is in the history the analyzer reads, and how many episodes were still running
 * depends on timing.
 */
export function describeRace(race: RaceResult): string {
  const { early } = race;
  if (!early) return '';
  const after = `after ${early.documents} of ${early.of} validation documents`;
  return early.acceptChance === null
    ? `; settled ${after} (exact racing: the rest could not change it)`
    : `; rejected early ${after} (futility racing: predicted chance that the full evaluation accepts ${early.acceptChance.toFixed(3)})`;
}

function prefixEvaluation(outcomes: ReadonlyArray<DocumentOutcome | undefined>, length: number): HarnessEvaluation {
  const prefix = outcomes.slice(0, length) as DocumentOutcome[];
  const summary = summarizeEvaluation(prefix);
  return { passRate: summary.passRate, outcomes: prefix, summary };
}


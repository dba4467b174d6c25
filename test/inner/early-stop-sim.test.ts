// Early stopping on the sim: the 25 validation documents of splits/sim-cs.json run with the full
// pattern first, then with early stopping on the same call cache. A round whose example (round
// number, context, question, rubric) is the same in both runs got the same answers and scores for
// every attempt made (same seeds, same prompts), so its stage decisions must be the same. Rounds
// after the first one whose recorded means differ can differ (the refinement message reports only
// what was measured), so only rounds with the same example are compared.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import type { Harness } from '../../src/harness/harness.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { stageDecision } from '../../src/inner/early-stop.ts';
import { evaluateHarness, type HarnessEvaluation } from '../../src/inner/index.ts';
import type { RoundRecord, StageSummary } from '../../src/inner/result-schema.ts';
import { openStore } from '../../src/store/index.ts';

const root = new URL('../../', import.meta.url).pathname;
const SIM_SEED = 5;
const RUN_SEED = 3;

function validationDocuments() {
  const split = loadSplit(path.join(root, 'splits/sim-cs.json'));
  return documentsForPart(resolveDocuments(split.documents).documents, split, 'validation');
}

/** Solver and judge calls of a whole evaluation (cache hits included: they are calls the loop made). */
function solverAndJudgeCalls(evaluation: HarnessEvaluation): number {
  const usage = evaluation.summary.usageByRole;
  return (usage.weakSolver?.calls ?? 0) + (usage.strongSolver?.calls ?? 0) + (usage.judge?.calls ?? 0);
}

const sameExample = (a: RoundRecord, b: RoundRecord) =>
  a.round === b.round && a.question === b.question && a.context === b.context && JSON.stringify(a.rubric) === JSON.stringify(b.rubric);

interface StageDecisionView {
  weakPassed: boolean | null;
  strongRan: boolean;
  strongPassed: boolean | null;
  failureReason: string | null;
  accepted: boolean;
}

const decisionOf = (round: RoundRecord): StageDecisionView => ({
  weakPassed: round.weak?.passed ?? null,
  strongRan: round.strong !== null,
  strongPassed: round.strong?.passed ?? null,
  failureReason: round.failure_reason,
  accepted: round.accepted,
});

/** Attempts the pure module would make on a stage recorded with every attempt (the replay of the full pattern). */
function attemptsWithEarlyStop(harness: Harness, stage: 'weak' | 'strong', summary: StageSummary, weakMean: number): number {
  for (let made = 1; made <= summary.scores.length; made += 1) {
    const decision = stageDecision({
      preset: harness.settings.acceptance,
      weakZeroRule: harness.settings.weakZeroRule,
      stage,
      scores: summary.scores.slice(0, made),
      remaining: summary.scores.length - made,
      weakMean,
    });
    if (decision.decided) return made;
  }
  return summary.scores.length;
}

async function compareOn(harness: Harness) {
  const documents = validationDocuments();
  const store = openStore(':memory:');
  try {
    const llm = createAppLlm({ endpoints: defaultSimEndpoints(), store, simSeed: SIM_SEED, cacheMode: 'use' });
    const options = { seed: RUN_SEED, repeat: 0, concurrency: 8, simulated: true };
    // No store in the loop's deps: the second run must not reuse the first one's stored episodes, only its calls.
    const full = await evaluateHarness({ llm }, harness, documents, { ...options, earlyStop: false });
    const early = await evaluateHarness({ llm }, harness, documents, { ...options, earlyStop: true });

    let compared = 0;
    let stagesStoppedEarly = 0;
    let attemptsFull = 0;
    let attemptsEarly = 0;
    let replayFull = 0;
    let replayEarly = 0;
    for (const [index, document] of documents.entries()) {
      const fullRounds = full.outcomes[index]!.result.rounds;
      const earlyRounds = early.outcomes[index]!.result.rounds;
      expect(full.outcomes[index]!.documentId).toBe(document.id);
      for (const round of fullRounds) {
        if (round.weak) {
          replayFull += round.weak.scores.length;
          replayEarly += attemptsWithEarlyStop(harness, 'weak', round.weak, 0);
        }
        if (round.strong && round.weak?.passed) {
          replayFull += round.strong.scores.length;
          replayEarly += attemptsWithEarlyStop(harness, 'strong', round.strong, round.weak.mean);
        }
      }
      for (const round of earlyRounds) {
        const twin = fullRounds.find((candidate) => sameExample(candidate, round));
        if (!twin || round.weak === null || twin.weak === null) continue;
        compared += 1;
        expect({ document: document.id, round: round.round, ...decisionOf(round) }).toEqual({ document: document.id, round: round.round, ...decisionOf(twin) });
        // The attempts made are the full pattern's first attempts, with the same scores.
        expect(twin.weak.scores.slice(0, round.weak.scores.length)).toEqual(round.weak.scores);
        if (round.strong && twin.strong) expect(twin.strong.scores.slice(0, round.strong.scores.length)).toEqual(round.strong.scores);
        attemptsFull += twin.weak.scores.length + (twin.strong?.scores.length ?? 0);
        attemptsEarly += round.weak.scores.length + (round.strong?.scores.length ?? 0);
        for (const stage of [round.weak, round.strong]) {
          if (!stage?.early_stop) continue;
          stagesStoppedEarly += 1;
          expect(stage.early_stop.skipped).toBe(stage.early_stop.skipped_attempts.length);
          expect(stage.scores.length + stage.early_stop.skipped).toBe(stage.early_stop.attempts_planned);
          expect(stage.early_stop.reason).toMatch(/^decided: /);
        }
      }
    }
    return {
      documents: documents.length,
      comparedRounds: compared,
      stagesStoppedEarly,
      attemptsOnComparedRounds: { full: attemptsFull, early: attemptsEarly },
      replayOfFullRun: { full: replayFull, early: replayEarly },
      solverAndJudgeCalls: { full: solverAndJudgeCalls(full), early: solverAndJudgeCalls(early) },
      passRate: { full: full.passRate, early: early.passRate },
      earlySummary: early.summary.earlyStop,
    };
  } finally {
    store.close();
  }
}

describe('early stopping on the sim keeps every comparable stage decision', () => {
  it('agentic baseline, 25 validation documents', async () => {
    const report = await compareOn(loadHarness(path.join(root, 'baselines/agentic-self-instruct')));
    console.log(`early stop, agentic: ${JSON.stringify(report)}`);
    expect(report.comparedRounds).toBeGreaterThanOrEqual(report.documents);
    expect(report.stagesStoppedEarly).toBeGreaterThan(0);
    expect(report.attemptsOnComparedRounds.early).toBeLessThan(report.attemptsOnComparedRounds.full);
  }, 600_000);

  it('scripted orchestrator, 25 validation documents', async () => {
    const agentic = loadHarness(path.join(root, 'baselines/agentic-self-instruct'));
    const scripted: Harness = { ...agentic, settings: { ...agentic.settings, orchestrator: 'scripted' } };
    const report = await compareOn(scripted);
    console.log(`early stop, scripted: ${JSON.stringify(report)}`);
    expect(report.comparedRounds).toBeGreaterThanOrEqual(report.documents);
    expect(report.stagesStoppedEarly).toBeGreaterThan(0);
  }, 600_000);

  it('single shot: a strong stage run only for the statistics (weak failed) is never cut short', async () => {
    const harness = loadHarness(path.join(root, 'baselines/cot-self-instruct'));
    const llm = createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: SIM_SEED });
    const evaluation = await evaluateHarness({ llm }, harness, validationDocuments(), { seed: RUN_SEED, repeat: 0, concurrency: 8, earlyStop: true });
    const rounds = evaluation.outcomes.flatMap((outcome) => outcome.result.rounds);
    const statisticsOnly = rounds.filter((round) => round.weak?.passed === false && round.strong !== null);
    expect(statisticsOnly.length).toBeGreaterThan(0);
    for (const round of statisticsOnly) {
      expect(round.strong?.early_stop).toBeUndefined();
      expect(round.strong?.scores).toHaveLength(harness.settings.solverAttempts.strong);
    }
    // The weak stage itself does stop early.
    expect(rounds.some((round) => round.weak?.early_stop !== undefined)).toBe(true);
  }, 600_000);

  it('verifiable baseline (counts of correct attempts, 4 each), 25 validation documents', async () => {
    // The verifiable preset's stopping rule is what this case checks, so one challenger draft per
    // round keeps it at the cost of the other cases. The baseline drafts 3 in parallel, which
    // test/inner/parallel-challengers.test.ts covers with every attempt made (no early stop).
    const verifiable = loadHarness(path.join(root, 'baselines/verifiable-self-instruct'));
    expect(verifiable.settings.acceptance).toBe('verifiable');
    const report = await compareOn({ ...verifiable, settings: { ...verifiable.settings, challengersPerRound: 1 } });
    console.log(`early stop, verifiable: ${JSON.stringify(report)}`);
    expect(report.comparedRounds).toBeGreaterThanOrEqual(report.documents);
    expect(report.stagesStoppedEarly).toBeGreaterThan(0);
  }, 600_000);
});

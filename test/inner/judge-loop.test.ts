// The judge-decided loop (orchestrator judge-loop) through the in-process sim: legal documents,
// the legal baseline harness, and a loop judge that is either the sim's own persona or one that
// always says accept (to see what the code overrides do with a bare claim).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { harnessFromFiles, type Harness } from '../../src/harness/harness.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { parseSettings } from '../../src/harness/settings.ts';
import { evaluateHarness, formatTrajectory, runDocument } from '../../src/inner/index.ts';
import { buildDiagnosticPacket } from '../../src/inner/loop-packet.ts';
import type { AttemptReport, RubricItem } from '../../src/inner/result-schema.ts';
import { recheckAccepted } from '../../src/dataset/dataset-row.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { createSimFetch, type Persona, type SimRequest } from '../../src/sim/index.ts';
import { personas } from '../../src/sim/personas/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const legal = loadHarness(path.join(root, 'baselines/legal-self-instruct'));
const documents = resolveDocuments('sim:legal?n=4&seed=3').documents;

/** The legal baseline with some settings changed (the files are what a harness is). */
function withSettings(changes: Record<string, unknown>): Harness {
  const settings = { ...JSON.parse(legal.files['settings.json']!), ...changes };
  return harnessFromFiles({ ...legal.files, 'settings.json': JSON.stringify(settings, null, 2) });
}

/** A sim whose loop judge is `judge` (recording what it was sent), every other persona as usual. */
function simLlm(seed: number, judge?: Persona) {
  const list = judge ? [judge, ...personas] : personas;
  const simFetch = createSimFetch({ seed, personas: list });
  return createLlm({ endpoints: defaultSimEndpoints(), fetchFor: () => simFetch });
}

function acceptingJudge(seen: SimRequest[]): Persona {
  return {
    name: 'always-accept',
    matches: (request) => request.responseFormat?.name === 'loop_verdict',
    respond(request) {
      seen.push(request);
      return { content: JSON.stringify({ verdict: 'accept', suggestion: '', reasons: ['looks fine to me'] }) };
    },
  };
}

describe('judge-loop orchestrator', () => {
  it('overrules a loop judge\'s accept when an override is violated, counts it, and tells the challenger what to fix', async () => {
    const seen: SimRequest[] = [];
    const harness = withSettings({ roundBudget: 3, loopJudge: { maxQuestionChars: 120 } });
    const outcome = await runDocument({ llm: simLlm(1, acceptingJudge(seen)) }, harness, documents[0]!, { seed: 1, repeat: 0 });

    const judged = outcome.result.rounds.filter((round) => round.loop_judge !== undefined);
    expect(judged.length).toBeGreaterThan(0);
    expect(outcome.accepted).toBe(false);
    for (const round of judged) {
      expect(round.loop_judge!.verdict).toBe('accept');
      expect(round.loop_judge!.overruled).toBe(true);
      expect(round.loop_judge!.overrides_violated[0]).toMatch(/^the question body is \d+ characters, over the 120 allowed$/);
      expect(round.failure_reason).toBe('loop-improve');
      expect(round.accepted).toBe(false);
    }
    expect(outcome.falseAcceptanceClaims).toBe(judged.length);
    expect(outcome.result.false_acceptance_claims).toBe(judged.length);
    // The next draft's feedback names the override it broke.
    const after = outcome.result.rounds.find((round) => round.round === judged[0]!.round + 1);
    expect(after?.feedback_given).toContain('must fix: the question body is');
    expect(seen).toHaveLength(judged.length);
  });

  it('forces improve on every round when the overrides cannot be met, and stops at the round cap', async () => {
    const harness = withSettings({ roundBudget: 4, loopJudge: { maxQuestionChars: 1000, minWeakMean: 0.99, maxWeakMean: 1 } });
    const outcome = await runDocument({ llm: simLlm(2) }, harness, documents[1]!, { seed: 2, repeat: 0 });

    expect(outcome.accepted).toBe(false);
    expect(outcome.result.end_reason).toBe('budget-exhausted');
    const verdicts = outcome.result.rounds.filter((round) => round.failure_reason !== 'infrastructure');
    expect(verdicts).toHaveLength(4);
    for (const round of outcome.result.rounds.filter((entry) => entry.loop_judge)) {
      expect(round.failure_reason).toBe('loop-improve');
      expect(round.loop_judge!.overrides_violated.some((line) => line.startsWith('weak mean'))).toBe(true);
      expect(round.weak?.passed).toBe(false);
    }
  });

  it('the default cap of the legal baseline is 15 rounds', async () => {
    const harness = withSettings({ loopJudge: { maxQuestionChars: 100 } });
    expect(harness.settings.roundBudget).toBe(15);
    const outcome = await runDocument({ llm: simLlm(3, acceptingJudge([])) }, harness, documents[2]!, { seed: 3, repeat: 0 });
    expect(outcome.result.rounds.filter((round) => round.failure_reason !== 'infrastructure')).toHaveLength(15);
    expect(outcome.result.end_reason).toBe('budget-exhausted');
  });

  it('sends the loop judge a packet with every rollout grouped by capability, and feeds its suggestion to the next challenger', async () => {
    const evaluation = await evaluateHarness({ llm: simLlm(4) }, legal, documents, { seed: 4, repeat: 0, concurrency: 2 });
    const rounds = evaluation.outcomes.flatMap((outcome) => outcome.result.rounds.filter((round) => round.loop_judge));
    expect(rounds.length).toBeGreaterThan(0);
    for (const round of rounds) {
      const packet = round.loop_judge!.packet;
      const rubricLength = (round.rubric as unknown[]).length;
      expect(packet.weak.rollouts).toHaveLength(5);
      expect(packet.strong.rollouts).toHaveLength(3);
      for (const rollout of [...packet.weak.rollouts, ...packet.strong.rollouts]) expect(rollout.met).toHaveLength(rubricLength);
      // The packet's rollouts are the judged attempts, criterion by criterion.
      round.evaluation_report.weak.forEach((attempt, index) => {
        expect(packet.weak.rollouts[index]!.met).toEqual(attempt.criteria!.map((criterion) => criterion.met));
      });
      expect(packet.weak.mean).toBeCloseTo(round.weak!.mean, 3);
      expect(packet.gap).toBeCloseTo(round.strong!.mean - round.weak!.mean, 2);
      // Accepted exactly when the judge said accept and no override objected.
      expect(round.accepted).toBe(round.loop_judge!.verdict === 'accept' && round.loop_judge!.overrides_violated.length === 0);
    }
    const improved = evaluation.outcomes.flatMap((outcome) =>
      outcome.result.rounds
        .filter((round) => round.loop_judge?.verdict === 'improve' && round.loop_judge.suggestion !== '')
        .map((round) => ({ suggestion: round.loop_judge!.suggestion, next: outcome.result.rounds.find((entry) => entry.round === round.round + 1) })),
    );
    expect(improved.length).toBeGreaterThan(0);
    for (const { suggestion, next } of improved) if (next) expect(next.feedback_given).toContain(`suggestion: ${suggestion}`);
    // The analyzer's trajectory shows each sent-back round and the judge's words.
    const sentBack = evaluation.outcomes.find((outcome) => outcome.result.rounds.some((round) => round.failure_reason === 'loop-improve'))!;
    const trajectory = formatTrajectory(sentBack.result);
    expect(trajectory).toMatch(/^Round \d+: SENT BACK BY THE LOOP JUDGE \(weak mean \d\.\d\d, strong mean \d\.\d\d, gap -?\d\.\d\d\)$/m);
    expect(trajectory).toMatch(/^Loop judge: improve; suggestion ".+"; reasons \[/m);
    expect(evaluation.summary.accepted).toBeGreaterThan(0);
    // The export lets an accepted judge-loop row in on the judge's accept with the overrides holding, and only then.
    const accepted = evaluation.outcomes.find((outcome) => outcome.accepted)!.result;
    expect(recheckAccepted(accepted, legal.settings).ok).toBe(true);
    const stricter = recheckAccepted(accepted, withSettings({ loopJudge: { maxQuestionChars: 100 } }).settings);
    expect(stricter.ok ? [] : stricter.reasons).toEqual([expect.stringMatching(/^the question body is \d+ characters, over the 100 allowed$/)]);
  });
});

describe('the diagnostic packet', () => {
  const rubric: RubricItem[] = [
    { index: 1, criterion: 'States the rule.', weight: 2, category: 'rule' },
    { index: 2, criterion: 'Applies it.', weight: 3, category: 'application' },
    { index: 3, criterion: 'Misreads it.', weight: -2, category: 'mistake' },
  ];
  const attempt = (number: number, score: number, met: number[]): AttemptReport => ({
    attempt: number,
    answer: 'an answer',
    score,
    errors: [],
    // The judge's reply lists criteria in its own order: the packet follows the rubric's.
    criteria: met.map((value, position) => ({ index: position + 1, criterion: rubric[position]!.criterion, weight: rubric[position]!.weight, met: value, reason: '' })).reverse(),
  });

  it('groups per-criterion scores by capability, with each group\'s mean, spread and hit rates', () => {
    const packet = buildDiagnosticPacket(
      'Question?',
      rubric,
      [attempt(1, 0.4, [1, 0, 0]), attempt(2, 0, [0, 0, 1])],
      [attempt(1, 1, [1, 1, 0])],
    );
    expect(packet.question_chars).toBe(9);
    expect(packet.weak.rollouts).toEqual([
      { attempt: 1, score: 0.4, met: [1, 0, 0] },
      { attempt: 2, score: 0, met: [0, 0, 1] },
    ]);
    expect(packet.strong.rollouts).toEqual([{ attempt: 1, score: 1, met: [1, 1, 0] }]);
    expect(packet.weak).toMatchObject({ mean: 0.2, variance: 0.04, sd: 0.2, min: 0, max: 0.4, criterion_rates: [0.5, 0, 0.5] });
    expect(packet.strong).toMatchObject({ mean: 1, variance: 0, sd: 0, criterion_rates: [1, 1, 0] });
    expect(packet.gap).toBe(0.8);
  });
});

describe('judge-loop settings', () => {
  const base = JSON.parse(legal.files['settings.json']!) as Record<string, unknown>;
  it('refuses an override outside its bounds, naming it', () => {
    const parsed = parseSettings(JSON.stringify({ ...base, loopJudge: { maxQuestionChars: 5 } }));
    expect(parsed).toEqual({ ok: false, problem: '"loopJudge.maxQuestionChars" is 5; allowed: an integer from 100 to 20000' });
  });
  it('refuses the judge-loop in verifiable mode and a weak band that admits nothing', () => {
    const verifiable = parseSettings(JSON.stringify({ ...base, mode: 'verifiable', acceptance: 'verifiable' }));
    expect(verifiable.ok).toBe(false);
    const empty = parseSettings(JSON.stringify({ ...base, loopJudge: { minWeakMean: 0.6, maxWeakMean: 0.4 } }));
    expect(empty.ok ? '' : empty.problem).toMatch(/minWeakMean is above maxWeakMean/);
  });
});

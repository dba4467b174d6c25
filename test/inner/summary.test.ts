import { describe, expect, it } from 'vitest';
import { formatSummary, formatTrajectory, summarizeEvaluation, type DocumentResult, type RoundRecord } from '../../src/inner/index.ts';
import { outcomeFromResult } from '../../src/inner/outcome.ts';
import { newRound } from '../../src/inner/round-record.ts';

const stage = (scores: number[]) => ({
  scores,
  mean: scores.reduce((sum, score) => sum + score, 0) / scores.length,
  best: Math.max(...scores),
  passed: true,
  reasons: [],
});

function round(number: number, fields: Partial<RoundRecord>): RoundRecord {
  return { ...newRound(number, 'feedback'), question: 'Why?'.padEnd(100, '.'), rubric: [1, 2, 3, 4], ...fields };
}

function result(id: string, rounds: RoundRecord[], fields: Partial<DocumentResult> = {}): DocumentResult {
  return {
    document_id: id,
    title: id,
    harness: { content_hash: 'h', orchestrator: 'scripted', mode: 'rubric', acceptance: 'paper-prompt' },
    seed: 1,
    repeat: 0,
    question_type: null,
    reasoning_skills: [],
    rounds,
    final_accepted_round: rounds.find((entry) => entry.accepted)?.round ?? null,
    total_rounds: rounds.length,
    end_reason: null,
    false_acceptance_claims: 0,
    agent_steps: 0,
    usage: { judge: { calls: 6, prompt_tokens: 60, completion_tokens: 30 } },
    error: null,
    finished: true,
    ...fields,
  };
}

describe('summarizeEvaluation', () => {
  const accepted = result('a', [
    round(1, { failure_reason: 'too-easy', weak: stage([0.9, 0.9, 0.9]) }),
    round(2, { failure_reason: 'infrastructure', failure_detail: 'SOLVER_ERROR: every weakSolver call failed' }),
    round(3, { accepted: true, weak: stage([0.3, 0.3, 0.3]), strong: stage([0.8, 0.8, 0.8]), gap: 0.5, rubric: [1, 2] }),
  ]);
  const exhausted = result('b', [round(1, { failure_reason: 'failed-qv', failure_detail: 'leak' })], { end_reason: 'budget-exhausted' });
  const summary = summarizeEvaluation([outcomeFromResult(accepted, false), outcomeFromResult(exhausted, false)]);

  it('counts documents, reasons, rounds per accepted example (without infrastructure rounds) and usage', () => {
    expect(summary).toMatchObject({ documents: 2, accepted: 1, passRate: 0.5, roundsPerAccepted: 2, calls: 12 });
    expect(summary.failureReasons).toEqual({
      'too-easy': 1,
      'weak-all-zero': 0,
      'failed-on-strong': 0,
      'failed-qv': 1,
      'rubric-format': 0,
      infrastructure: 1,
      'loop-improve': 0,
      'gave-up': 0,
      'budget-exhausted': 1,
    });
    expect(summary.usageByRole).toEqual({ judge: { calls: 12, promptTokens: 120, completionTokens: 60 } });
  });

  it('reports Table 1 statistics over accepted examples and over every evaluated round', () => {
    expect(summary.acceptedExamples).toMatchObject({ examples: 1, gap: 0.5, questionLength: 100, rubricItems: 2 });
    expect(summary.acceptedExamples.weakMean).toBeCloseTo(0.3, 10);
    expect(summary.acceptedExamples.strongMean).toBeCloseTo(0.8, 10);
    expect(summary.evaluatedRounds.examples).toBe(2);
    expect(summary.evaluatedRounds.weakMean).toBeCloseTo(0.6, 10);
    expect(summary.evaluatedRounds.strongMean).toBeCloseTo(0.8, 10);
    expect(summary.evaluatedRounds.rubricItems).toBe(3);
  });

  it('writes a trajectory with one verdict line per round', () => {
    const lines = formatTrajectory(accepted).split('\n').filter((line) => line.startsWith('Round '));
    expect(lines).toEqual([
      'Round 1: TOO EASY (weak mean 0.90)',
      'Round 2: INFRASTRUCTURE ERROR, not a verdict (SOLVER_ERROR: every weakSolver call failed)',
      'Round 3: ACCEPTED (weak mean 0.30, strong mean 0.80, gap 0.50)',
    ]);
  });
});

describe('a round whose weak attempts all scored 0', () => {
  const zero = result('z', [
    round(1, { failure_reason: 'weak-all-zero', failure_detail: '3 weak attempt(s) scored 0', weak: { ...stage([0, 0, 0]), passed: false } }),
    round(2, { failure_reason: 'too-easy', weak: stage([0.9, 0.8, 0.9]) }),
  ], { end_reason: 'budget-exhausted' });
  const summary = summarizeEvaluation([outcomeFromResult(zero, false)]);

  it('is counted under its own reason, apart from too-easy', () => {
    expect(summary.failureReasons).toMatchObject({ 'weak-all-zero': 1, 'too-easy': 1, 'budget-exhausted': 1 });
  });

  it('has its own row in the printed failure table and its own verdict line', () => {
    const rows = formatSummary(summary).split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows).toContainEqual(['weak-all-zero', '1']);
    expect(rows).toContainEqual(['too-easy', '1']);
    expect(formatTrajectory(zero).split('\n').filter((line) => line.startsWith('Round '))).toEqual([
      'Round 1: WEAK SOLVER SCORED 0 (every weak attempt scored 0: too hard for the weak solver, or ill-posed)',
      'Round 2: TOO EASY (weak mean 0.87)',
    ]);
  });
});

// What a stage stopped early leaves in the round record and what is shown from it: the refinement
// message, the trajectory and the summary report only the attempts made, and say so.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/inner/format-summary.ts';
import { formatTrajectory } from '../../src/inner/format-trajectory.ts';
import { buildRefinementMessage } from '../../src/inner/refinement.ts';
import type { RoundRecord, StageSummary } from '../../src/inner/result-schema.ts';
import { newRound } from '../../src/inner/round-record.ts';
import { summarizeEvaluation } from '../../src/inner/summarize-evaluation.ts';
import { outcomeFromResult } from '../../src/inner/outcome.ts';
import type { DocumentResult } from '../../src/inner/result-schema.ts';

const stoppedWeak: StageSummary = {
  scores: [0.91],
  mean: 0.91,
  best: 0.91,
  passed: false,
  reasons: ['weak mean 0.91 is above 0.65', 'best weak attempt 0.91 is above 0.75'],
  early_stop: { attempts_planned: 3, skipped: 2, skipped_attempts: [2, 3], reason: 'decided: weak attempt 1 scored 0.91 > 0.75 (best-attempt limit)' },
};

const tooEasy: RoundRecord = {
  ...newRound(1, 'No earlier attempts.'),
  question: 'Why does the method converge?',
  weak: stoppedWeak,
  failure_reason: 'too-easy',
  failure_detail: stoppedWeak.reasons.join('; '),
  evaluation_report: { weak: [{ attempt: 1, answer: 'Because.', score: 0.91, errors: [] }], strong: [] },
};

describe('a stage stopped early', () => {
  it('the refinement message gives the mean over the attempts made, never a score for a skipped one', () => {
    const message = buildRefinementMessage([tooEasy]);
    expect(message).toContain(
      '   weak mean 0.91 over 1 of 3 attempts (decided: weak attempt 1 scored 0.91 > 0.75 (best-attempt limit); the rest were not made)',
    );
  });

  it('the trajectory names the skipped attempts and why', () => {
    const result = { title: 'A paper', rounds: [tooEasy] } as unknown as DocumentResult;
    expect(formatTrajectory(result)).toContain(
      'weak solver: scores 0.91, mean 0.91 over the 1 attempts made; attempt(s) 2, 3 skipped (decided: weak attempt 1 scored 0.91 > 0.75 (best-attempt limit))',
    );
  });

  it('the summary counts attempts made and skipped and says the means are over the attempts made', () => {
    const result: DocumentResult = {
      document_id: 'd1',
      title: 'A paper',
      harness: { content_hash: 'h', orchestrator: 'scripted', mode: 'rubric', acceptance: 'paper-prompt' },
      seed: 0,
      repeat: 0,
      question_type: null,
      reasoning_skills: [],
      rounds: [tooEasy],
      final_accepted_round: null,
      total_rounds: 1,
      end_reason: 'budget-exhausted',
      false_acceptance_claims: 0,
      agent_steps: 0,
      usage: {},
      error: null,
      finished: true,
    };
    const summary = summarizeEvaluation([outcomeFromResult(result, false)]);
    expect(summary.earlyStop).toEqual({ attemptsMade: 1, attemptsSkipped: 2 });
    expect(formatSummary(summary)).toContain(
      'early stopping: 2 solver attempt(s) skipped once a stage was decided, 1 made; the means below are over the attempts made',
    );
    // Without skipped attempts the summary has no such field (and prints no such line).
    const whole = summarizeEvaluation([outcomeFromResult({ ...result, rounds: [{ ...tooEasy, weak: { ...stoppedWeak, early_stop: undefined } }] }, false)]);
    expect(whole.earlyStop).toBeUndefined();
  });
});

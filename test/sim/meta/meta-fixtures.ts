// Shared inputs for the meta persona tests: requests in the wire format, and trajectory text in
// the shape the inner loop's formatTrajectory writes (verdict lines, QV checks, judge score lines).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentResultSchema, type DocumentResult } from '../../../src/inner/index.ts';
import type { SimHandler } from '../../../src/sim/index.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BASELINE_DIR = path.join(REPO_ROOT, 'baselines/agentic-self-instruct');

export function metaTemplate(name: 'analyzer' | 'implementer'): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'baselines/meta-optimizer', `${name}.md`), 'utf8');
}

export interface ChatBodyOptions {
  schemaName: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
  seed: number;
}

/** An OpenAI chat-completions body as the framework's call path sends it. */
export function chatBody(options: ChatBodyOptions): string {
  return JSON.stringify({
    model: 'sim-agent',
    messages: options.messages,
    seed: options.seed,
    response_format: {
      type: 'json_schema',
      json_schema: { name: options.schemaName, strict: true, schema: { type: 'object', properties: {}, additionalProperties: true } },
    },
  });
}

/** POSTs a chat completion to the sim handler and returns the reply content. */
export async function completionContent(handler: SimHandler, body: string): Promise<string> {
  const response = await handler('POST', '/v1/chat/completions', body);
  if (response.status !== 200) throw new Error(`sim answered ${response.status}: ${response.body}`);
  const parsed = JSON.parse(response.body) as { choices: Array<{ message: { content: string } }> };
  return parsed.choices[0]?.message.content ?? '';
}

/**
 * Two documents, seven rounds. Present: too easy x3 (one of them generic, one with a leaking
 * context the QV missed), a QV-caught leak, a "+8" format error, a QV demanding negatives, a
 * negative criterion firing on a strong answer. Absent: number-tied, recall, label mismatch,
 * failed on strong, giving up, false acceptance claims.
 */
export const TRAJECTORIES = `=== Document doc-a (not accepted) ===
Document doc-a: Sharded caching for retrieval
Outcome: not accepted (budget-exhausted), 4 round(s)

Round 1: TOO EASY (weak mean 0.84)
Question type: general principle | skills: general knowledge, explanation
Context: A research team is studying the problem addressed in "Sharded caching for retrieval".
Question: In general, why do systems that combine caching and sharding tend to behave well?
Reference answer: Caching per shard keeps hot entries close to the queries that need them.
Rubric (as written): [{"criterion":"Explains the role of caching in the outcome.","weight":5,"category":"core idea"}]
Quality check: PASS All four checks pass; the example can go to the solvers.
  answer_leakage: PASS The context sets the scene without giving the answer away.
  reasoning_not_recall: PASS One focused question that takes reasoning.
  rubric_quality: PASS The rubric has 8 positive and 3 negative criteria about the substance.
  label_match: PASS The question_type label matches the question.
weak solver: scores 0.80, 0.86, 0.86, mean 0.84
  Attempt 1 (score 0.80): Caching helps. Caching is irrelevant here.
    [1] (+5) Explains the role of caching in the outcome.: The answer addresses caching.
    [1] (-3) Claims that caching is irrelevant here.: The answer says that caching is irrelevant here.

Round 2: FAILED QUALITY CHECK (Answer leakage: the context already states the key finding and the concepts the reference answer relies on.)
Question type: mechanism explanation | skills: causal reasoning
Context: The team observed that eviction storms vanish once shards stop sharing a cache.
Question: Explain why eviction interacts with shard count.
Reference answer: Eviction storms vanish once shards stop sharing a cache.
Rubric (as written): [{"criterion":"Explains the role of eviction in the outcome.","weight":6,"category":"core idea"}]
Quality check: FAIL Answer leakage: the context already states the key finding and the concepts the reference answer relies on.
  answer_leakage: FAIL Answer leakage: the context already states the key finding and the concepts the reference answer relies on.
  reasoning_not_recall: PASS One focused question that takes reasoning.
  rubric_quality: PASS The rubric has 9 positive and 3 negative criteria about the substance.
  label_match: PASS The question_type label matches the question.

Round 3: RUBRIC FORMAT ERROR (item 4 weight "+8" is a string, not an integer)
Question type: design rationale | skills: design reasoning
Context: A research team is studying the problem addressed in "Sharded caching for retrieval".
Question: Why would a designer choose per-shard admission over a global one?
Reference answer: Per-shard admission keeps a burst on one shard from evicting the others.
Rubric (as written): [{"criterion":"Identifies admission as a factor that shapes the result.","weight":"+8","category":"core idea"}]

Round 4: TOO EASY (weak mean 0.90)
Question type: mechanism explanation | skills: causal reasoning
Context: The authors found that the warm-up phase dominates the gain because cold shards miss on every first query. In short, the result rests on warm-up and cold shards.
Question: Explain why the gain depends on the warm-up phase.
Reference answer: The authors found that the warm-up phase dominates the gain because cold shards miss on every first query. Warm-up matters.
Rubric (as written): [{"criterion":"Explains the role of warm-up in the outcome.","weight":7,"category":"core idea"}]
Quality check: PASS All four checks pass; the example can go to the solvers.
  answer_leakage: PASS The context sets the scene without giving the answer away.
weak solver: scores 0.90, 0.90, 0.90, mean 0.90
  Attempt 1 (score 0.90): Warm-up matters because cold shards miss.
    [1] (+7) Explains the role of warm-up in the outcome.: The answer addresses warm-up.

=== Document doc-b (accepted in the end) ===
Document doc-b: Lattice scheduling for batch jobs
Outcome: accepted in round 3, 3 round(s)

Round 1: TOO EASY (weak mean 0.79)
Question type: trade-off analysis | skills: comparative analysis
Context: A research team is studying the problem addressed in "Lattice scheduling for batch jobs".
Question: What trade-off appears between batching and latency, and when would each side win?
Reference answer: Batching raises throughput at the cost of tail latency.
Rubric (as written): [{"criterion":"Connects batching to the observed effect.","weight":5,"category":"mechanism"}]
Quality check: PASS All four checks pass; the example can go to the solvers.
weak solver: scores 0.79, 0.79, 0.79, mean 0.79
  Attempt 1 (score 0.79): Batching raises throughput.
    [1] (+5) Connects batching to the observed effect.: The answer addresses batching.

Round 2: FAILED QUALITY CHECK (The rubric has only 0 negative criteria; at least 3 negative criteria are required.)
Question type: design rationale | skills: design reasoning
Context: A research team is studying the problem addressed in "Lattice scheduling for batch jobs".
Question: Why would a designer choose lattice levels rather than a flat queue?
Reference answer: Lattice levels let short jobs overtake long ones without starving them.
Rubric (as written): [{"criterion":"Explains the role of levels in the outcome.","weight":6,"category":"core idea"}]
Quality check: FAIL The rubric has only 0 negative criteria; at least 3 negative criteria are required.
  rubric_quality: FAIL The rubric has only 0 negative criteria; at least 3 negative criteria are required.

Round 3: ACCEPTED (weak mean 0.40, strong mean 0.80, gap 0.40)
Question type: counterfactual prediction | skills: counterfactual reasoning
Context: A research team is studying the problem addressed in "Lattice scheduling for batch jobs".
Question: Suppose preemption were removed. What would happen to short jobs, and why?
Reference answer: Short jobs would wait behind long ones, so their latency would grow.
Rubric (as written): [{"criterion":"Describes how preemption changes under the stated conditions.","weight":6,"category":"mechanism"}]
Quality check: PASS All four checks pass; the example can go to the solvers.
weak solver: scores 0.40, 0.40, 0.40, mean 0.40
  Attempt 1 (score 0.40): Short jobs wait.
strong solver: scores 0.80, 0.80, 0.80, mean 0.80
  Attempt 1 (score 0.80): Without preemption short jobs queue. One might say that preemption has no influence, but that needs care.
    [1] (+6) Describes how preemption changes under the stated conditions.: The answer addresses preemption.
    [1] (-4) Claims that preemption has no influence.: The answer says that preemption has no influence.`;

/** The exact failure modes (analyzer names) and round counts present in TRAJECTORIES. */
export const PRESENT_MODES: Record<string, number> = {
  'questions too easy for the weak solver': 3,
  'context leaks the answer': 2,
  'generic questions answerable without the paper': 1,
  'rubric format errors (weights written as strings such as "+8")': 1,
  'negative criteria misfire on good answers': 1,
  'quality check rejects rubrics without enough negative criteria': 1,
};

export const ABSENT_MODES = [
  'questions tied to specific reported numbers',
  'recall or list questions instead of reasoning',
  'question type label does not match the question',
  'questions too hard for the strong solver',
  'the agent gives up before the budget is spent',
  'false acceptance claims by the agent',
];

/**
 * A document result (result.json) with the modes TRAJECTORIES lacks: a number-tied question that
 * failed on strong, a recall question with a wrong label caught by the QV, an agent that claimed
 * acceptance falsely and then gave up in an open round (one document, so giving up counts once).
 * Rendered by the inner loop's own formatTrajectory.
 */
export function gaveUpResult(): DocumentResult {
  const stage = (mean: number, passed: boolean) => ({ scores: [mean, mean, mean], mean, best: mean, passed, reasons: [] });
  const noReport = { weak: [], strong: [] };
  return documentResultSchema.parse({
    document_id: 'doc-c',
    title: 'Adaptive compaction for log stores',
    harness: { content_hash: 'abc', orchestrator: 'agentic', mode: 'rubric', acceptance: 'paper-prompt' },
    seed: 1,
    repeat: 0,
    question_type: null,
    reasoning_skills: [],
    rounds: [
      {
        round: 1,
        feedback_given: 'No earlier attempts.',
        question_type: 'quantitative result',
        reasoning_skills: ['quantitative reasoning'],
        context: 'A research team is studying the problem addressed in "Adaptive compaction for log stores".',
        question: 'What value did the authors report for the write amplification of the tiered policy?',
        reference_answer: 'The reported value is 2.4.',
        rubric: [{ criterion: 'States the reported value 2.4 for the main comparison.', weight: 9, category: 'reported result' }],
        rubric_format_errors: [],
        quality_check: { passed: true, feedback: 'All four checks pass.', checks: {} },
        weak: stage(0.1, true),
        strong: stage(0.3, false),
        gap: 0.2,
        accepted: false,
        failure_reason: 'failed-on-strong',
        failure_detail: 'strong mean below 0.60',
        evaluation_report: noReport,
      },
      {
        round: 2,
        feedback_given: 'None of your earlier questions for this document was accepted.',
        question_type: 'design rationale',
        reasoning_skills: ['design reasoning'],
        context: 'A research team is studying the problem addressed in "Adaptive compaction for log stores".',
        question: 'According to the paper, list all the ingredients of the compaction policy.',
        reference_answer: 'Tiering, size ratios and a merge budget.',
        rubric: [{ criterion: 'Identifies tiering as a factor that shapes the result.', weight: 5, category: 'core idea' }],
        rubric_format_errors: [],
        quality_check: {
          passed: false,
          feedback: 'Recall question: it asks to list what the paper says instead of reasoning about it.',
          checks: {
            reasoning_not_recall: { verdict: 'FAIL', reason: 'Recall question: it asks to list what the paper says instead of reasoning about it.' },
            label_match: { verdict: 'FAIL', reason: 'Label mismatch: the question_type "design rationale" does not describe the question that was asked.' },
          },
        },
        weak: null,
        strong: null,
        gap: null,
        accepted: false,
        failure_reason: 'failed-qv',
        failure_detail: 'Recall question: it asks to list what the paper says instead of reasoning about it.',
        evaluation_report: noReport,
      },
      {
        round: 3,
        feedback_given: 'None of your earlier questions for this document was accepted.',
        question_type: null,
        reasoning_skills: [],
        context: null,
        question: null,
        reference_answer: null,
        rubric: null,
        rubric_format_errors: [],
        quality_check: null,
        weak: null,
        strong: null,
        gap: null,
        accepted: false,
        failure_reason: 'gave-up',
        failure_detail: 'the agent gave up: no angle left to try',
        evaluation_report: noReport,
      },
    ],
    final_accepted_round: null,
    total_rounds: 3,
    end_reason: 'gave-up',
    false_acceptance_claims: 1,
    agent_steps: 9,
    usage: {},
    error: null,
    finished: true,
  });
}

// Fixtures for inner-loop tests: a small harness, endpoints on a scripted server, reply builders.
import { parseEndpoints, type Endpoints } from '../../src/config/endpoints.ts';
import { harnessFromFiles, type Harness } from '../../src/harness/harness.ts';
import type { HarnessSettingsInput } from '../../src/harness/settings.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import type { Llm } from '../../src/llm/types.ts';
import { TEST_MODELS, type ScriptedReply, type ScriptedRequest } from './scripted-endpoint.ts';

/**
 * The fixture makes every solver attempt (earlyStop false) unless told otherwise: the scripted
 * scores and call counts of the loop tests are written for the paper's full pattern. The product's
 * default (on) is tested where early stopping is.
 */
export function testHarness(settings: HarnessSettingsInput = {}): Harness {
  const prompt = (text: string, ...placeholders: string[]) => `${text}\n\n${placeholders.map((name) => `{{${name}}}`).join('\n\n')}\n`;
  return harnessFromFiles({
    'manifest.json': JSON.stringify({
      name: 'test-harness',
      description: 'A minimal harness for inner-loop tests.',
      protectedFiles: ['prompts/weak-solver.md', 'prompts/strong-solver.md', 'prompts/judge.md'],
      protectedSettings: ['acceptance', 'roundBudget'],
    }),
    'settings.json': JSON.stringify({ orchestrator: 'scripted', earlyStop: false, ...settings }),
    'prompts/main-agent.md': prompt('Drive the rounds for this document.', 'document_title', 'round_budget'),
    'prompts/challenger.md': prompt('Write one example from the document.', 'document', 'feedback'),
    'prompts/quality-verifier.md': prompt('Check the example.', 'document', 'example'),
    'prompts/weak-solver.md': prompt('Answer the question.', 'context', 'question'),
    'prompts/strong-solver.md': prompt('Answer the question.', 'context', 'question'),
    'prompts/judge.md':
      settings.mode === 'verifiable'
        ? prompt('Say whether the answer matches the reference.', 'question', 'reference_answer', 'answer')
        : prompt('Score the answer against each criterion.', 'question', 'answer', 'rubric'),
  });
}

export function scriptedEndpoints(baseURL: string, settings: { maxConsecutiveFailures?: number } = {}): Endpoints {
  return parseEndpoints(
    {
      defaults: { baseURL, model: TEST_MODELS.agent, maxRetries: 0, concurrency: 8, timeoutMs: 10_000, ...settings },
      weakSolver: { model: TEST_MODELS.weak },
      strongSolver: { model: TEST_MODELS.strong },
    },
    'scripted test endpoint',
  );
}

export function scriptedLlm(baseURL: string): Llm {
  return createLlm({ endpoints: scriptedEndpoints(baseURL), cacheMode: 'off' });
}

export const TEST_DOCUMENT = { id: 'doc-1', title: 'A Paper About Caches', text: 'Caches trade memory for latency. The paper shows when that fails.' };

/** A challenger example whose rubric has `positives` criteria of weight 1 (score granularity 1/positives). */
export function exampleJson(options: { question?: string; positives?: number; weights?: unknown[] } = {}): Record<string, unknown> {
  const weights = options.weights ?? Array.from({ length: options.positives ?? 20 }, () => 1);
  return {
    question_type: 'prediction',
    reasoning_skills: ['causal reasoning', 'trade-off analysis'],
    context: 'A team deploys a cache in front of a slow service.',
    question: options.question ?? 'When would adding the cache make latency worse, and why?',
    reference_answer: 'When the hit rate is low and misses pay the lookup cost on top of the backend call.',
    rubric: weights.map((weight, offset) => ({ criterion: `criterion ${offset + 1}`, weight, category: 'reasoning' })),
  };
}

export function qualityJson(pass: boolean, reason = 'looks fine'): Record<string, unknown> {
  const check = { verdict: 'PASS', reason: 'ok' };
  return {
    checks: {
      answer_leakage: pass ? check : { verdict: 'FAIL', reason },
      reasoning_not_recall: check,
      rubric_quality: check,
      label_match: check,
    },
    overall: pass ? 'PASS' : 'FAIL',
    feedback: pass ? 'good example' : reason,
  };
}

/** The solver's answer names the score the judge should give it, so tests control scores end to end. */
export const answerWithScore = (score: number): ScriptedReply => ({ content: `My answer. TARGET ${score.toFixed(2)}` });

/** The judge reply that gives the answer its TARGET score over a rubric of equal positive weights. */
export function judgeReply(request: ScriptedRequest): ScriptedReply {
  const rubric = JSON.parse(tagContent(request.prompt, 'rubric')) as Array<{ index: number; weight: number }>;
  const target = Number(/TARGET (\d+\.\d+)/.exec(tagContent(request.prompt, 'answer'))?.[1] ?? '0');
  const positives = rubric.filter((item) => item.weight > 0);
  let toMeet = Math.round(target * positives.length);
  return {
    json: {
      scores: rubric.map((item) => {
        const met = item.weight > 0 && toMeet > 0 ? 1 : 0;
        if (met) toMeet -= 1;
        return { index: item.index, met, reason: met ? 'covered' : 'not covered' };
      }),
    },
  };
}

export function tagContent(prompt: string, tag: string): string {
  const match = new RegExp(`<${tag}[^>]*>\\n([\\s\\S]*?)\\n</${tag}>`).exec(prompt);
  if (!match) throw new Error(`no <${tag}> in prompt`);
  return match[1]!;
}

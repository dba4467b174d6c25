import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/llm/types.ts';
import type { SimRequest } from '../../../src/sim/personas/index.ts';
import { challengerPersona } from '../../../src/sim/personas/challenger.ts';
import { readFeedback } from '../../../src/sim/personas/inner-feedback.ts';
import { judgePersona } from '../../../src/sim/personas/judge.ts';
import { mainAgentPersona } from '../../../src/sim/personas/main-agent.ts';
import { solverPersona } from '../../../src/sim/personas/solver.ts';
import { primeFactors, sumOfUnitFractions } from '../../../src/sim/personas/inner-verifiable-solver.ts';
import { generateVerifiableCorpus } from '../../../src/sim/verifiable-corpus.ts';

const REFINEMENT = [
  'None of your earlier questions for this document was accepted. What happened to each:',
  '',
  'TOO EASY: the weak solver answered these well, so they do not separate the solvers.',
  '1. (round 1) The team relies on caching together with batching. Why?',
  '   weak mean 0.83',
  '',
  'FAILED ON STRONG: the strong solver could not answer these well enough, or the gap was too small.',
  '2. (round 2) The team relies on sharding together with replication. Why?',
  '   weak mean 0.20, strong mean 0.41, gap 0.21',
  '',
  'Write an entirely new question that approaches the document from a different angle than all of the above; do not rephrase an earlier one.',
].join('\n');

const context = (seed: number) => ({ rng: seedrandom(String(seed)), simSeed: 0 });

function agentRequest(prompt: string, toolResults: Array<Record<string, unknown>>): SimRequest {
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  toolResults.forEach((result, index) => {
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call-${index}`, type: 'function', function: { name: 'x', arguments: '{}' } }] });
    messages.push({ role: 'tool', tool_call_id: `call-${index}`, content: JSON.stringify(result) });
  });
  return { model: 'sim-agent', messages, tools: [{ type: 'function', function: { name: 'call_challenger', description: '', parameters: {} } }], canonical: JSON.stringify(messages) };
}

const failed = { round: 2, status: 'failed', verdict: 'TOO EASY', refinement_message: REFINEMENT, rounds_left: 8 };

describe('refinement feedback and the main agent', () => {
  it('reads counts, scores and quoted questions from the refinement message', () => {
    const summary = readFeedback(REFINEMENT);
    expect(summary.tooEasy).toBe(1);
    expect(summary.failedOnStrong).toBe(1);
    expect(summary.tooEasyWeakMeans).toEqual([0.83]);
    expect(summary.failedStrongMeans).toEqual([0.41]);
    expect(summary.tooEasyQuestions).toEqual(['The team relies on caching together with batching. Why?']);
    expect(summary.hasScores).toBe(true);
    expect(readFeedback('No earlier attempts.').tooEasy).toBe(0);
  });

  it('follows the workflow from the tool results', () => {
    const step = (results: Array<Record<string, unknown>>) => mainAgentPersona.respond(agentRequest('Run the loop.', results), context(1)).toolCalls?.[0]?.name;
    expect(step([])).toBe('call_challenger');
    expect(step([{ status: 'drafted' }])).toBe('call_quality_verifier');
    expect(step([{ status: 'quality_passed' }])).toBe('evaluate_weak');
    expect(step([{ ...failed, rounds_left: 0 }])).toBe('submit');
    expect(step([{ status: 'overruled', next_step: 'evaluate_strong' }])).toBe('evaluate_strong');
  });

  it('passes the refinement message verbatim more often when its prompt says so', () => {
    const verbatim = (prompt: string) =>
      Array.from({ length: 200 }, (_, seed) => mainAgentPersona.respond(agentRequest(prompt, [failed]), context(seed)))
        .map((reply) => JSON.parse(reply.toolCalls?.[0]?.arguments ?? '{}') as { instructions?: string })
        // The whole message goes as empty instructions: the framework then sends its refinement message itself.
        .filter((args) => args.instructions === '').length;
    const baseline = verbatim('Run the loop.');
    const directed = verbatim('Run the loop. Pass the full refinement message to the challenger verbatim, including every score.');
    expect(directed).toBeGreaterThan(baseline + 30);
  });

  it('claims acceptance early less often when told to run both evaluations first', () => {
    const claims = (prompt: string) =>
      Array.from({ length: 300 }, (_, seed) => mainAgentPersona.respond(agentRequest(prompt, [{ status: 'weak_passed' }]), context(seed))).filter(
        (reply) => reply.toolCalls?.[0]?.name === 'submit',
      ).length;
    expect(claims('Run the loop.')).toBeGreaterThan(10);
    expect(claims('Run the loop. Never claim acceptance before the strong evaluation has run and passed.')).toBeLessThan(5);
  });
});

describe('verifiable mode', () => {
  it('generates problem families deterministically', () => {
    const corpus = generateVerifiableCorpus({ n: 4, seed: 3 });
    expect(corpus.map((document) => document.id)).toEqual(['simverif-0001', 'simverif-0002', 'simverif-0003', 'simverif-0004']);
    expect(generateVerifiableCorpus({ n: 4, seed: 3 })).toEqual(corpus);
    expect(primeFactors(360)).toEqual([2, 3, 5]);
    expect(sumOfUnitFractions([2, 3, 6])).toBe('1/1');
  });

  it('writes an exact problem, and the binary judge checks the final answer against the reference', () => {
    const [document] = generateVerifiableCorpus({ n: 1, seed: 1 });
    const prompt = `<document title="${document!.title}">\n${document!.text}\n</document>\n<feedback>\nNo earlier attempts.\n</feedback>`;
    const request: SimRequest = { model: 'sim-agent', messages: [{ role: 'user', content: prompt }], responseFormat: { name: 'challenger_example', schema: {} }, canonical: prompt };
    const example = JSON.parse(challengerPersona.respond(request, context(2)).content!) as { question: string; reference_answer: string };
    const verdicts = Array.from({ length: 40 }, (_, seed) => {
      const solverPrompt = `<context>\nCompute.\n</context>\n<question>\n${example.question}\n</question>`;
      const answer = solverPersona.respond({ model: 'sim-strong', messages: [{ role: 'user', content: solverPrompt }], canonical: solverPrompt }, context(seed)).content!;
      const judgePrompt = `<question>\n${example.question}\n</question>\n<reference_answer>\n${example.reference_answer}\n</reference_answer>\n<answer>\n${answer}\n</answer>`;
      const reply = judgePersona.respond({ model: 'sim-agent', messages: [{ role: 'user', content: judgePrompt }], responseFormat: { name: 'answer_verdict', schema: {} }, canonical: judgePrompt }, context(seed));
      return { answer, correct: (JSON.parse(reply.content!) as { correct: boolean }).correct };
    });
    for (const verdict of verdicts) expect(verdict.correct).toBe(verdict.answer.endsWith(`Final answer: ${example.reference_answer}`));
    expect(verdicts.some((verdict) => verdict.correct)).toBe(true);
  });
});

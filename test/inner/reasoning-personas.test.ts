// Reasoning models served the way vLLM and SGLang serve them (a reasoning field, <think> tags, a
// lone </think>, Kimi's ◁think▷): the inner loop reaches the same verdicts as with plain models,
// and no judge or quality verifier ever reads a solver's or challenger's thinking.
import { describe, expect, it } from 'vitest';
import { defaultSimEndpoints, parseEndpoints, SIM_BASE_URL, type Endpoints } from '../../src/config/endpoints.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { runGeneration } from '../../src/inner/run-generation.ts';
import { createLlm } from '../../src/llm/create-llm.ts';
import { createSimFetch, generateSimCorpus } from '../../src/sim/index.ts';

const harnessDir = new URL('../../baselines/agentic-self-instruct', import.meta.url).pathname;
const documents = generateSimCorpus({ n: 6, seed: 5 }).map((document) => ({ id: document.id, title: document.title, text: document.text }));

const reasoningEndpoints = parseEndpoints(
  {
    defaults: { baseURL: SIM_BASE_URL, model: 'sim-agent?reasoning=field', timeoutMs: 5000, retryBaseDelayMs: 50 },
    challenger: { model: 'sim-agent?reasoning=think-tags' },
    qualityVerifier: { model: 'sim-agent?reasoning=kimi' },
    judge: { model: 'sim-agent?reasoning=closing-tag' },
    weakSolver: { model: 'sim-weak?reasoning=closing-tag' },
    strongSolver: { model: 'sim-strong?reasoning=field-legacy' },
  },
  'reasoning personas',
  {},
);

/** Runs generate on the in-process sim and keeps the text of every prompt sent, by model. */
async function generate(endpoints: Endpoints) {
  const models = Object.values(endpoints.roles).map((endpoint) => endpoint.model);
  const simFetch = createSimFetch({ seed: 0, servedModels: models });
  const prompts: Array<{ model: string; text: string }> = [];
  const recordingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    if (typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { model: string; messages: Array<{ content: unknown }> };
      prompts.push({ model: body.model, text: body.messages.map((message) => JSON.stringify(message.content)).join('\n') });
    }
    return simFetch(input, init);
  }) as typeof fetch;
  const result = await runGeneration({
    harness: loadHarness(harnessDir),
    harnessName: 'agentic-self-instruct',
    documents,
    createLlm: () => createLlm({ endpoints, fetchFor: () => recordingFetch, cacheMode: 'off' }),
    seed: 0,
    concurrency: 3,
    simulated: true,
    source: {},
  });
  return { summary: result.evaluation.summary, outcomes: result.evaluation.outcomes, prompts };
}

const THINKING = /<\/?think>|◁\/?think▷|Let me think about|work out what the request really wants|let me plan this|"draft":|Let me not overthink/;

describe('reasoning models through the inner loop', () => {
  it('accept the same examples as plain models, and the judges never see the thinking', async () => {
    const plain = await generate(defaultSimEndpoints());
    const reasoning = await generate(reasoningEndpoints);

    expect(plain.summary.accepted).toBeGreaterThan(0);
    expect(reasoning.summary.accepted).toBe(plain.summary.accepted);
    expect(reasoning.outcomes.map((outcome) => [outcome.documentId, outcome.accepted, outcome.acceptedRound])).toEqual(
      plain.outcomes.map((outcome) => [outcome.documentId, outcome.accepted, outcome.acceptedRound]),
    );

    // Every role that reads another model's output: the judge (solver answers), the quality verifier
    // (the challenger's example), the main agent (tool results) and the challenger (feedback).
    expect(reasoning.prompts.length).toBeGreaterThan(100);
    const leaking = reasoning.prompts.filter((prompt) => THINKING.test(prompt.text));
    expect(leaking.map((prompt) => prompt.model)).toEqual([]);
    // The pattern does find thinking where it is: the plain run's prompts are clean for the same reason.
    expect(THINKING.test('Let me think about what is being asked here.')).toBe(true);
  });
});

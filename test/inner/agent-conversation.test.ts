// The main agent's conversation on the sim, as a prefix-caching server sees it: it only grows at
// the end (each request re-sends the previous one's messages unchanged), its tool results carry
// verdicts and scores but never the example's context, reference answer or rubric, and the
// server's cached tokens grow with every step of an episode.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { evaluateHarness } from '../../src/inner/index.ts';
import type { ChatMessage, Llm } from '../../src/llm/types.ts';
import { openStore } from '../../src/store/index.ts';

const root = new URL('../../', import.meta.url).pathname;
const DOCUMENTS = 4;

function validationDocuments() {
  const split = loadSplit(path.join(root, 'splits/sim-cs.json'));
  return documentsForPart(resolveDocuments(split.documents).documents, split, 'validation').slice(0, DOCUMENTS);
}

/** Every main-agent request in call order, with the episode it belongs to (its first message names the document). */
function recording(llm: Llm): { llm: Llm; requests: Array<{ episode: string; messages: ChatMessage[] }> } {
  const requests: Array<{ episode: string; messages: ChatMessage[] }> = [];
  return {
    requests,
    llm: {
      ...llm,
      text: (request) => {
        if (request.role === 'mainAgent') requests.push({ episode: String(request.messages[0]?.content), messages: structuredClone(request.messages) });
        return llm.text(request);
      },
    },
  };
}

async function runEpisodes() {
  const store = openStore(':memory:');
  const recorder = recording(createAppLlm({ endpoints: defaultSimEndpoints(), store, simSeed: 2, cacheMode: 'off' }));
  // One document at a time, so the call log's rows come in the order the recorder saw the requests.
  const evaluation = await evaluateHarness({ llm: recorder.llm }, loadHarness(path.join(root, 'baselines/agentic-self-instruct')), validationDocuments(), {
    seed: 4,
    repeat: 0,
    concurrency: 1,
    simulated: true,
  });
  const logged = store.db
    .prepare(`SELECT prompt_tokens AS promptTokens, cached_tokens AS cachedTokens FROM llm_call_log WHERE role = 'mainAgent' ORDER BY id`)
    .all() as Array<{ promptTokens: number; cachedTokens: number | null }>;
  store.close();
  return { evaluation, requests: recorder.requests, logged };
}

const { evaluation, requests, logged } = await runEpisodes();
const episodes = [...new Set(requests.map((request) => request.episode))];

describe('the main agent conversation on the sim', () => {
  it('only grows at the end: each request re-sends the previous one of its episode unchanged', () => {
    expect(episodes).toHaveLength(DOCUMENTS);
    let extensions = 0;
    for (const episode of episodes) {
      const mine = requests.filter((request) => request.episode === episode);
      expect(mine.length).toBeGreaterThan(3);
      for (let index = 1; index < mine.length; index += 1) {
        const before = mine[index - 1]!.messages;
        const after = mine[index]!.messages;
        expect(after.length).toBeGreaterThan(before.length);
        expect(after.slice(0, before.length)).toEqual(before);
        extensions += 1;
      }
    }
    expect(extensions).toBeGreaterThan(DOCUMENTS * 3);
  });

  it('serializes tool results with sorted keys', () => {
    const last = requests.at(-1)!.messages;
    const tools = last.filter((message) => message.role === 'tool');
    expect(tools.length).toBeGreaterThan(2);
    for (const message of tools) {
      const keys = Object.keys(JSON.parse(String(message.content)) as object);
      expect(keys).toEqual([...keys].sort());
    }
  });

  it('never puts the example context, reference answer or rubric into a tool result', () => {
    let checkedRounds = 0;
    for (const [index, outcome] of evaluation.outcomes.entries()) {
      const mine = requests.filter((request) => request.episode === episodes[index]);
      const toolText = mine.at(-1)!.messages.filter((message) => message.role === 'tool').map((message) => String(message.content));
      expect(toolText.length).toBeGreaterThan(0);
      for (const round of outcome.result.rounds) {
        if (round.context === null) continue;
        checkedRounds += 1;
        const secrets = [round.context, round.reference_answer ?? '', ...(round.rubric as Array<{ criterion: string }>).map((item) => item.criterion)];
        for (const secret of secrets.filter((text) => text.length > 20)) {
          // Compare as JSON string content: a tool result escapes quotes and newlines.
          const escaped = JSON.stringify(secret).slice(1, -1);
          for (const text of toolText) expect(text.includes(escaped), `round ${round.round}: ${secret.slice(0, 60)}`).toBe(false);
        }
      }
    }
    expect(checkedRounds).toBeGreaterThan(DOCUMENTS);
  });

  it('is served more and more from the prefix cache along each episode', () => {
    expect(logged).toHaveLength(requests.length);
    let grown = 0;
    for (const episode of episodes) {
      const steps = logged.filter((_, index) => requests[index]!.episode === episode);
      for (let index = 1; index < steps.length; index += 1) {
        // Each step adds at least one whole 16-token block to what the server has seen.
        expect(steps[index]!.cachedTokens!).toBeGreaterThan(steps[index - 1]!.cachedTokens!);
        expect(steps[index]!.cachedTokens!).toBeLessThan(steps[index]!.promptTokens);
        grown += 1;
      }
      // Past the first step, almost all of a request is the conversation the server already holds.
      const last = steps.at(-1)!;
      expect(last.cachedTokens! / last.promptTokens).toBeGreaterThan(0.8);
    }
    expect(grown).toBeGreaterThan(DOCUMENTS * 3);
  });
});

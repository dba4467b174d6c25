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
import { harnessFromFiles } from '../../src/harness/harness.ts';
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

/** The agentic baseline, with the conversation window set when given. */
function baseline(agentWindowRounds?: number) {
  const harness = loadHarness(path.join(root, 'baselines/agentic-self-instruct'));
  if (agentWindowRounds === undefined) return harness;
  const settings = { ...(JSON.parse(harness.files['settings.json']!) as object), agentWindowRounds };
  return harnessFromFiles({ ...harness.files, 'settings.json': JSON.stringify(settings) });
}

async function runEpisodes(agentWindowRounds?: number) {
  const store = openStore(':memory:');
  const recorder = recording(createAppLlm({ endpoints: defaultSimEndpoints(), store, simSeed: 2, cacheMode: 'off' }));
  // One document at a time, so the call log's rows come in the order the recorder saw the requests.
  const evaluation = await evaluateHarness({ llm: recorder.llm }, baseline(agentWindowRounds), validationDocuments(), {
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

describe('the main agent conversation with a window of 2 rounds (agentWindowRounds)', async () => {
  const WINDOW = 2;
  const windowed = await runEpisodes(WINDOW);
  const folded = (message: ChatMessage | undefined) =>
    message?.role === 'user' && (JSON.parse(String(message.content)) as { status?: string }).status === 'folded';

  it('folds between rounds into one summary, and only grows at the end in between', () => {
    let folds = 0;
    for (const [index, request] of windowed.requests.entries()) {
      const before = windowed.requests[index - 1];
      if (!before || before.episode !== request.episode) continue;
      if (request.messages.length > before.messages.length && !folded(request.messages[1]) === !folded(before.messages[1])) {
        expect(request.messages.slice(0, before.messages.length)).toEqual(before.messages);
      } else {
        // A fold: the prompt stays, everything after it is one summary, then the turns since.
        folds += 1;
        expect(request.messages[0]).toEqual(before.messages[0]);
        expect(folded(request.messages[1])).toBe(true);
      }
    }
    expect(folds).toBeGreaterThan(0);
  });

  it('never holds the turns of more than the window and the round in progress', () => {
    for (const request of windowed.requests) {
      const rounds = new Set(
        request.messages.filter((message) => message.role === 'tool').map((message) => (JSON.parse(String(message.content)) as { round?: number }).round),
      );
      rounds.delete(undefined);
      expect(rounds.size).toBeLessThanOrEqual(WINDOW + 1);
    }
  });

  it('lists every failed round so far in the summary, with the refinement message', () => {
    let checked = 0;
    for (const [index, outcome] of windowed.evaluation.outcomes.entries()) {
      const episode = [...new Set(windowed.requests.map((request) => request.episode))][index];
      const summaries = windowed.requests
        .filter((request) => request.episode === episode && folded(request.messages[1]))
        .map((request) => JSON.parse(String(request.messages[1]!.content)) as { failed_rounds: Array<{ round: number }>; refinement_message: string });
      for (const summary of summaries) {
        if (summary.failed_rounds.length === 0) continue;
        checked += 1;
        const upTo = Math.max(...summary.failed_rounds.map((round) => round.round));
        const failed = outcome.result.rounds.filter((round) => round.round <= upTo && round.failure_reason !== null && round.failure_reason !== 'infrastructure');
        expect(summary.failed_rounds.map((round) => round.round)).toEqual(failed.map((round) => round.round));
        expect(summary.refinement_message).toContain(`(round ${upTo})`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(windowed.evaluation.outcomes.every((outcome) => outcome.result.finished)).toBe(true);
  });
});

// Parallel challengers in the agentic orchestrator, through the real inner loop on the sim: with
// challengersPerRound > 1 the main agent's call_challenger takes angles, every draft goes through
// the quality check and the solvers as far as it passes, the round keeps the best-separating draft
// and records them all; with 1 the tools are exactly as before and no round has drafts.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { AGENT_TOOLS } from '../../src/inner/agent-tools.ts';
import { evaluateHarness, runDocument } from '../../src/inner/index.ts';
import { MAX_ANGLE_CHARS, readAngles } from '../../src/inner/parallel-drafts.ts';
import type { DraftRecord } from '../../src/inner/result-schema.ts';
import type { Llm, TextRequest } from '../../src/llm/types.ts';
import { scriptedLlm, TEST_DOCUMENT, testHarness } from '../support/inner-fixtures.ts';
import { loopResponder } from '../support/loop-responder.ts';
import { startScriptedEndpoint, type ScriptedEndpoint, type ScriptedRequest } from '../support/scripted-endpoint.ts';

let endpoint: ScriptedEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const root = new URL('../../', import.meta.url).pathname;

function validationDocuments(splitFile: string, limit: number) {
  const split = loadSplit(path.join(root, 'splits', splitFile));
  return documentsForPart(resolveDocuments(split.documents).documents, split, 'validation').slice(0, limit);
}

function recording(llm: Llm): { llm: Llm; agentRequests: TextRequest[]; challengerCalls: () => number } {
  const agentRequests: TextRequest[] = [];
  let challengerCalls = 0;
  return {
    agentRequests,
    challengerCalls: () => challengerCalls,
    llm: {
      ...llm,
      text: (request) => {
        if (request.role === 'mainAgent') agentRequests.push(request);
        return llm.text(request);
      },
      structured: (request) => {
        if (request.role === 'challenger') challengerCalls += 1;
        return llm.structured(request);
      },
    },
  };
}

/** How far a draft got, read from its record alone (the test's own reading of the rule). */
function stageReached(draft: DraftRecord): number {
  if (draft.failure_reason === 'infrastructure') return -1;
  return draft.strong ? 3 : draft.weak ? 2 : draft.quality_check?.passed ? 1 : 0;
}

describe('parallel challengers in the agentic orchestrator', () => {
  it('the verifiable baseline drafts 3 per round, runs every stage on each draft that passes, and keeps the best-separating one', async () => {
    const harness = loadHarness(path.join(root, 'baselines/verifiable-self-instruct'));
    expect(harness.settings.challengersPerRound).toBe(3);
    const recorder = recording(createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: 2, cacheMode: 'off' }));
    const evaluation = await evaluateHarness({ llm: recorder.llm }, harness, validationDocuments('sim-verifiable.json', 4), {
      seed: 3,
      repeat: 0,
      concurrency: 2,
      earlyStop: false,
    });
    expect(evaluation.summary.errored).toBe(0);

    // The tool offers up to 3 angles, and the sim agent uses them.
    for (const request of recorder.agentRequests) {
      const tool = request.tools?.find((entry) => entry.function.name === 'call_challenger');
      expect((tool?.function.parameters as { properties: { angles?: { maxItems: number } } }).properties.angles?.maxItems).toBe(3);
    }
    const rounds = evaluation.outcomes.flatMap((outcome) => outcome.result.rounds);
    expect(rounds.length).toBeGreaterThan(4);
    let draftsSeen = 0;
    for (const round of rounds) {
      const drafts = round.drafts ?? [];
      expect(drafts.map((draft) => draft.draft)).toEqual([1, 2, 3]);
      draftsSeen += drafts.length;
      for (const draft of drafts) {
        expect(draft.round).toBe(round.round);
        expect(draft.feedback_given).toContain(draft.angle);
        // Every stage ran on every draft that passed the one before it.
        const written = draft.failure_reason !== 'infrastructure' && draft.rubric_format_errors.length === 0;
        if (written) expect(draft.quality_check).not.toBeNull();
        if (draft.quality_check?.passed) expect(draft.weak?.scores).toHaveLength(4);
        if (draft.weak?.passed) expect(draft.strong?.scores).toHaveLength(4);
        if (draft.weak && !draft.weak.passed) expect(draft.strong).toBeNull();
      }
      const kept = drafts.filter((draft) => draft.kept);
      expect(kept).toHaveLength(1);
      const { draft: _number, angle: _angle, kept: _kept, ...keptRecord } = kept[0]!;
      const { drafts: _drafts, ...roundRecord } = round;
      expect(roundRecord).toEqual(keptRecord);
      // Best-separating: an accepted draft if there is one; else the furthest stage; the largest gap among those both solvers answered.
      const best = kept[0]!;
      if (drafts.some((draft) => draft.accepted)) expect(best.accepted).toBe(true);
      expect(stageReached(best)).toBe(Math.max(...drafts.map(stageReached)));
      const rivals = drafts.filter((draft) => draft.accepted === best.accepted && stageReached(draft) === stageReached(best));
      if (best.strong) expect(best.gap).toBe(Math.max(...rivals.map((draft) => draft.gap ?? -Infinity)));
      else if (best.weak) expect(best.weak.mean).toBe(Math.min(...rivals.map((draft) => draft.weak?.mean ?? Infinity)));
    }
    // One challenger call per draft (no retries on the sim without faults).
    expect(recorder.challengerCalls()).toBe(draftsSeen);
    expect(rounds.some((round) => round.accepted)).toBe(true);
    expect(rounds.some((round) => (round.drafts ?? []).filter((draft) => draft.strong).length > 1 || round.drafts?.some((draft) => !draft.kept && draft.weak))).toBe(true);
  });

  it('with challengersPerRound = 1 the agent gets the tools as before and no round has drafts', async () => {
    const harness = loadHarness(path.join(root, 'baselines/agentic-self-instruct'));
    expect(harness.settings.challengersPerRound).toBe(1);
    const recorder = recording(createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: 2, cacheMode: 'off' }));
    const evaluation = await evaluateHarness({ llm: recorder.llm }, harness, validationDocuments('sim-cs.json', 2), { seed: 3, repeat: 0, concurrency: 2 });
    expect(recorder.agentRequests.length).toBeGreaterThan(0);
    for (const request of recorder.agentRequests) {
      expect(request.tools).toEqual(AGENT_TOOLS);
      expect(JSON.stringify(request.tools)).not.toContain('angles');
      for (const message of request.messages) {
        if (message.role === 'assistant') expect(JSON.stringify(message.tool_calls ?? [])).not.toContain('angles');
      }
    }
    expect(evaluation.outcomes.flatMap((outcome) => outcome.result.rounds).every((round) => round.drafts === undefined)).toBe(true);
  });

  it('reads the angles argument as model-written input', () => {
    expect(readAngles(undefined, 3)).toEqual({ ok: true, angles: [], ignored: 0 });
    expect(readAngles([' a ', '', 'b', 'c', 'd'], 3)).toEqual({ ok: true, angles: ['a', 'b', 'c'], ignored: 1 });
    expect(readAngles(['a', 7], 3)).toEqual({ ok: false, error: 'angles must be a list of strings' });
    expect(readAngles('a', 3)).toEqual({ ok: false, error: 'angles must be a list of strings' });
    // Bounded in length as well as in number: the longest allowed passes whole, one more character is refused.
    const longest = 'y'.repeat(MAX_ANGLE_CHARS);
    expect(readAngles([longest, 'b'], 3)).toEqual({ ok: true, angles: [longest, 'b'], ignored: 0 });
    const refused = readAngles(['a', '', `  ${longest}z  `], 3);
    expect(refused).toEqual({ ok: false, error: expect.stringContaining(`angle 3 is ${MAX_ANGLE_CHARS + 1} characters long`) });
    // An angle past the limit is ignored, so its length does not matter.
    expect(readAngles(['a', 'b', 'c', 'z'.repeat(10_000)], 3)).toEqual({ ok: true, angles: ['a', 'b', 'c'], ignored: 1 });
  });

  it('answers an over-long angle with a tool error the agent reads, before any challenger call', async () => {
    const longAngle = 'Ask about this passage: ' + 'the document pasted in again. '.repeat(400);
    const steps = [
      { toolCalls: [{ name: 'call_challenger', arguments: { instructions: '', angles: ['a failure case', longAngle] } }] },
      { toolCalls: [{ name: 'submit', arguments: { accepted: false, note: 'stopping here' } }] },
    ];
    const mainAgent = (request: ScriptedRequest) => steps[request.messages.filter((message) => message.role === 'assistant').length]!;
    endpoint = await startScriptedEndpoint(loopResponder({ runSeed: 5, mainAgent, rounds: [] }));
    const harness = testHarness({ orchestrator: 'agentic', challengersPerRound: 3 });
    const outcome = await runDocument({ llm: scriptedLlm(endpoint.baseURL) }, harness, TEST_DOCUMENT, { seed: 5, repeat: 0 });

    expect(endpoint.countByRole('challenger')).toBe(0);
    const lastAgentRequest = endpoint.requests.filter((request) => request.role === 'mainAgent').at(-1)!;
    const results = lastAgentRequest.messages.filter((message) => message.role === 'tool').map((message) => JSON.parse(message.content ?? '{}') as Record<string, unknown>);
    expect(results[0]).toEqual({
      error: `angle 2 is ${longAngle.trim().length} characters long; an angle may have at most ${MAX_ANGLE_CHARS}: name the aspect or the kind of reasoning in a sentence`,
    });
    // No round was started, and the long text went nowhere but the agent's own conversation.
    expect(outcome.result.rounds).toEqual([]);
    expect(outcome.result.agent_steps).toBe(2);
  });
});

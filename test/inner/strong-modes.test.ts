// The strong-solver modes (harness setting `strongSolver`) through the real inner loop on the sim:
// `samples` and `document` send the strong stage to the weak solver's model (N samples and an
// aggregation step, or the source document in the prompt), each outscores the plain weak solver on
// the same questions, and the implementer cannot change the mode of a baseline.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints } from '../../src/config/endpoints.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';
import { applyEdits } from '../../src/harness/apply-edits.ts';
import { harnessFromFiles, type Harness } from '../../src/harness/harness.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { evaluateHarness } from '../../src/inner/index.ts';
import { mean } from '../../src/inner/acceptance.ts';
import { parseRubric } from '../../src/inner/rubric.ts';
import { challenge, evaluate, verify, type EpisodeContext } from '../../src/inner/stages.ts';
import type { Llm, TextRequest } from '../../src/llm/types.ts';

const root = new URL('../../', import.meta.url).pathname;
const baseline = loadHarness(path.join(root, 'baselines/agentic-self-instruct'));
const STRONG_PROMPT = 'prompts/strong-solver.md';
const DOCUMENT_PROMPT = `# Question

Read the source document, then the context, and answer the question that follows it.

{{document}}

{{context}}

{{question}}

Work through the problem step by step, showing your reasoning, and end with your final answer.
`;

function validationDocuments(limit: number) {
  const split = loadSplit(path.join(root, 'splits/sim-cs.json'));
  return documentsForPart(resolveDocuments(split.documents).documents, split, 'validation').slice(0, limit);
}

/** The agentic baseline in a strong mode (document mode: a strong prompt with {{document}}). */
function inMode(mode: 'separate' | 'samples' | 'document', samples = 3, orchestrator = 'agentic'): Harness {
  const settings = { ...(JSON.parse(baseline.files['settings.json']!) as object), orchestrator, strongSolver: { mode, samples } };
  return harnessFromFiles({
    ...baseline.files,
    'settings.json': JSON.stringify(settings),
    ...(mode === 'document' ? { [STRONG_PROMPT]: DOCUMENT_PROMPT } : {}),
  });
}

function recording(llm: Llm): { llm: Llm; solverRequests: TextRequest[] } {
  const solverRequests: TextRequest[] = [];
  return {
    solverRequests,
    llm: {
      ...llm,
      text: (request) => {
        if (request.role === 'weakSolver' || request.role === 'strongSolver') solverRequests.push(request);
        return llm.text(request);
      },
    },
  };
}

const simLlm = () => createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: 3, cacheMode: 'off' });

describe('strong-solver modes', () => {
  it('validates {{document}} in the strong prompt against the mode', () => {
    const settings = (mode: string) => JSON.stringify({ ...(JSON.parse(baseline.files['settings.json']!) as object), strongSolver: { mode } });
    expect(() => harnessFromFiles({ ...baseline.files, 'settings.json': settings('document') })).toThrow(/missing required placeholder \{\{document\}\}/);
    expect(() => harnessFromFiles({ ...baseline.files, [STRONG_PROMPT]: DOCUMENT_PROMPT })).toThrow(/unknown placeholder \{\{document\}\}/);
    expect(inMode('document').settings.strongSolver).toEqual({ mode: 'document', samples: 3 });
    expect(baseline.settings.strongSolver).toEqual({ mode: 'separate', samples: 4 });
    expect(() => inMode('samples', 9)).toThrow(/"strongSolver.samples" is 9; allowed: an integer from 2 to 8/);
  });

  it('is protected in the baselines: an implementer edit that changes it is refused', () => {
    for (const name of ['agentic-self-instruct', 'cot-self-instruct', 'verifiable-self-instruct']) {
      const harness = loadHarness(path.join(root, 'baselines', name));
      expect(harness.manifest.protectedSettings).toContain('strongSolver');
      const result = applyEdits(harness, [
        { file: 'settings.json', search: '"roundBudget"', replace: '"strongSolver": { "mode": "samples", "samples": 8 },\n  "roundBudget"' },
      ]);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.refusal.reason).toBe('protected-setting');
        expect(result.refusal.message).toContain('"strongSolver" is protected');
      }
    }
  });

  it('each mode runs episodes end to end; samples and document modes never call the strong endpoint', async () => {
    const documents = validationDocuments(2);
    for (const mode of ['separate', 'samples', 'document'] as const) {
      const recorder = recording(simLlm());
      const evaluation = await evaluateHarness({ llm: recorder.llm }, inMode(mode), documents, { seed: 1, repeat: 0, concurrency: 2, earlyStop: false });
      expect(evaluation.summary.errored).toBe(0);
      const strongRounds = evaluation.outcomes.flatMap((outcome) => outcome.result.rounds).filter((round) => round.strong !== null);
      expect(strongRounds.length).toBeGreaterThan(0);
      const strongEndpoint = recorder.solverRequests.filter((request) => request.role === 'strongSolver');
      const prompts = recorder.solverRequests.map((request) => String(request.messages[0]?.content));
      const withDocument = prompts.filter((prompt) => prompt.includes('<document title="'));
      const aggregations = prompts.filter((prompt) => prompt.includes('<answers>'));
      const strongAttempts = strongRounds.length * 3;
      if (mode === 'separate') {
        expect(strongEndpoint).toHaveLength(strongAttempts);
        expect(withDocument.length + aggregations.length).toBe(0);
      } else {
        expect(strongEndpoint).toHaveLength(0);
        // Every strong attempt: one prompt with the document, or 3 samples and one aggregation.
        expect(withDocument).toHaveLength(mode === 'document' ? strongAttempts : 0);
        expect(aggregations).toHaveLength(mode === 'samples' ? strongAttempts : 0);
        if (mode === 'samples') {
          for (const prompt of aggregations) expect(prompt.match(/<answer index="\d">/g)).toHaveLength(3);
          expect(recorder.solverRequests.length).toBe(strongAttempts * 4 + evaluation.outcomes.flatMap((outcome) => outcome.result.rounds).filter((round) => round.weak !== null).length * 3);
        }
      }
    }
  });

  it('on the same questions, the weak model with the document or with 4 aggregated samples outscores it alone', async () => {
    const llm = simLlm();
    const harnesses = { weak: inMode('separate', 4, 'scripted'), samples: inMode('samples', 4, 'scripted'), document: inMode('document', 4, 'scripted') };
    const means = { weak: [] as number[], samples: [] as number[], document: [] as number[] };
    for (const [index, document] of validationDocuments(12).entries()) {
      for (let round = 1; round <= 3; round += 1) {
        const context: EpisodeContext = { llm, harness: harnesses.weak, document, seed: 11, repeat: 0 };
        const draft = await challenge(context, round, 'No earlier attempts.');
        if (draft.kind !== 'example' || draft.rubric.errors.length > 0) continue;
        const verdict = await verify(context, round, draft.example);
        if (verdict.kind !== 'verdict' || !verdict.passed) continue;
        const items = parseRubric(draft.example.rubric).items;
        for (const key of ['weak', 'samples', 'document'] as const) {
          const stage = key === 'weak' ? 'weak' : 'strong';
          const outcome = await evaluate({ ...context, harness: harnesses[key] }, round + index * 10, stage, draft.example, items, { earlyStop: false });
          expect(outcome.kind).toBe('scores');
          if (outcome.kind === 'scores') means[key].push(mean(outcome.scores));
        }
      }
    }
    expect(means.weak.length).toBeGreaterThanOrEqual(10);
    const weak = mean(means.weak);
    expect(mean(means.document)).toBeGreaterThan(weak + 0.03);
    expect(mean(means.samples)).toBeGreaterThan(weak + 0.03);
  });
});

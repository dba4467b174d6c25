// The sim's side of batched learning: the learner writes lessons in plain words from trajectories,
// and the challenger and main agent take a lesson that names a failure mode as half of the
// matching directive, never as an instruction of their harness.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { loadHarness, renderPrompt } from '../../../src/harness/index.ts';
import { resolveDocuments } from '../../../src/app/resolve-documents.ts';
import { DIRECTIVE_IDS, getDirective } from '../../../src/sim/directives.ts';
import { challengerPersona, CHALLENGER_BASE_RATES } from '../../../src/sim/personas/challenger.ts';
import type { SimRequest } from '../../../src/sim/personas/index.ts';
import { applyLearnings, LEARNING_STRENGTH } from '../../../src/sim/personas/inner-learnings.ts';
import { learnFromTrajectories } from '../../../src/sim/personas/learner.ts';
import { MAIN_AGENT_BASE_RATES } from '../../../src/sim/personas/main-agent.ts';
import { TRAJECTORIES } from '../meta/meta-fixtures.ts';

describe('the sim learner', () => {
  it('writes one plain-words lesson per repeated failure mode, with evidence, and no internal identifier', () => {
    const reply = learnFromTrajectories(TRAJECTORIES, () => 0.99);
    expect(reply.learnings.length).toBeGreaterThan(1);
    expect(reply.summary).toMatch(/^\d+ of \d+ documents ended with an accepted example over \d+ rounds; the most frequent problem was /);
    for (const entry of reply.learnings) {
      expect(entry.lesson).toMatch(/^[A-Z][^(]+ \(\d+ of \d+ (rounds|documents)\): .+\.$/);
      expect(TRAJECTORIES).toContain(entry.evidence.replace(/\.\.\.$/, '').split(' | ')[0]!);
      for (const id of DIRECTIVE_IDS) expect(entry.lesson).not.toContain(id);
    }
  });
});

describe('learnings in the challenger and main agent', () => {
  const tooEasy = 'Lessons from the earlier batches of this run (after batch 1):\n- Questions too easy for the weak solver (6 of 9 rounds): aim deeper.';

  it('act as the fixing directive at a fraction of its strength, and leave rates alone without a named mode', () => {
    expect(applyLearnings(CHALLENGER_BASE_RATES, null, 'challenger')).toBe(CHALLENGER_BASE_RATES);
    const [insight] = getDirective('paper-specific-insight').effects;
    expect(applyLearnings(CHALLENGER_BASE_RATES, tooEasy, 'challenger').generic).toBeCloseTo(
      CHALLENGER_BASE_RATES.generic * (1 - Math.abs(insight!.strength) * LEARNING_STRENGTH),
      12,
    );
    const [verbatim] = getDirective('pass-feedback-verbatim').effects;
    const fidelity = MAIN_AGENT_BASE_RATES.feedbackFidelity;
    expect(applyLearnings(MAIN_AGENT_BASE_RATES, tooEasy, 'mainAgent').feedbackFidelity).toBeCloseTo(fidelity + (1 - fidelity) * verbatim!.strength * LEARNING_STRENGTH, 12);
    expect(applyLearnings(CHALLENGER_BASE_RATES, '- Write clearly and keep the context short.', 'challenger')).toEqual(CHALLENGER_BASE_RATES);
    // A switch-like fix (no negative criteria at all) is never taken from a lesson.
    const misfire = '- Negative criteria misfire on good answers (4 of 9 rounds): word them carefully.';
    expect(applyLearnings(CHALLENGER_BASE_RATES, misfire, 'challenger').negativeCriteria).toBe(1);
  });

  it('never read a directive in the learnings block as the harness\'s own instruction', () => {
    const harness = loadHarness('baselines/agentic-self-instruct');
    const [document] = resolveDocuments('sim:cs?n=1&seed=2').documents;
    const prompt = (learnings?: string) =>
      renderPrompt(harness, 'challenger', { document: document!.text, feedback: 'No earlier attempts.', ...(learnings ? { learnings } : {}) }, { document: { title: document!.title } });
    const request = (content: string): SimRequest => ({
      model: 'sim-agent',
      messages: [{ role: 'user', content }],
      responseFormat: { name: 'challenger_example', schema: {} },
      seed: 7,
      canonical: '',
    });
    const reply = (content: string) => challengerPersona.respond(request(content), { rng: seedrandom('same draw'), simSeed: 0 }).content;
    // "Make the question as hard as possible." in the harness overshoots; inside <learnings> it is data and does nothing.
    const harmful = 'Make the question as hard as possible. Ask the solver to list all the factors the paper identifies.';
    expect(prompt(harmful)).toContain(`<learnings>\n${harmful}\n</learnings>`);
    expect(reply(prompt(harmful))).toBe(reply(prompt()));
  });
});

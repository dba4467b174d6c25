import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  applyEdits,
  formatEditableFiles,
  harnessFromFiles,
  loadHarness,
  renderFile,
  type Harness,
} from '../../../src/harness/index.ts';
import { renderHistory } from '../../../src/outer/history.ts';
import { harnessEditsSchema, type HarnessEdits } from '../../../src/outer/schemas.ts';
import { detectDirectives, getDirective, type DirectiveId, type DirectiveRole } from '../../../src/sim/directives.ts';
import { createSimHandler } from '../../../src/sim/index.ts';
import { defaultImplementerRates, directivesFromAnalysis, implementerPersona } from '../../../src/sim/personas/implementer.ts';
import type { SimRequest } from '../../../src/sim/personas/index.ts';
import { NEUTRAL_SENTENCES } from '../../../src/sim/personas/meta-edits.ts';
import { BASELINE_DIR, chatBody, completionContent, metaTemplate } from './meta-fixtures.ts';

const baseline = loadHarness(BASELINE_DIR);

const ROLE_OF_FILE: Record<string, DirectiveRole> = {
  'prompts/challenger.md': 'challenger',
  'prompts/quality-verifier.md': 'qualityVerifier',
  'prompts/main-agent.md': 'mainAgent',
};

function analysisNaming(...modes: Array<{ name: string; fix: string }>): string {
  const analysis = {
    headline: `The main failure is ${modes[0]?.name}.`,
    failure_modes: modes.map((mode) => ({ name: mode.name, count: 4, evidence: ['Round 1: TOO EASY (weak mean 0.90)'], suggested_fix: mode.fix })),
  };
  return JSON.stringify(analysis, null, 2);
}

const GENERIC_ANALYSIS = analysisNaming({
  name: 'generic questions answerable without the paper',
  fix: 'Require an insight specific to this paper: add to prompts/challenger.md an instruction such as \u201cThe question must depend on an insight that is specific to this paper; generic textbook knowledge must not be enough.\u201d',
});

const MISFIRE_ANALYSIS = analysisNaming({
  name: 'negative criteria misfire on good answers',
  fix: 'Use positive-weight criteria only: add to prompts/challenger.md an instruction such as \u201cUse only positive-weight criteria; do not include negative criteria, they misfire on good answers.\u201d',
});

const NO_HISTORY = 'No earlier iterations yet.';

function implementerPrompt(harness: Harness, analysis: string, history: string): string {
  return renderFile(metaTemplate('implementer'), { analysis, history, harness: formatEditableFiles(harness) });
}

function request(messages: SimRequest['messages'], seed: number): SimRequest {
  return { model: 'sim-agent', messages, responseFormat: { name: 'harness_edits', schema: {} }, seed, canonical: '' };
}

/** The persona's reply to one rendered prompt (the rng stands in for the handler's seeded one). */
function reply(harness: Harness, analysis: string, history: string, seed: number): HarnessEdits {
  const prompt = implementerPrompt(harness, analysis, history);
  const content = implementerPersona.respond(request([{ role: 'user', content: prompt }], seed), { rng: seedrandom(`implementer-${seed}`), simSeed: 1 }).content;
  return harnessEditsSchema.parse(JSON.parse(content ?? ''));
}

type Kind = 'helpful' | 'neutral' | 'harmful' | 'protected' | 'malformed';

/** Classifies a reply from what the framework does with it and the directives it adds. */
function classify(harness: Harness, edits: HarnessEdits): { kind: Kind; added: DirectiveId[] } {
  const applied = applyEdits(harness, edits.edits);
  if (!applied.ok) {
    if (applied.refusal.reason === 'protected-file') return { kind: 'protected', added: [] };
    expect(['search-not-found', 'malformed-edits']).toContain(applied.refusal.reason);
    return { kind: 'malformed', added: [] };
  }
  const added = applied.changedFiles.flatMap((file) => {
    const role = ROLE_OF_FILE[file] as DirectiveRole;
    const before = detectDirectives(harness.files[file] ?? '', role);
    return detectDirectives(applied.harness.files[file] ?? '', role).filter((id) => !before.includes(id));
  });
  const kinds = added.map((id) => getDirective(id).kind);
  if (kinds.includes('harmful')) return { kind: 'harmful', added };
  return { kind: kinds.includes('helpful') ? 'helpful' : 'neutral', added };
}

describe('sim implementer persona', () => {
  it('proposes edits whose search text occurs exactly once in the current file, except the deliberately malformed ones', () => {
    let malformed = 0;
    for (let seed = 0; seed < 150; seed += 1) {
      const edits = reply(baseline, GENERIC_ANALYSIS, NO_HISTORY, seed);
      const protectedEdit = edits.edits.some((edit) => baseline.manifest.protectedFiles.includes(edit.file));
      const allUnique = edits.edits.every((edit) => {
        const text = baseline.files[edit.file] ?? '';
        const first = text.indexOf(edit.search);
        return edit.search !== '' && first !== -1 && text.indexOf(edit.search, first + 1) === -1;
      });
      if (!allUnique) {
        malformed += 1;
        expect(classify(baseline, edits).kind).toBe('malformed');
      }
      if (!protectedEdit && allUnique) expect(applyEdits(baseline, edits.edits).ok).toBe(true);
    }
    expect(malformed).toBeGreaterThan(0);
    expect(malformed).toBeLessThan(15);
  });

  it('mixes helpful, neutral, harmful, protected and malformed edits at about the configured rates', () => {
    const seeds = 1000;
    const counts: Record<Kind, number> = { helpful: 0, neutral: 0, harmful: 0, protected: 0, malformed: 0 };
    for (let seed = 0; seed < seeds; seed += 1) counts[classify(baseline, reply(baseline, GENERIC_ANALYSIS, NO_HISTORY, seed)).kind] += 1;
    // The analysis points at a directive the baseline lacks, so following it is always helpful.
    const rates = defaultImplementerRates;
    const regular = 1 - rates.protectedFile - rates.malformed;
    const weights = rates.catalogue.helpful + rates.catalogue.neutral + rates.catalogue.harmful;
    const expected: Record<Kind, number> = {
      protected: rates.protectedFile,
      malformed: rates.malformed,
      helpful: regular * (rates.followAnalysis + (1 - rates.followAnalysis) * (rates.catalogue.helpful / weights)),
      neutral: regular * (1 - rates.followAnalysis) * (rates.catalogue.neutral / weights),
      harmful: regular * (1 - rates.followAnalysis) * (rates.catalogue.harmful / weights),
    };
    for (const kind of Object.keys(expected) as Kind[]) {
      expect(Math.abs(counts[kind] / seeds - expected[kind]), `${kind}: ${counts[kind]} of ${seeds}`).toBeLessThan(0.04);
    }
  });

  it('follows the analysis with a directive, and the protected edits target solver or judge prompts', () => {
    let followed = 0;
    for (let seed = 0; seed < 200; seed += 1) {
      const edits = reply(baseline, GENERIC_ANALYSIS, NO_HISTORY, seed);
      const { kind, added } = classify(baseline, edits);
      if (kind === 'helpful' && added[0] === 'paper-specific-insight') followed += 1;
      if (kind === 'protected') {
        expect(edits.edits.map((edit) => edit.file)).toEqual([expect.stringMatching(/^prompts\/(weak-solver|strong-solver|judge)\.md$/)]);
        const edit = edits.edits[0]!;
        const role: DirectiveRole = edit.file === 'prompts/judge.md' ? 'judge' : 'weakSolver';
        expect(detectDirectives(edit.replace, role).map((id) => getDirective(id).kind)).toContain('solver-tamper');
      }
    }
    // Following (0.6 of the regular replies) plus catalogue picks of the same directive.
    expect(followed / 200).toBeGreaterThan(0.5);
  });

  it('does not add a directive the harness already has', () => {
    const withInsight = harnessFromFiles({
      ...baseline.files,
      'prompts/challenger.md': `${baseline.files['prompts/challenger.md']}\nThe question must depend on an insight that is specific to this paper.\n`,
    });
    for (let seed = 0; seed < 150; seed += 1) {
      const { added } = classify(withInsight, reply(withInsight, GENERIC_ANALYSIS, NO_HISTORY, seed));
      expect(added).not.toContain('paper-specific-insight');
    }
  });

  it('pairs "positive-weight criteria only" with "negative criteria optional" in the QV sometimes, never twice', () => {
    let both = 0;
    let challengerOnly = 0;
    for (let seed = 0; seed < 300; seed += 1) {
      const { added } = classify(baseline, reply(baseline, MISFIRE_ANALYSIS, NO_HISTORY, seed));
      if (added.includes('positive-only-rubric') && added.includes('negatives-optional')) both += 1;
      else if (added.includes('positive-only-rubric')) challengerOnly += 1;
    }
    expect(both).toBeGreaterThan(30);
    expect(challengerOnly).toBeGreaterThan(30);

    const withOptional = harnessFromFiles({
      ...baseline.files,
      'prompts/quality-verifier.md': `${baseline.files['prompts/quality-verifier.md']}\nNegative criteria are optional.\n`,
    });
    for (let seed = 0; seed < 100; seed += 1) {
      expect(classify(withOptional, reply(withOptional, MISFIRE_ANALYSIS, NO_HISTORY, seed)).added).not.toContain('negatives-optional');
    }
  });

  it('mostly avoids a directive the history shows was rejected', () => {
    const history = renderHistory([
      {
        iteration: 1,
        parentId: 'c0000',
        childId: 'c0001',
        analysisHeadline: 'The main failure is generic questions answerable without the paper (4).',
        editSummary: 'Add \u201cThe question must depend on an insight that is specific to this paper; generic textbook knowledge must not be enough.\u201d to prompts/challenger.md, following the analysis: generic questions answerable without the paper.',
        parentScore: 0.6,
        childScore: 0.55,
        decision: 'rejected',
        reason: 'not better than the parent',
        calls: 30,
        tokens: 8000,
        finishedAt: '2026-01-01T00:00:00Z',
      },
    ]);
    const count = (historyText: string) => {
      let withInsight = 0;
      for (let seed = 0; seed < 300; seed += 1) {
        if (classify(baseline, reply(baseline, GENERIC_ANALYSIS, historyText, seed)).added.includes('paper-specific-insight')) withInsight += 1;
      }
      return withInsight;
    };
    const fresh = count(NO_HISTORY);
    const afterRejection = count(history);
    expect(afterRejection).toBeGreaterThan(0);
    expect(afterRejection).toBeLessThan(fresh * 0.5);
  });

  it('after a protected-file refusal, retries without touching a protected file or repeating itself', () => {
    const prompt = implementerPrompt(baseline, GENERIC_ANALYSIS, NO_HISTORY);
    const firstReply = JSON.stringify({
      summary: 'Add \u201cThe question must depend on an insight that is specific to this paper; generic textbook knowledge must not be enough.\u201d to prompts/challenger.md and \u201cAnswer briefly.\u201d to prompts/weak-solver.md.',
      edits: [{ file: 'prompts/weak-solver.md', search: '{{question}}', replace: '{{question}}\n\nAnswer briefly.' }],
    });
    const refusal = 'Your edits were refused (protected-file): edit 1: prompts/weak-solver.md is protected; edit another file';
    for (let seed = 0; seed < 150; seed += 1) {
      const messages: SimRequest['messages'] = [
        { role: 'user', content: prompt },
        { role: 'assistant', content: firstReply },
        { role: 'user', content: refusal },
      ];
      const content = implementerPersona.respond(request(messages, seed), { rng: seedrandom(`retry-${seed}`), simSeed: 1 }).content;
      const edits = harnessEditsSchema.parse(JSON.parse(content ?? ''));
      const { kind, added } = classify(baseline, edits);
      expect(kind).not.toBe('protected');
      expect(added).not.toContain('paper-specific-insight');
    }
  });

  it('takes out a harmful directive that causes a mode the analysis reports', () => {
    const challenger = baseline.files['prompts/challenger.md'] ?? '';
    const harmed = harnessFromFiles({ ...baseline.files, 'prompts/challenger.md': `${challenger}Make the question as hard as possible.\n` });
    const analysis = analysisNaming({ name: 'questions too hard for the strong solver', fix: 'Pass the strong scores on to the challenger.' });
    let removed = 0;
    for (let seed = 0; seed < 200; seed += 1) {
      const edits = reply(harmed, analysis, NO_HISTORY, seed);
      const applied = applyEdits(harmed, edits.edits);
      if (!applied.ok || !edits.summary.startsWith('Take \u201cMake the question as hard as possible.\u201d out of prompts/challenger.md')) continue;
      removed += 1;
      expect(applied.harness.files['prompts/challenger.md']).toBe(challenger);
    }
    // Following the analysis (0.6 of regular replies) and then removing (0.7): about 0.38.
    expect(removed / 200).toBeGreaterThan(0.25);
    expect(removed / 200).toBeLessThan(0.5);
  });

  it('words its neutral edits so that the directive detector matches none of them', () => {
    const sentences = Object.values(NEUTRAL_SENTENCES).flat();
    expect(sentences.length).toBe(11);
    for (const sentence of sentences) expect(detectDirectives(sentence), sentence).toEqual([]);
  });

  it('reads an analysis written in prose as well as the structured one', () => {
    expect(directivesFromAnalysis('Most rounds fail because the context leaks the answer to the solvers.')).toEqual([
      'no-leak-self-test',
      'answer-from-context',
    ]);
    expect(directivesFromAnalysis(MISFIRE_ANALYSIS)).toEqual(['positive-only-rubric']);
    expect(directivesFromAnalysis(analysisNaming({ name: 'rubric format errors (weights written as strings such as "+8")', fix: 'Demand bare integers.' }))).toEqual([
      'strict-integer-weights',
    ]);
  });

  it('answers through the sim handler deterministically, and differently for other seeds', async () => {
    const handler = createSimHandler({ seed: 9 });
    const body = (seed: number) =>
      chatBody({ schemaName: 'harness_edits', messages: [{ role: 'user', content: implementerPrompt(baseline, GENERIC_ANALYSIS, NO_HISTORY) }], seed });
    const content = await completionContent(handler, body(1));
    expect(await completionContent(createSimHandler({ seed: 9 }), body(1))).toBe(content);
    harnessEditsSchema.parse(JSON.parse(content));
    const distinct = new Set<string>();
    for (let seed = 2; seed < 10; seed += 1) distinct.add(await completionContent(handler, body(seed)));
    expect(distinct.size).toBeGreaterThan(3);
  });
});

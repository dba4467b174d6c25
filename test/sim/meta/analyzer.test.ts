import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { renderFile } from '../../../src/harness/index.ts';
import { renderHistory } from '../../../src/outer/history.ts';
import { failureAnalysisSchema } from '../../../src/outer/schemas.ts';
import { createSimHandler } from '../../../src/sim/index.ts';
import {
  analyzeTrajectories,
  createAnalyzerPersona,
  defaultAnalyzerOptions,
  findFailureModes,
} from '../../../src/sim/personas/analyzer.ts';
import { ABSENT_MODES, PRESENT_MODES, TRAJECTORIES, chatBody, completionContent, gaveUpResult, metaTemplate } from './meta-fixtures.ts';
import { formatTrajectory } from '../../../src/inner/index.ts';
import { joinTrajectories } from '../../../src/outer/analyze.ts';
import { DIRECTIVE_IDS } from '../../../src/sim/directives.ts';
import { directivesMentioned } from '../../../src/sim/personas/meta-history.ts';

const exactAnalyzer = createAnalyzerPersona({ ...defaultAnalyzerOptions, missRate: 0, misrankRate: 0 });

function analyzerBody(trajectories: string, history: string, seed: number): string {
  const prompt = renderFile(metaTemplate('analyzer'), { trajectories, history });
  return chatBody({ schemaName: 'failure_analysis', messages: [{ role: 'user', content: prompt }], seed });
}

const rejectedInsightHistory = renderHistory([
  {
    iteration: 1,
    parentId: 'c0000',
    childId: 'c0001',
    analysisHeadline: 'The main failure is questions too easy for the weak solver (9).',
    editSummary: 'Add \u201cThe question must depend on an insight that is specific to this paper; generic textbook knowledge must not be enough.\u201d to prompts/challenger.md, following the analysis: generic questions answerable without the paper.',
    parentScore: 0.6,
    childScore: 0.56,
    decision: 'rejected',
    reason: 'not better than the parent',
    calls: 40,
    tokens: 9000,
    finishedAt: '2026-01-01T00:00:00Z',
  },
]);

describe('sim analyzer persona', () => {
  it('reports exactly the modes present in the trajectories, with their round counts', async () => {
    const handler = createSimHandler({ seed: 1, personas: [exactAnalyzer] });
    const content = await completionContent(handler, analyzerBody(TRAJECTORIES, 'No earlier iterations yet.', 11));
    const analysis = failureAnalysisSchema.parse(JSON.parse(content));
    const counts = Object.fromEntries(analysis.failure_modes.map((mode) => [mode.name, mode.count]));
    expect(counts).toEqual(PRESENT_MODES);
    expect(analysis.failure_modes.map((mode) => mode.count)).toEqual([3, 2, 1, 1, 1, 1]);
    for (const absent of ABSENT_MODES) expect(Object.keys(counts)).not.toContain(absent);
    expect(analysis.headline).toBe(
      'The main failure across 7 rounds is questions too easy for the weak solver (3), followed by context leaks the answer (2).',
    );
  });

  it('quotes evidence lines from the text and quotes an instruction to add in each fix', () => {
    const analysis = analyzeTrajectories(TRAJECTORIES, 'No earlier iterations yet.', seedrandom('3'), {
      ...defaultAnalyzerOptions,
      missRate: 0,
      misrankRate: 0,
    });
    const byName = new Map(analysis.failure_modes.map((mode) => [mode.name, mode]));
    expect(byName.get('rubric format errors (weights written as strings such as "+8")')?.evidence[0]).toBe(
      'Round 3: RUBRIC FORMAT ERROR (item 4 weight "+8" is a string, not an integer)',
    );
    expect(byName.get('negative criteria misfire on good answers')?.evidence).toEqual([
      '[1] (-4) Claims that preemption has no influence.: The answer says that preemption has no influence.',
    ]);
    expect(byName.get('context leaks the answer')?.evidence).toEqual([
      'Round 2: FAILED QUALITY CHECK (Answer leakage: the context already states the key finding and the concepts the reference answer relies on.)',
      'Context repeats the reference answer: "The authors found that the warm-up phase dominates the gain because cold shards miss on every first query."',
      'Quality check: FAIL Answer leakage: the context already states the key finding and the concepts the reference answer relies on.',
    ]);
    for (const mode of analysis.failure_modes) {
      for (const quote of mode.evidence.filter((line) => !line.startsWith('Context repeats'))) {
        for (const part of quote.split(' | ')) expect(TRAJECTORIES).toContain(part.replace(/\.\.\.$/, ''));
      }
    }
    const negatives = byName.get('quality check rejects rubrics without enough negative criteria')?.suggested_fix ?? '';
    expect(negatives).toMatch(/^Tell the verifier that negative criteria are optional, so positive-only rubrics can pass: add to prompts\/quality-verifier\.md an instruction such as \u201c[^\u201d]+\u201d$/);
    expect(directivesMentioned(negatives)[0]).toBe('negatives-optional');
    const generic = byName.get('generic questions answerable without the paper')?.suggested_fix ?? '';
    expect(generic).toContain('add to prompts/challenger.md an instruction such as \u201c');
    expect(directivesMentioned(generic)[0]).toBe('paper-specific-insight');
    // Plain words: no fix names one of the sim's directive identifiers.
    for (const mode of analysis.failure_modes) for (const id of DIRECTIVE_IDS) expect(mode.suggested_fix).not.toContain(id);
  });

  it('passes over a fix the history shows failing when the mode has another one', () => {
    const analysis = analyzeTrajectories(TRAJECTORIES, rejectedInsightHistory, seedrandom('3'), {
      ...defaultAnalyzerOptions,
      missRate: 0,
      misrankRate: 0,
    });
    const generic = analysis.failure_modes.find((mode) => mode.name === 'generic questions answerable without the paper');
    expect(generic?.suggested_fix).toContain('add to prompts/challenger.md an instruction such as \u201c');
    // The quoted instruction is another fix of the mode; the rejected one is only named in the advice's words.
    expect(directivesMentioned(generic?.suggested_fix ?? '')[0]).toBe('predicted-outcomes');
  });

  it("reads the inner loop's own trajectory text: strong failures, numbers, recall, labels, giving up, false claims", () => {
    const trajectories = joinTrajectories([{ documentId: 'doc-c', accepted: false, text: formatTrajectory(gaveUpResult()) }]);
    const found = Object.fromEntries(findFailureModes(trajectories).map((observed) => [observed.mode.id, observed.count]));
    expect(found).toEqual({
      'number-tied': 1,
      'recall-question': 1,
      'failed-on-strong': 1,
      'label-mismatch': 1,
      'gave-up': 1,
      'false-acceptance': 1,
    });
  });

  it('finds nothing in trajectories without failures', () => {
    const accepted = 'Round 1: ACCEPTED (weak mean 0.40, strong mean 0.80, gap 0.40)\nQuestion: Suppose the cache were removed. What would happen?';
    expect(findFailureModes(accepted)).toEqual([]);
    expect(analyzeTrajectories(accepted, '', seedrandom('1'))).toEqual({
      headline: 'No systematic failure stands out in these trajectories.',
      failure_modes: [],
    });
  });

  it('is imperfect at about its configured rates, but never miscounts', () => {
    const truth = findFailureModes(TRAJECTORIES);
    let missed = 0;
    let rareFirst = 0;
    const seeds = 400;
    for (let seed = 0; seed < seeds; seed += 1) {
      const analysis = analyzeTrajectories(TRAJECTORIES, '', seedrandom(`analyzer-${seed}`));
      if (analysis.failure_modes.length < truth.length) missed += 1;
      if (analysis.failure_modes[0]?.count === 1) rareFirst += 1;
      for (const mode of analysis.failure_modes) {
        expect(mode.count).toBe(truth.find((observed) => observed.mode.name === mode.name)?.count);
      }
    }
    expect(missed / seeds).toBeGreaterThan(defaultAnalyzerOptions.missRate - 0.06);
    expect(missed / seeds).toBeLessThan(defaultAnalyzerOptions.missRate + 0.06);
    expect(rareFirst / seeds).toBeGreaterThan(defaultAnalyzerOptions.misrankRate - 0.06);
    expect(rareFirst / seeds).toBeLessThan(defaultAnalyzerOptions.misrankRate + 0.06);
  });

  it('answers the same request identically and other seeds differently, through the default persona list', async () => {
    const first = createSimHandler({ seed: 5 });
    const second = createSimHandler({ seed: 5 });
    const body = analyzerBody(TRAJECTORIES, 'No earlier iterations yet.', 21);
    const content = await completionContent(first, body);
    expect(await completionContent(second, body)).toBe(content);
    expect(await completionContent(first, body)).toBe(content);
    failureAnalysisSchema.parse(JSON.parse(content));
    const others = new Set<string>();
    for (let seed = 22; seed < 30; seed += 1) others.add(await completionContent(first, analyzerBody(TRAJECTORIES, '', seed)));
    expect(others.size).toBeGreaterThan(1);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutodataError, ConfigError } from '../../src/errors.ts';
import {
  editableFiles,
  formatEditableFiles,
  harnessFromFiles,
  loadHarness,
  loadMetaPrompts,
  renderFile,
  renderPrompt,
} from '../../src/harness/index.ts';
import { AGENTIC_DIR, COT_DIR, META_DIR, VERIFIABLE_DIR, copyHarness } from './helpers.ts';

describe('renderPrompt', () => {
  const harness = loadHarness(AGENTIC_DIR);

  it('wraps every value in a tag of its name', () => {
    const rendered = renderPrompt(harness, 'weakSolver', { context: 'A cache sits in front of a database.', question: 'Why is it slow?' });
    expect(rendered).toBe(
      '# Question\n\nRead the context and answer the question that follows it.\n\n' +
        '<context>\nA cache sits in front of a database.\n</context>\n\n' +
        '<question>\nWhy is it slow?\n</question>\n\n' +
        'Work through the problem step by step, showing your reasoning, and end with your final answer.\n',
    );
  });

  it('adds escaped attributes and never expands placeholders inside values', () => {
    const rendered = renderPrompt(
      harness,
      'challenger',
      { document: 'Body mentions {{feedback}} literally.', feedback: 'No earlier attempts.' },
      { document: { title: 'Caches & "queues" <2024>' } },
    );
    expect(rendered).toContain('<document title="Caches &amp; &quot;queues&quot; &lt;2024&gt;">\nBody mentions {{feedback}} literally.\n</document>');
    expect(rendered).toContain('<feedback>\nNo earlier attempts.\n</feedback>');
    expect(rendered.match(/<feedback>/g)).toHaveLength(1);
  });

  it('throws when a placeholder has no value', () => {
    expect(() => renderPrompt(harness, 'judge', { question: 'q', answer: 'a' })).toThrow(
      new AutodataError('PROMPT_VALUE_MISSING', 'prompts/judge.md: no value given for {{rubric}}'),
    );
  });

  it('refuses a role the harness has no prompt for', () => {
    const cot = loadHarness(COT_DIR);
    expect(() => renderPrompt(cot, 'mainAgent', { document_title: 't', round_budget: '1' })).toThrow(ConfigError);
    expect(() => renderPrompt(cot, 'mainAgent', { document_title: 't', round_budget: '1' })).toThrow(
      'prompts/main-agent.md: missing; this harness has no mainAgent prompt',
    );
    expect(() => renderPrompt(cot, 'analyzer', {})).toThrow(
      'the analyzer prompt is not part of a harness; use loadMetaPrompts and renderFile',
    );
  });

  it('renders every role prompt of both baselines with the protocol values', () => {
    const values = {
      document: 'd', feedback: 'f', example: '{}', context: 'c', question: 'q', answer: 'a', rubric: '[]',
      document_title: 't', round_budget: '10', reference_answer: 'r',
    };
    for (const [dir, roles] of [
      [AGENTIC_DIR, ['mainAgent', 'challenger', 'qualityVerifier', 'weakSolver', 'strongSolver', 'judge']],
      [COT_DIR, ['challenger', 'qualityVerifier', 'weakSolver', 'strongSolver', 'judge']],
      [VERIFIABLE_DIR, ['mainAgent', 'challenger', 'qualityVerifier', 'weakSolver', 'strongSolver', 'judge']],
    ] as const) {
      const loaded = loadHarness(dir);
      for (const role of roles) expect(renderPrompt(loaded, role, values)).not.toContain('{{');
    }
  });
});

describe('meta-optimizer prompts', () => {
  it('loads analyzer and implementer and renders them with renderFile', () => {
    const prompts = loadMetaPrompts(META_DIR);
    const analysis = renderFile(prompts.analyzer, { trajectories: 'T', history: 'H' });
    expect(analysis).toContain('<trajectories>\nT\n</trajectories>');
    expect(analysis).toContain('<history>\nH\n</history>');
    const implementation = renderFile(prompts.implementer, { analysis: 'A', history: 'H', harness: 'F' });
    expect(implementation).toContain('<harness>\nF\n</harness>');
    expect(() => renderFile(prompts.implementer, { analysis: 'A', history: 'H' })).toThrow('prompt: no value given for {{harness}}');
  });

  it('names a meta prompt with a wrong placeholder', () => {
    const dir = copyHarness(META_DIR);
    fs.writeFileSync(path.join(dir, 'analyzer.md'), 'Look at {{trajectories}} and {{runs}}.\n');
    expect(() => loadMetaPrompts(dir)).toThrow(`${dir}/analyzer.md: unknown placeholder {{runs}}; allowed: trajectories, history`);
  });
});

describe('editable files', () => {
  it('lists what the implementer may change and formats it for the implementer prompt', () => {
    const harness = loadHarness(AGENTIC_DIR);
    expect(editableFiles(harness)).toEqual(['prompts/challenger.md', 'prompts/main-agent.md', 'prompts/quality-verifier.md', 'settings.json']);
    const small = harnessFromFiles({ ...harness.files, 'prompts/challenger.md': 'Write one. {{document}} {{feedback}}' });
    expect(formatEditableFiles(small).split('\n\n<file ')[0]).toBe(
      '<file path="prompts/challenger.md">\nWrite one. {{document}} {{feedback}}\n</file>',
    );
  });
});

describe('baseline prompts', () => {
  // The optimizer is meant to discover these directives; a baseline that already has them (or the
  // harmful ones) would make the search problem trivial or rigged.
  const forbidden = [
    'specific to this paper', 'without reading', 'reveal', 'paraphrase', 'reported number', 'specific number',
    'positive-weight', 'positive weight', 'no negative', 'strict json', 'integer', 'predicted outcome', 'trade-off',
    'tradeoff', 'counterfactual', 'optional', 'context alone', 'verbatim', 'until the budget', 'budget is spent',
    'both evaluations', 'as hard as possible', 'enumerate', 'list all', 'lenient', 'briefly', 'weak model',
  ];

  it('contain none of the directives the optimizer should find', () => {
    for (const dir of [AGENTIC_DIR, COT_DIR, VERIFIABLE_DIR]) {
      const harness = loadHarness(dir);
      for (const [file, text] of Object.entries(harness.files)) {
        if (!file.startsWith('prompts/')) continue;
        const found = forbidden.filter((phrase) => text.toLowerCase().includes(phrase));
        expect({ file, found }).toEqual({ file, found: [] });
      }
    }
  });

  it('keep the solver prompts neutral and identical', () => {
    for (const dir of [AGENTIC_DIR, COT_DIR, VERIFIABLE_DIR]) {
      const harness = loadHarness(dir);
      expect(harness.files['prompts/weak-solver.md']).toBe(harness.files['prompts/strong-solver.md']);
    }
  });

  it('demand at least 3 negative criteria in the quality verifier', () => {
    const harness = loadHarness(AGENTIC_DIR);
    expect(harness.files['prompts/quality-verifier.md']).toContain('fewer than 3 criteria with a weight below zero');
  });
});

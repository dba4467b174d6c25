// The sim's legal problems (sim:legal) and the dispatch of the legal personas: they answer legal
// requests and the loop judge's, and leave every other request to the personas that served it before.
import { describe, expect, it } from 'vitest';
import { resolveDocuments } from '../../../src/app/resolve-documents.ts';
import { choosePersona, type SimRequest } from '../../../src/sim/personas/index.ts';
import { legalExample } from '../../../src/sim/personas/legal-challenger.ts';
import { readSections } from '../../../src/sim/personas/legal-model.ts';

const request = (content: string, schema?: string, model = 'sim-agent'): SimRequest => ({
  model,
  messages: [{ role: 'user', content }],
  canonical: content,
  ...(schema ? { responseFormat: { name: schema, schema: {} } } : {}),
});

describe('sim:legal', () => {
  const { documents } = resolveDocuments('sim:legal?n=5&seed=2');

  it('is a seeded corpus of statutes, facts and a question, with six numbered sections each', () => {
    expect(resolveDocuments('sim:legal?n=5&seed=2').documents).toEqual(documents);
    expect(documents.map((document) => document.id)).toEqual(['simlegal-0001', 'simlegal-0002', 'simlegal-0003', 'simlegal-0004', 'simlegal-0005']);
    expect(documents.map((document) => document.source)).toEqual(Array(5).fill('sim:legal?n=5&seed=2'));
    for (const document of documents) {
      expect(readSections(document.text).map((section) => section.number)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(document.text).toMatch(/## Facts\n.+\n\n## Question\n.+\?/);
    }
    expect(resolveDocuments('sim:legal?n=5&seed=3').documents.map((document) => document.text)).not.toEqual(documents.map((document) => document.text));
  });

  it('sends legal requests to the legal personas and nothing else', () => {
    const legalDocument = `<document title="${documents[0]!.title}">\n${documents[0]!.text}\n</document>`;
    expect(choosePersona(request(legalDocument, 'challenger_example')).name).toBe('legal-challenger');
    expect(choosePersona(request(`${legalDocument}\n<example>\n{}\n</example>`, 'quality_verdict')).name).toBe('legal-quality-verifier');
    const example = legalExample(documents[0]!.text, '', () => 0.5, false);
    const solverPrompt = `<context>\n${String(example.context)}\n</context>\n<question>\n${String(example.question)}\n</question>`;
    expect(choosePersona(request(solverPrompt, undefined, 'sim-weak')).name).toBe('legal-solver');
    expect(choosePersona(request(`<rubric>\n${JSON.stringify(example.rubric)}\n</rubric>`, 'rubric_scores')).name).toBe('legal-judge');
    expect(choosePersona(request('<packet>\n{}\n</packet>', 'loop_verdict')).name).toBe('loop-judge');

    const paper = '<document title="A paper">\n# A paper\n\nWe propose a cache.\n</document>';
    expect(choosePersona(request(paper, 'challenger_example')).name).toBe('challenger');
    expect(choosePersona(request(`${paper}\n<example>\n{}\n</example>`, 'quality_verdict')).name).toBe('quality-verifier');
    expect(choosePersona(request('<context>\nA cache.\n</context>\n<question>\nWhy?\n</question>', undefined, 'sim-weak')).name).toBe('solver');
    expect(choosePersona(request('<rubric>\n[{"index":1,"criterion":"Names the cache.","weight":3}]\n</rubric>', 'rubric_scores')).name).toBe('judge');
  });

  it('a suggestion to make a named section easier points the next draft at it, once the challenger follows it', () => {
    const text = documents[1]!.text;
    const first = legalExample(text, '', () => 0.5, false);
    expect(String(first.question)).not.toContain('Note that §');
    // Suggestions are followed or not per document and suggestion; over several, some are.
    const feedback = Array.from({ length: 6 }, (_, index) => `   suggestion: Too hard for the weak solver (attempt ${index}): make § 4 easier to reach.`).join('\n');
    expect(String(legalExample(text, feedback, () => 0.5, false).question)).toContain('Note that § 4');
  });
});

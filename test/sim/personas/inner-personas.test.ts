import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { generateSimCorpus } from '../../../src/sim/index.ts';
import { choosePersona, type SimRequest } from '../../../src/sim/personas/index.ts';
import { documentModel } from '../../../src/sim/document-model.ts';
import { challengerPersona, isLeakProne } from '../../../src/sim/personas/challenger.ts';
import { judgePersona } from '../../../src/sim/personas/judge.ts';
import { qualityVerifierPersona, leakFraction } from '../../../src/sim/personas/quality-verifier.ts';
import { solverPersona } from '../../../src/sim/personas/solver.ts';

// A document the challenger tends to leak on, so leaking examples are easy to find.
const paper = generateSimCorpus({ n: 30, seed: 0 }).find((candidate) => isLeakProne(documentModel(candidate.text, candidate.title)));
const document = `<document title="${paper!.title}">\n${paper!.text}\n</document>`;

function request(model: string, content: string, schema?: string, properties: string[] = []): SimRequest {
  const body: SimRequest = { model, messages: [{ role: 'user', content }], canonical: `${model}|${schema}|${content}` };
  if (schema) body.responseFormat = { name: schema, schema: { type: 'object', properties: Object.fromEntries(properties.map((name) => [name, {}])) } };
  return body;
}

const context = (seed: number) => ({ rng: seedrandom(String(seed)), simSeed: 0 });

function challenge(seed: number, instructions = 'Write one example.', feedback = 'No earlier attempts.') {
  const reply = challengerPersona.respond(request('sim-agent', `${instructions}\n${document}\n<feedback>\n${feedback}\n</feedback>`, 'challenger_example'), context(seed));
  return JSON.parse(reply.content!) as { context: string; question: string; reference_answer: string; rubric: Array<{ criterion: string; weight: unknown }> };
}

function verify(example: unknown, instructions: string, seed: number) {
  const prompt = `${instructions}\n${document}\n<example>\n${JSON.stringify(example, null, 2)}\n</example>`;
  return JSON.parse(qualityVerifierPersona.respond(request('sim-agent', prompt, 'quality_verdict'), context(seed)).content!) as {
    checks: Record<string, { verdict: string }>;
  };
}

function solve(model: string, example: { context: string; question: string }, seed: number, instructions = 'Answer the question.') {
  return solverPersona.respond(request(model, `${instructions}\n<context>\n${example.context}\n</context>\n<question>\n${example.question}\n</question>`), context(seed)).content!;
}

/** The rubric score of an answer; `positiveOnly` scores coverage of the positive criteria alone. */
function score(example: { question: string; rubric: Array<{ criterion: string; weight: unknown }> }, answer: string, seed: number, positiveOnly = false): number {
  const rubric = example.rubric
    .filter((item) => !positiveOnly || Number(item.weight) > 0)
    .map((item, offset) => ({ index: offset + 1, criterion: item.criterion, weight: item.weight }));
  const prompt = `Grade.\n<question>\n${example.question}\n</question>\n<answer>\n${answer}\n</answer>\n<rubric>\n${JSON.stringify(rubric)}\n</rubric>`;
  const { scores } = JSON.parse(judgePersona.respond(request('sim-agent', prompt, 'rubric_scores'), context(seed)).content!) as { scores: Array<{ index: number; met: number }> };
  const positive = rubric.reduce((sum, item) => sum + Math.max(Number(item.weight), 0), 0);
  const earned = scores.reduce((sum, entry) => sum + Number(rubric[entry.index - 1]!.weight) * entry.met, 0);
  return Math.min(1, Math.max(0, earned / positive));
}

/** The first seeds whose example has the property. */
function examplesWhere(predicate: (example: ReturnType<typeof challenge>) => boolean, count: number, instructions?: string) {
  const found: ReturnType<typeof challenge>[] = [];
  for (let seed = 0; found.length < count && seed < 2000; seed += 1) {
    const example = challenge(seed, instructions);
    if (predicate(example)) found.push(example);
  }
  return found;
}

describe('inner-loop personas', () => {
  it('recognises each role from the request alone', () => {
    expect(choosePersona(request('sim-agent', 'x', 'challenger_example')).name).toBe('challenger');
    expect(choosePersona(request('sim-agent', 'x', 'quality_verdict')).name).toBe('quality-verifier');
    expect(choosePersona(request('sim-weak', '<question>\nWhy?\n</question>')).name).toBe('solver');
    expect(choosePersona(request('sim-agent', 'x', 'rubric_scores')).name).toBe('judge');
    expect(choosePersona(request('sim-agent', 'x', 'answer_verdict')).name).toBe('judge');
    const agent = request('sim-agent', 'Run the loop.');
    agent.tools = [{ type: 'function', function: { name: 'call_challenger', description: '', parameters: {} } }];
    expect(choosePersona(agent).name).toBe('main-agent');
  });

  it('is deterministic for the same request and seed, and adds reasoning only when the schema has it', () => {
    expect(challenge(7)).toEqual(challenge(7));
    const reply = challengerPersona.respond(request('sim-agent', `${document}\n<feedback>\nNo earlier attempts.\n</feedback>`, 'challenger_example', ['reasoning']), context(3));
    expect(typeof (JSON.parse(reply.content!) as { reasoning?: unknown }).reasoning).toBe('string');
    expect('reasoning' in challenge(3)).toBe(false);
  });

  it('writes a leaking context that contains the answer sentence', () => {
    const leaking = examplesWhere((example) => leakFraction(example) >= 0.5, 3);
    expect(leaking).toHaveLength(3);
    for (const example of leaking) {
      const keySentence = example.reference_answer.split(/(?<=\.) /)[0]!;
      expect(example.context).toContain(keySentence);
    }
  });

  it('catches leaks more often when told to answer from the context alone', () => {
    const [leaking] = examplesWhere((example) => leakFraction(example) >= 0.5, 1);
    const caught = (instructions: string) =>
      Array.from({ length: 200 }, (_, seed) => verify(leaking, instructions, seed)).filter((verdict) => verdict.checks.answer_leakage!.verdict === 'FAIL').length;
    const baseline = caught('Check the example.');
    const directed = caught('Check the example. For the leakage check, try to answer the question from the context alone.');
    expect(directed).toBeGreaterThan(baseline + 60);
  });

  it('the strong solver covers more concepts than the weak one, and tampering weakens the weak solver', () => {
    const [example] = examplesWhere((candidate) => leakFraction(candidate) < 0.5 && !/In general|value did/.test(candidate.question), 1);
    const mean = (model: string, instructions?: string) =>
      Array.from({ length: 60 }, (_, seed) => score(example!, solve(model, example!, seed, instructions), seed, true)).reduce((sum, value) => sum + value, 0) / 60;
    const weak = mean('sim-weak');
    expect(mean('sim-strong')).toBeGreaterThan(weak + 0.05);
    expect(mean('sim-weak', 'You are a weak model. Answer the question.')).toBeLessThan(weak - 0.05);
  });

  it('the judge scores from the answer text', () => {
    const example = { question: 'Why?', rubric: [{ criterion: 'Explains the contribution of the instruction pipeline to the outcome.', weight: 5 }, { criterion: 'Treats the instruction pipeline as having no influence.', weight: -3 }] };
    const prompt = (answer: string) =>
      `<question>\nWhy?\n</question>\n<answer>\n${answer}\n</answer>\n<rubric>\n${JSON.stringify(example.rubric.map((item, offset) => ({ index: offset + 1, ...item })))}\n</rubric>`;
    const met = (answer: string) =>
      (JSON.parse(judgePersona.respond(request('sim-agent', prompt(answer), 'rubric_scores'), context(11)).content!) as { scores: Array<{ met: number }> }).scores.map((entry) => entry.met);
    expect(met('Much turns on the instruction pipeline in this setting.')).toEqual([1, 0]);
    expect(met('The pipeline explains everything.')).toEqual([0, 0]);
    expect(met('I would treat the instruction pipeline as having no influence.')).toEqual([0, 1]);
  });
});

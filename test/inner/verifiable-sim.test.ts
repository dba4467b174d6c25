// The verifiable mode end to end on the sim: `autodata generate` with the verifiable baseline over
// the `sim:verifiable` corpus, every outcome re-derived from the stored per-attempt scores.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { documentsForPart, loadSplit } from '../../src/documents/index.ts';

const root = new URL('../../', import.meta.url).pathname;
const DOCUMENTS = 'sim:verifiable?n=60&seed=0';
const SPLIT = 'splits/sim-verifiable.json';

interface StoredRound {
  round: number;
  question: string;
  reference_answer: string;
  rubric: unknown[];
  weak: { scores: number[] } | null;
  strong: { scores: number[] } | null;
  accepted: boolean;
  failure_reason: string | null;
}

interface StoredResult {
  document_id: string;
  simulated: boolean;
  finished: boolean;
  error: string | null;
  rounds: StoredRound[];
  final_accepted_round: number | null;
}

const correctCount = (scores: number[]) => scores.filter((score) => score === 1).length;

/** Distinct prime factors by trial division: the test's own check of the sim's reference answers. */
function primeFactorSet(value: number): string {
  const factors: number[] = [];
  let rest = value;
  for (let divisor = 2; divisor * divisor <= rest; divisor += 1) {
    if (rest % divisor === 0) factors.push(divisor);
    while (rest % divisor === 0) rest /= divisor;
  }
  if (rest > 1) factors.push(rest);
  return `{${factors.join(', ')}}`;
}

describe('verifiable mode on the sim', () => {
  it('the split file covers the sim:verifiable corpus', () => {
    const split = loadSplit(path.join(root, SPLIT));
    expect(split.documents).toBe(DOCUMENTS);
    expect(split.counts).toEqual({ train: 30, validation: 15, test: 15 });
    const { documents } = resolveDocuments(split.documents);
    expect(documents).toHaveLength(60);
    expect(documents[0]?.id).toBe('simverif-0001');
    expect(documents[0]?.source).toBe(DOCUMENTS);
  });

  it('`autodata generate` accepts only examples the counting rule accepts (weak <= 1 of 4, strong >= 3 of 4)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
    const stdout = execFileSync(
      process.execPath,
      [
        path.join(root, 'bin/autodata.js'),
        'generate',
        '--harness', 'baselines/verifiable-self-instruct',
        '--documents', DOCUMENTS,
        '--split', SPLIT,
        '--limit', '4',
        '--out', out,
        '--json',
        // Every attempt, so each round shows all four counts the rule reads (early stopping is tested on its own).
        '--no-early-stop',
      ],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const report = JSON.parse(stdout) as {
      simulated: boolean;
      evaluation: { summary: { documents: number; accepted: number; errors: unknown[] } };
    };
    expect(report.simulated).toBe(true);
    expect(report.evaluation.summary.documents).toBe(4);
    expect(report.evaluation.summary.errors).toEqual([]);

    const split = loadSplit(path.join(root, SPLIT));
    const expectedIds = documentsForPart(resolveDocuments(DOCUMENTS).documents, split, 'validation').slice(0, 4).map((document) => document.id);
    const files = fs.readdirSync(path.join(out, 'results')).sort();
    expect(files).toEqual(expectedIds.map((id) => `${id}.json`).sort());

    let acceptedDocuments = 0;
    let evaluatedRounds = 0;
    let primeQuestions = 0;
    for (const file of files) {
      const result = JSON.parse(fs.readFileSync(path.join(out, 'results', file), 'utf8')) as StoredResult;
      expect(result.simulated).toBe(true);
      expect(result.finished).toBe(true);
      expect(result.error).toBeNull();
      for (const round of result.rounds) {
        // The sim quality verifier judges a verifiable problem by its own standard: one criterion passes.
        expect(round.rubric).toHaveLength(1);
        if (!round.weak) {
          expect(round.accepted).toBe(false);
          continue;
        }
        evaluatedRounds += 1;
        expect(round.weak.scores).toHaveLength(4);
        const weakCorrect = correctCount(round.weak.scores);
        if (weakCorrect > 1) {
          expect(round.failure_reason).toBe('too-easy');
          expect(round.strong).toBeNull();
          expect(round.accepted).toBe(false);
          continue;
        }
        expect(round.strong?.scores).toHaveLength(4);
        const strongCorrect = correctCount(round.strong?.scores ?? []);
        expect(round.accepted).toBe(strongCorrect >= 3);
        expect(round.failure_reason).toBe(strongCorrect >= 3 ? null : 'failed-on-strong');
        const prime = /prime factors of (\d+)/.exec(round.question);
        if (prime) {
          primeQuestions += 1;
          expect(round.reference_answer).toBe(primeFactorSet(Number(prime[1])));
        }
      }
      const acceptedRound = result.rounds.find((round) => round.accepted);
      expect(result.final_accepted_round).toBe(acceptedRound?.round ?? null);
      if (acceptedRound) acceptedDocuments += 1;
    }
    expect(report.evaluation.summary.accepted).toBe(acceptedDocuments);
    // A run where nothing reaches the solvers or nothing is accepted would pass the checks above trivially.
    expect(evaluatedRounds).toBeGreaterThan(4);
    expect(acceptedDocuments).toBeGreaterThan(0);
    // The reference-answer check above ran at least once.
    expect(primeQuestions).toBeGreaterThan(0);
  });
});

// What every benchmark section shares: the documents and harness it runs on, challenger-sized
// requests, temp folders for stores, a wall clock and a peak-RSS sampler.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveDocuments } from '../app/resolve-documents.ts';
import { documentsForPart, loadSplit, type Document } from '../documents/index.ts';
import type { Harness } from '../harness/harness.ts';
import { loadHarness } from '../harness/load-harness.ts';
import { renderPrompt } from '../harness/render-prompt.ts';
import { CHALLENGER_SCHEMA_NAME, challengerExampleSchema, FIRST_ROUND_FEEDBACK } from '../inner/index.ts';
import { responseFormatFor } from '../llm/index.ts';
import type { ChatMessage } from '../llm/types.ts';

export interface BenchInputs {
  harness: Harness;
  /** The split's validation part, in the split's order. */
  validation: Document[];
  /** The split's train part: material for the request-level sections (kept apart from validation). */
  train: Document[];
}

export function loadBenchInputs(splitFile: string, harnessDir: string): BenchInputs {
  const split = loadSplit(splitFile);
  const { documents } = resolveDocuments(split.documents);
  return {
    harness: loadHarness(harnessDir),
    validation: documentsForPart(documents, split, 'validation'),
    train: documentsForPart(documents, split, 'train'),
  };
}

/** One challenger call as the inner loop sends it in round 1: the rendered prompt of a real document. */
export interface ChallengerCall {
  messages: ChatMessage[];
  seed: number;
  /** The request body on the wire (what the sim handler parses). */
  body: string;
}

const challengerResponseFormat = responseFormatFor(CHALLENGER_SCHEMA_NAME, challengerExampleSchema);

/** `count` distinct challenger calls: documents taken in turn, each call with its own seed. */
export function challengerCalls(harness: Harness, documents: Document[], count: number, firstSeed = 1): ChallengerCall[] {
  const prompts = documents.map((document) =>
    renderPrompt(harness, 'challenger', { document: document.text, feedback: FIRST_ROUND_FEEDBACK }, { document: { title: document.title } }),
  );
  return Array.from({ length: count }, (_, index) => {
    const messages: ChatMessage[] = [{ role: 'user', content: prompts[index % prompts.length]! }];
    const seed = firstSeed + index;
    const body = JSON.stringify({
      model: 'sim-agent',
      messages,
      temperature: 1,
      max_tokens: 4096,
      seed,
      response_format: challengerResponseFormat,
    });
    return { messages, seed, body };
  });
}

/** Runs `work` and returns its value with the wall time in seconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** Samples process RSS every `intervalMs` while `work` runs; returns the peak in megabytes (10^6 bytes). */
export async function withPeakRss<T>(work: () => Promise<T>, intervalMs = 20): Promise<{ value: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, intervalMs);
  try {
    const value = await work();
    sample();
    return { value, peakRssMb: peak / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

/** A fresh temp folder for `use`, removed afterwards (stores must be closed inside `use`). */
export async function inTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'autodata-bench-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

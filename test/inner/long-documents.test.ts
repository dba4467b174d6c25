// Long documents and small context windows, through `runGeneration` (the library side of
// `autodata generate`) on the in-process sim: the challenger's and the quality verifier's windows
// are set small, the corpus mixes short sim papers with long Markdown papers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { defaultSimEndpoints, type Endpoints } from '../../src/config/endpoints.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { contextFitFor, documentTagTokens, markdownParts, omissionMarker, type LongDocumentPolicy } from '../../src/inner/fit-document.ts';
import { formatSummary } from '../../src/inner/format-summary.ts';
import { documentResultSchema, runGeneration, type InnerDocument } from '../../src/inner/index.ts';
import { responseFormatFor } from '../../src/llm/structured.ts';
import { estimatePromptTokens } from '../../src/llm/token-estimate.ts';
import type { Llm, Role } from '../../src/llm/types.ts';
import { generateSimCorpus } from '../../src/sim/index.ts';
import { openStore } from '../../src/store/index.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const WINDOWS = { challenger: 12_000, qualityVerifier: 16_000 } as const;

/** The sim endpoints with the two document roles' windows set small (maxTokens stays 4096). */
function smallWindowEndpoints(): Endpoints {
  const endpoints = defaultSimEndpoints();
  return {
    ...endpoints,
    roles: {
      ...endpoints.roles,
      challenger: { ...endpoints.roles.challenger, contextWindow: WINDOWS.challenger },
      qualityVerifier: { ...endpoints.roles.qualityVerifier, contextWindow: WINDOWS.qualityVerifier },
    },
  };
}

const filler = (topic: string, chars: number) => {
  const sentence = `The ${topic} measurements show that batching reduces latency because fewer requests wait in the queue. `;
  return sentence.repeat(Math.ceil(chars / sentence.length)).slice(0, chars).trim();
};

/** A sim paper with eight long appendix sections after it: about 30,000 characters. */
function longPaper(base: InnerDocument, id: string): InnerDocument {
  const appendix = Array.from({ length: 8 }, (_, index) => `## Appendix ${String.fromCharCode(65 + index)}: Extended measurements ${index + 1}\n\n${filler(`appendix ${index + 1}`, 3000)}\n`);
  return { id, title: base.title, text: `${base.text.trimEnd()}\n\n${appendix.join('\n')}` };
}

/** Two short sim papers (fit whole), two long papers (truncated), one long text without headings (skipped under either policy). */
function corpus(): InnerDocument[] {
  const [first, second, third, fourth] = generateSimCorpus({ n: 4, seed: 11 });
  const plain = { id: 'plain-long', title: 'A long text without sections', text: filler('plain', 30_000) };
  return [
    { id: first!.id, title: first!.title, text: first!.text },
    { id: second!.id, title: second!.title, text: second!.text },
    longPaper(third!, 'long-a'),
    longPaper(fourth!, 'long-b'),
    plain,
  ];
}

interface SentRequest {
  role: Role;
  content: string;
  promptEstimate: number;
}

/** Records every request the harness makes (role, the rendered user prompt, its estimated prompt tokens). */
function recording(llm: Llm, sent: SentRequest[]): Llm {
  const note = (request: { role: Role; messages: Array<{ content: string | null }> }, extra: unknown[]) =>
    sent.push({
      role: request.role,
      content: request.messages.map((message) => message.content ?? '').join('\n'),
      promptEstimate: estimatePromptTokens({ messages: request.messages, extra }),
    });
  // Spread first: whatever else the call path offers passes through unchanged.
  return {
    ...llm,
    text: (request) => {
      note(request, [request.tools]);
      return llm.text(request);
    },
    structured: (request) => {
      note(request, [responseFormatFor(request.schemaName, request.schema)]);
      return llm.structured(request);
    },
  };
}

async function generate(documents: InnerDocument[], options: { policy?: LongDocumentPolicy; harness?: string; endpoints?: Endpoints; sent?: SentRequest[] } = {}) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-long-'));
  const endpoints = options.endpoints ?? smallWindowEndpoints();
  const harnessName = options.harness ?? 'agentic-self-instruct';
  const result = await runGeneration({
    harness: loadHarness(path.join(repoRoot, 'baselines', harnessName)),
    harnessName,
    documents,
    runDir,
    createLlm: (store) => {
      const llm = createAppLlm({ endpoints, ...(store ? { store } : {}), simSeed: 0, cacheMode: 'use' });
      return options.sent ? recording(llm, options.sent) : llm;
    },
    seed: 0,
    concurrency: 3,
    simulated: true,
    ...(options.policy ? { contextFit: contextFitFor(endpoints.roles, options.policy) } : {}),
    source: {},
  });
  const store = openStore(result.storePath!, { readonly: true });
  const callLog = store.db.prepare('SELECT role, prompt_tokens FROM llm_call_log').all() as Array<{ role: Role; prompt_tokens: number }>;
  store.close();
  const resultFile = (id: string) => documentResultSchema.parse(JSON.parse(fs.readFileSync(path.join(result.resultsDir!, `${id}.json`), 'utf8')));
  return { ...result, callLog, resultFile };
}

describe('long documents and small context windows (generate)', () => {
  it('truncate: long papers keep title, abstract and whole leading sections with a marker; a text with no sections is skipped; every prompt sent fits', async () => {
    const documents = corpus();
    const endpoints = smallWindowEndpoints();
    const room = Math.min(...contextFitFor(endpoints.roles, 'truncate').windows.map((window) => window.roomTokens));
    // The fixture is what the test says: the short papers fit whole, the long ones do not.
    for (const document of documents.slice(0, 2)) expect(documentTagTokens(document.title, document.text)).toBeLessThanOrEqual(room);
    for (const document of documents.slice(2)) expect(documentTagTokens(document.title, document.text)).toBeGreaterThan(room);

    const sent: SentRequest[] = [];
    const result = await generate(documents, { policy: 'truncate', endpoints, sent });
    const { summary } = result.evaluation;

    expect(summary).toMatchObject({ documents: 4, truncated: 2, skipped: 1 });
    expect(summary.completed + summary.errored).toBe(4);
    expect(summary.passRate).toBe(summary.completed === 0 ? null : summary.accepted / summary.completed);
    expect(summary.skippedDocuments).toEqual([{ documentId: 'plain-long', reason: 'too-long-for-context', detail: expect.stringContaining('no sections') }]);
    expect(summary.documentFit).toBe(`2 documents truncated to fit challenger's ${WINDOWS.challenger}-token window, 1 skipped (too long for the context window)`);
    expect(formatSummary(summary)).toContain(`context windows: 2 documents truncated to fit challenger's ${WINDOWS.challenger}-token window, 1 skipped`);
    expect(formatSummary(summary)).toContain('plain-long: too-long-for-context:');

    for (const id of ['long-a', 'long-b']) {
      const original = documents.find((document) => document.id === id)!;
      const record = result.resultFile(id);
      expect(record.document_fit).toMatchObject({ action: 'truncated', policy: 'truncate', role: 'challenger', context_window: WINDOWS.challenger });
      const omitted = record.document_fit!.omitted_sections;
      expect(omitted.length).toBeGreaterThan(0);

      // What the challenger saw: the paper's own text up to a section boundary, then the marker.
      const prompts = sent.filter((request) => request.role === 'challenger' && request.content.includes(`<document title="${original.title}">`));
      expect(prompts.length).toBeGreaterThan(0);
      const shown = /<document title="[^"]*">\n([\s\S]*?)\n<\/document>/.exec(prompts[0]!.content)![1]!;
      const parts = markdownParts(original.text);
      expect(shown.startsWith(parts.lead)).toBe(true);
      expect(shown).toContain(parts.abstract!.text.trimEnd());
      expect(shown.trimEnd().endsWith(omissionMarker(omitted.length))).toBe(true);
      const kept = parts.sections.slice(0, parts.sections.length - omitted.length);
      for (const section of kept) expect(shown).toContain(section.text.trimEnd());
      expect(omitted).toEqual(parts.sections.slice(kept.length).map((section) => section.heading));
      for (const heading of omitted) expect(shown).not.toContain(`## ${heading}`);
    }
    expect(result.resultFile(documents[0]!.id).document_fit).toBeUndefined();

    // The skipped text: a result file that says why, and no request ever carried it.
    const skipped = result.resultFile('plain-long');
    expect(skipped).toMatchObject({ rounds: [], usage: {}, error: null, finished: true, document_fit: { action: 'skipped', reason: 'too-long-for-context' } });
    expect(sent.some((request) => request.content.includes('A long text without sections') || request.content.includes('plain measurements'))).toBe(false);

    // Every prompt that carried a document fits its window with the role's maxTokens on top, by
    // the framework's estimate (the margin) and by the sim's own count in the call log.
    const documentRoles = ['challenger', 'qualityVerifier'] as const;
    for (const role of documentRoles) {
      const { maxTokens, contextWindow } = endpoints.roles[role];
      const requests = sent.filter((request) => request.role === role);
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) expect(request.promptEstimate + maxTokens).toBeLessThanOrEqual(contextWindow!);
      const logged = result.callLog.filter((row) => row.role === role);
      expect(logged.length).toBeGreaterThan(0);
      for (const row of logged) expect(row.prompt_tokens + maxTokens).toBeLessThanOrEqual(contextWindow!);
    }
  }, 120_000);

  it('skip: every harness leaves out the same documents, and the pass rate is over the documents it completed', async () => {
    const documents = corpus();
    const skippedRun = await generate(documents, { policy: 'skip' });
    const shortOnly = await generate(documents.slice(0, 2), { endpoints: defaultSimEndpoints() });
    const summary = skippedRun.evaluation.summary;

    expect(summary).toMatchObject({ documents: 2, truncated: 0, skipped: 3 });
    expect(summary.skippedDocuments.map((entry) => entry.documentId)).toEqual(['long-a', 'long-b', 'plain-long']);
    expect(summary.documentFit).toBe('3 documents skipped (too long for the context window)');
    // The same episodes as a run given only the short papers: the skipped ones count nowhere.
    expect(skippedRun.evaluation.outcomes.map((outcome) => outcome.documentId)).toEqual(shortOnly.evaluation.outcomes.map((outcome) => outcome.documentId));
    expect(summary.passRate).toBe(shortOnly.evaluation.summary.passRate);
    expect(summary.accepted).toBe(shortOnly.evaluation.summary.accepted);
    expect(skippedRun.callLog.length).toBe(shortOnly.callLog.length);
    expect(skippedRun.resultFile('long-a').document_fit).toMatchObject({ action: 'skipped', policy: 'skip' });

    const singleShot = await generate(documents, { policy: 'skip', harness: 'cot-self-instruct' });
    expect(singleShot.evaluation.summary.skippedDocuments.map((entry) => entry.documentId)).toEqual(['long-a', 'long-b', 'plain-long']);
    expect(singleShot.evaluation.outcomes.map((outcome) => outcome.documentId)).toEqual(shortOnly.evaluation.outcomes.map((outcome) => outcome.documentId));
  }, 120_000);

  it('a skipped document makes no call at all: no call-log row, no verdict, a pass rate of n/a', async () => {
    const plain = corpus().at(-1)!;
    const result = await generate([plain], { policy: 'truncate' });
    expect(result.callLog).toEqual([]);
    expect(result.evaluation.summary).toMatchObject({ documents: 0, completed: 0, errored: 0, skipped: 1, passRate: null, calls: 0 });
    expect(result.resultFile('plain-long').document_fit?.action).toBe('skipped');
  }, 60_000);

  it('a document result stored for the whole text is not reused once the document is truncated', async () => {
    const long = corpus()[2]!;
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-long-reuse-'));
    const harness = loadHarness(path.join(repoRoot, 'baselines/agentic-self-instruct'));
    const run = (endpoints: Endpoints) =>
      runGeneration({
        harness, harnessName: 'agentic-self-instruct', documents: [long], runDir, seed: 0, concurrency: 1, simulated: true, source: {},
        createLlm: (store) => createAppLlm({ endpoints, ...(store ? { store } : {}), simSeed: 0, cacheMode: 'use' }),
        contextFit: contextFitFor(endpoints.roles, 'truncate'),
      });
    const roomy = smallWindowEndpoints();
    roomy.roles.challenger.contextWindow = 100_000;
    roomy.roles.qualityVerifier.contextWindow = 100_000;
    const whole = await run(roomy);
    expect(whole.evaluation.summary.truncated).toBe(0);
    const again = await run(smallWindowEndpoints());
    expect(again.reused).toBe(0);
    expect(again.evaluation.summary.truncated).toBe(1);
    expect(again.evaluation.outcomes[0]!.result.document_fit?.action).toBe('truncated');
  }, 60_000);
});

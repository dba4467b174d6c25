// `autodata analyze` and `autodata reverify` on a generate folder made on the sim: planted
// near-duplicates are found (precision and recall on the planted set), the taxonomy labels every
// item or counts it as a failure (a malformed reply injected with the sim's faults becomes parse
// failures), reverify with a different endpoints file, and export --reverified-only.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppLlm } from '../../src/app/create-llm.ts';
import { resolveDocuments } from '../../src/app/resolve-documents.ts';
import { defaultSimEndpoints, loadEndpointsFile } from '../../src/config/endpoints.ts';
import { analyzeDataset, readAnalysis } from '../../src/dataset/analyze-dataset.ts';
import { exportDataset } from '../../src/dataset/export-dataset.ts';
import { DEFAULT_NEAR_DUPLICATE_SETTINGS, findDuplicates, jaccard, shingles } from '../../src/dataset/near-duplicates.ts';
import { reverifyDataset } from '../../src/dataset/reverify.ts';
import { DEFAULT_TAXONOMY_SETTINGS, discoverTaxonomy, stratifiedSample } from '../../src/dataset/taxonomy.ts';
import { documentAsSent, fitDocument } from '../../src/inner/fit-document.ts';
import type { Llm, StructuredRequest } from '../../src/llm/types.ts';
import { parseFaultOption } from '../../src/sim/index.ts';
import { generateOnSim, readJsonl, readResults, repoRoot, tempFolder } from './support.ts';

const temp = tempFolder('analyze');
const generated = path.join(temp, 'gen');
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
// 12 training documents: after the sim's retune (26e634c) the first 8 give only 8 rounds with both
// solvers' scores (the taxonomy tests need more than 8: a stratified sample of 6 with 3 left out, and
// more raw types proposed than consolidated); the first 12 give 13.
const DOCUMENTS = 12;
beforeAll(async () => {
  await generateOnSim(generated, DOCUMENTS);
}, 120_000);

const simLlm = (faults: string[] = []) => createAppLlm({ endpoints: defaultSimEndpoints(), simSeed: 0, simFaults: faults.map(parseFaultOption) });

describe('near-duplicates', () => {
  it('finds planted paraphrases and exact copies among distinct questions (precision and recall on the planted pairs)', () => {
    // Distinct base questions from the sim's accepted examples and rejected rounds, each planted
    // twice: once as an exact copy with other case and punctuation, once with a few words changed.
    // Distinct means below the threshold by exact Jaccard, not just unequal: two sim questions on
    // one paper written from one template can be near-duplicates themselves, and those are found
    // rightly, so the base keeps a question only if it is below the threshold to every one kept.
    const { shingle, threshold } = DEFAULT_NEAR_DUPLICATE_SETTINGS;
    const questions = [...new Set(readResults(generated).flatMap(({ result }) => result.rounds.map((round) => round.question).filter((q): q is string => q !== null)))];
    const distinct: Array<{ text: string; set: Set<string> }> = [];
    for (const text of questions) {
      const set = shingles(text, shingle);
      if (distinct.every((kept) => jaccard(kept.set, set) < threshold)) distinct.push({ text, set });
    }
    expect(distinct.length).toBeGreaterThanOrEqual(10);
    const base = distinct.map(({ text }, index) => ({ id: `q${index}`, text }));
    const planted = base.slice(0, 6).flatMap((item) => {
      const words = item.text.split(' ');
      const edited = [...words.slice(0, -3), 'in', 'this', 'setting?'].join(' ');
      return [
        { id: `${item.id}-copy`, text: `  ${item.text.toUpperCase()}!! ` },
        { id: `${item.id}-edit`, text: edited },
      ];
    });
    const report = findDuplicates([...base, ...planted]);
    const plantedPairs = new Set(base.slice(0, 6).flatMap((item) => [`${item.id}|${item.id}-copy`, `${item.id}|${item.id}-edit`]));
    const foundPairs = new Set(report.near.flatMap((cluster) => cluster.ids.flatMap((a, i) => cluster.ids.slice(i + 1).map((b) => `${a}|${b}`))));
    const truePositives = [...foundPairs].filter((pair) => plantedPairs.has(pair)).length;
    const recall = truePositives / plantedPairs.size;
    // Pairs inside one planted cluster (copy|edit) are duplicates too; anything else is a false alarm.
    const sameBase = (pair: string) => new Set(pair.split('|').map((id) => id.replace(/-(copy|edit)$/, ''))).size === 1;
    const precision = [...foundPairs].filter(sameBase).length / Math.max(1, foundPairs.size);
    expect({ recall, precision }).toEqual({ recall: 1, precision: 1 });
    expect(report.exact.map((cluster) => cluster.ids)).toEqual(base.slice(0, 6).map((item) => [item.id, `${item.id}-copy`]));
    expect(report.redundant).toBe(12);
  });
});

describe('taxonomy discovery on the sim', () => {
  const items = () => readResults(generated).flatMap(({ result }) =>
    result.rounds.filter((round) => round.question !== null && round.weak && round.strong).map((round) => ({ id: `${result.document_id}#${round.round}`, question: round.question!, challenge: round.strong!.mean - round.weak!.mean })),
  );

  it('samples in proportion to equal-count strata of challenge', () => {
    const all = items();
    const size = all.length - 3;
    expect(size).toBeGreaterThanOrEqual(6);
    const { sample, strata } = stratifiedSample(all, { ...DEFAULT_TAXONOMY_SETTINGS, sampleSize: size, strata: 3 });
    expect(sample).toHaveLength(size);
    expect(new Set(sample.map((item) => item.id)).size).toBe(size);
    expect(strata.map((stratum) => stratum.sampled).reduce((a, b) => a + b)).toBe(size);
    expect(strata.every((stratum) => Math.abs(stratum.sampled - (size * stratum.items) / all.length) < 1)).toBe(true);
    for (let index = 1; index < strata.length; index += 1) expect(strata[index]!.challenge.min).toBeGreaterThanOrEqual(strata[index - 1]!.challenge.max);
  });

  it('proposes raw types, consolidates them, and labels every item or counts it as a parse failure', async () => {
    const all = items();
    const result = await discoverTaxonomy(all, simLlm(), { ...DEFAULT_TAXONOMY_SETTINGS, sampleSize: 30, batchSize: 8 });
    expect(result.error).toBeNull();
    expect(result.rawTypes.length).toBeGreaterThan(result.types.length);
    expect(result.types.length).toBeGreaterThanOrEqual(2);
    expect(result.classified).toBe(all.length);
    expect(result.labels.length + result.parseFailures.length + result.notClassified.length).toBe(all.length);
    const ids = [...result.labels.map((label) => label.id), ...result.parseFailures.map((failure) => failure.id)];
    expect(new Set(ids).size).toBe(all.length);
    const names = new Set(result.types.map((type) => type.name));
    expect(result.labels.every((label) => names.has(label.type))).toBe(true);
    expect(result.types.reduce((sum, type) => sum + type.count, 0)).toBe(result.labels.length);
  });

  it('counts the items of a malformed classifying reply as parse failures, never drops them', async () => {
    const all = items();
    // Every classifying reply unusable (re-asks included): each item is a parse failure with the reason.
    const shown = all.slice(0, 10);
    const result = await discoverTaxonomy(shown, simLlm(['malformed/hopeless:1@question_type_labels']), { ...DEFAULT_TAXONOMY_SETTINGS, batchSize: 5 });
    expect(result.error).toBeNull();
    expect(result.labels).toEqual([]);
    expect(result.parseFailures.map((failure) => failure.id)).toEqual(shown.map((item) => item.id));
    expect(result.parseFailures[0]!.reason).toMatch(/did not parse \(invalid-output/);
    expect(result.notClassified).toEqual([]);
  });
});

describe('analyze, reverify and export --reverified-only', () => {
  it('writes analysis.json next to the data, and the export card reports it', async () => {
    const { analysis, file } = await analyzeDataset({ source: generated, llm: simLlm(), taxonomy: { ...DEFAULT_TAXONOMY_SETTINGS, batchSize: 4 }, cwd: repoRoot });
    expect(file).toBe(path.join(generated, 'analysis.json'));
    expect(readAnalysis(generated)?.ids).toEqual(analysis.ids);
    const accepted = readResults(generated).filter(({ result }) => result.final_accepted_round !== null);
    expect(analysis.examples).toBe(accepted.length);
    expect(analysis.coverage).toMatchObject({ documents: DOCUMENTS, withExample: accepted.length });
    expect(Object.values(analysis.questionTypes).reduce((a, b) => a + b)).toBe(accepted.length);
    const taxonomy = analysis.taxonomy!;
    expect(taxonomy.labels.length + taxonomy.parseFailures.length + taxonomy.notClassified.length).toBe(accepted.length);
  });

  it('reverifies with a different quality-verifier model, and export --reverified-only keeps only the survivors', async () => {
    const endpointsFile = path.join(temp, 'other-verifier.yaml');
    fs.writeFileSync(endpointsFile, 'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\nqualityVerifier:\n  model: sim-strong?cache=none\n  temperature: 0.3\n');
    const endpoints = loadEndpointsFile(endpointsFile);
    const { result } = await reverifyDataset({ source: generated, llm: createAppLlm({ endpoints, simSeed: 5 }), endpoints, resolveDocuments, seed: 5, concurrency: 2, cwd: repoRoot });
    expect(result.verifier).toEqual({ endpoints: endpointsFile, model: 'sim-strong?cache=none', temperature: 0.3 });
    expect(result.survived.length + result.fell.length + result.notReverified.length).toBe(result.checked);
    expect(result.notReverified).toEqual([]);
    for (const entry of result.fell) expect(entry.failed_checks.length).toBeGreaterThan(0);

    const outDir = path.join(temp, 'reverified');
    const { summary, rows } = await exportDataset({ source: generated, outDir, format: 'jsonl', testFraction: 0.4, seed: 0, dedup: false, reverifiedOnly: true, cwd: repoRoot });
    expect(rows.map((row) => row.id).sort()).toEqual([...result.survived].sort());
    expect(summary.reverification?.leftOut.map((entry) => entry.id).sort()).toEqual(result.fell.map((entry) => entry.id).sort());
    const card = fs.readFileSync(path.join(outDir, 'DATA_CARD.md'), 'utf8');
    expect(card).toContain(`of ${result.checked} accepted example(s), ${result.survived.length} survived, ${result.fell.length} fell`);
    expect(card).toContain('## Dataset analysis');
    expect(readJsonl(path.join(outDir, 'examples.jsonl'))).toHaveLength(result.survived.length);
  });

  it('an infrastructure failure of the verifier is "not re-verified", never a verdict; --reverified-only leaves those out', async () => {
    const copy = path.join(temp, 'gen-outage');
    fs.cpSync(generated, copy, { recursive: true });
    // Every verifier request answered 500, no transport retry, and a breaker (shared by the roles on sim-agent) that does not open: each call fails.
    const endpointsFile = path.join(temp, 'failing-verifier.yaml');
    fs.writeFileSync(endpointsFile, 'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\n  maxConsecutiveFailures: 1000\nqualityVerifier:\n  maxRetries: 0\n');
    const endpoints = loadEndpointsFile(endpointsFile);
    const llm = createAppLlm({ endpoints, simSeed: 0, simFaults: [parseFaultOption('500:1@quality_verdict')] });
    const { result } = await reverifyDataset({ source: copy, llm, endpoints, resolveDocuments, seed: 1, concurrency: 4, cwd: repoRoot });
    expect(result.survived).toEqual([]);
    expect(result.fell).toEqual([]);
    expect(result.notReverified).toHaveLength(result.checked);
    expect(result.notReverified[0]!.reason).toMatch(/quality verifier failed/);
    await expect(exportDataset({ source: copy, outDir: path.join(temp, 'none-survived'), format: 'jsonl', testFraction: 0.4, seed: 0, dedup: false, reverifiedOnly: true, cwd: repoRoot })).rejects.toThrow(
      /none of its \d+ accepted example\(s\) survived the re-verification/,
    );
  });

  it('a damaged analysis.json stops the export with one line naming it, and nothing is written', async () => {
    const copy = path.join(temp, 'gen-damaged');
    fs.cpSync(generated, copy, { recursive: true });
    fs.writeFileSync(path.join(copy, 'analysis.json'), '{"ids": [');
    const outDir = path.join(temp, 'damaged-out');
    await expect(exportDataset({ source: copy, outDir, format: 'jsonl', testFraction: 0.4, seed: 0, dedup: false, cwd: repoRoot })).rejects.toThrow(
      `${path.join(copy, 'analysis.json')}: is not valid JSON`,
    );
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it('when the verifier endpoint goes down for good, the verdicts made are written, the rest are "not re-verified", and the pass says it halted', async () => {
    const copy = path.join(temp, 'gen-breaker');
    fs.cpSync(generated, copy, { recursive: true });
    const endpointsFile = path.join(temp, 'breaking-verifier.yaml');
    fs.writeFileSync(endpointsFile, 'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\n  maxConsecutiveFailures: 2\nqualityVerifier:\n  maxRetries: 0\n');
    const endpoints = loadEndpointsFile(endpointsFile);
    const llm = createAppLlm({ endpoints, simSeed: 0, simFaults: [parseFaultOption('500:1@quality_verdict')] });
    const { result, file } = await reverifyDataset({ source: copy, llm, endpoints, resolveDocuments, seed: 1, concurrency: 1, cwd: repoRoot });
    expect(result.halted).toMatch(/qualityVerifier endpoint .* (failed|down|consecutive)/);
    expect(result.survived).toEqual([]);
    expect(result.fell).toEqual([]);
    expect(result.notReverified).toHaveLength(result.checked);
    expect(result.notReverified.filter((entry) => entry.reason.startsWith('not asked:')).length).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).halted).toBe(result.halted);
  });

  it("analyze writes the figures that need no model when the taxonomist's endpoint goes down, and says why the taxonomy is missing", async () => {
    const copy = path.join(temp, 'gen-taxonomist-down');
    fs.cpSync(generated, copy, { recursive: true });
    const endpointsFile = path.join(temp, 'breaking-taxonomist.yaml');
    fs.writeFileSync(endpointsFile, 'defaults:\n  baseURL: sim://local/v1\n  model: sim-agent\n  maxConsecutiveFailures: 2\n  maxRetries: 0\n');
    const endpoints = loadEndpointsFile(endpointsFile);
    const llm = createAppLlm({ endpoints, simSeed: 0, simFaults: [parseFaultOption('500:1@question_types_proposed')] });
    const { analysis, file } = await analyzeDataset({ source: copy, llm, taxonomy: { ...DEFAULT_TAXONOMY_SETTINGS, batchSize: 2 }, cwd: repoRoot });
    expect(analysis.taxonomy).toBeNull();
    expect(analysis.taxonomyHalted).toMatch(/taxonomist endpoint/);
    expect(analysis.examples).toBeGreaterThan(0);
    expect(readAnalysis(copy)?.taxonomyHalted).toBe(analysis.taxonomyHalted);
    expect(file).toBe(path.join(copy, 'analysis.json'));
  });

  it('re-verifies a truncated episode on the text its roles read, not on the whole document', async () => {
    const copy = path.join(temp, 'gen-truncated');
    fs.cpSync(generated, copy, { recursive: true });
    // Mark one accepted episode as run on a truncated document: the record fitDocument makes for a small window.
    const accepted = readResults(copy).find(({ result }) => result.final_accepted_round !== null)!;
    const document = resolveDocuments(JSON.parse(fs.readFileSync(path.join(repoRoot, 'splits/sim-cs.json'), 'utf8')).documents).documents.find((entry) => entry.id === accepted.result.document_id)!;
    const window = { role: 'challenger' as const, contextWindow: 0, maxTokens: 0, reservedTokens: 0, roomTokens: 0 };
    let decision = fitDocument(document, { policy: 'truncate', windows: [window] });
    for (let room = 50; decision.action !== 'truncated' && room < 5000; room += 25) decision = fitDocument(document, { policy: 'truncate', windows: [{ ...window, roomTokens: room }] });
    expect(decision.action).toBe('truncated');
    const fit = decision.action === 'truncated' ? decision.fit : undefined;
    expect(documentAsSent(document, fit)?.text).toBe(decision.action === 'truncated' ? decision.document.text : '');
    fs.writeFileSync(accepted.file, JSON.stringify({ ...accepted.result, document_fit: fit }, null, 2));

    const seen = new Map<string, string>();
    const base = simLlm();
    const recording: Llm = {
      ...base,
      text: (request) => base.text(request),
      usageByRole: () => base.usageByRole(),
      structuredMode: (role) => base.structuredMode(role),
      structured: <T>(request: StructuredRequest<T>) => {
        const prompt = JSON.stringify(request.messages);
        const title = /<document title=\\"([^\\]*)\\"/.exec(prompt)?.[1];
        if (title !== undefined) seen.set(title, prompt);
        return base.structured(request);
      },
    };
    const { result } = await reverifyDataset({ source: copy, llm: recording, endpoints: defaultSimEndpoints(), resolveDocuments, seed: 2, concurrency: 2, cwd: repoRoot });
    expect(result.notReverified).toEqual([]);
    const prompt = seen.get(document.title)!;
    expect(prompt).toContain('sections omitted to fit the context window');
    const omitted = fit!.omitted_sections[0]!;
    expect(prompt).not.toContain(`## ${omitted}`);
    // Every other document is sent whole.
    const other = [...seen.entries()].find(([title]) => title !== document.title)!;
    expect(other[1]).not.toContain('omitted to fit the context window');
  });
});

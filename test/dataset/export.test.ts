// `autodata export` of a generate output folder made on the sim: every row passes its acceptance rule
// again from the stored scores, no document is on both sides of the split, the verl Parquet reads
// back as the same rows, and damaged folders (half-written, tampered, empty) are reported.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DATA_CARD_FILE, exportDataset, type ExportOptions } from '../../src/dataset/export-dataset.ts';
import type { DatasetRow } from '../../src/dataset/dataset-row.ts';
import { verlRow } from '../../src/dataset/trainer-rows.ts';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { acceptanceVerdict } from '../../src/inner/acceptance.ts';
import { learningsFile, learningsText, readStoredLearnings, writeLearnings } from '../../src/inner/batch-learnings.ts';
import { bin, generateOnSim, readJsonl, readResults, repoRoot, tempFolder } from './support.ts';

const temp = tempFolder('export');
const generated = path.join(temp, 'gen');
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
beforeAll(async () => {
  await generateOnSim(generated, 8);
}, 120_000);

let outputs = 0;
function exportTo(changes: Partial<ExportOptions> = {}) {
  const outDir = changes.outDir ?? path.join(temp, `out-${(outputs += 1)}`);
  return exportDataset({ source: generated, outDir, format: 'jsonl', testFraction: 0.4, seed: 0, dedup: false, cwd: repoRoot, ...changes }).then((result) => ({ ...result, outDir }));
}

/** A copy of the generate folder to damage. */
function copyOfGenerated(name: string): string {
  const copy = path.join(temp, name);
  fs.cpSync(generated, copy, { recursive: true });
  return copy;
}

function runCli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8' });
}

describe('export of a generate folder', () => {
  it('exports each accepted episode once, and every row passes the acceptance rule again from its stored scores', async () => {
    const { rows, summary, outDir } = await exportTo();
    const accepted = readResults(generated).filter(({ result }) => result.final_accepted_round !== null);
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    expect(rows.map((row) => row.document_id).sort()).toEqual(accepted.map(({ result }) => result.document_id).sort());
    const harness = loadHarness(path.join(outDir, 'harness'));
    expect(harness.contentHash).toBe(accepted[0]!.result.harness.content_hash);
    for (const row of readJsonl<DatasetRow>(path.join(outDir, 'examples.jsonl'))) {
      const verdict = acceptanceVerdict(harness.settings.acceptance, row.weak_scores, row.strong_scores, harness.settings.weakZeroRule);
      expect(verdict, row.id).toEqual({ accepted: true, stage: 'strong', reasons: [] });
      const source = accepted.find(({ result }) => result.document_id === row.document_id)!.result;
      expect(row.accepted_round).toBe(source.final_accepted_round);
      expect(row.question).toBe(source.rounds.find((round) => round.accepted)!.question);
    }
    expect(summary.failedRecheck).toEqual([]);
    expect(summary.simulated).toBe(true);
    expect(Object.keys(summary.models).sort()).toEqual(['challenger', 'judge', 'mainAgent', 'qualityVerifier', 'strongSolver', 'weakSolver']);
  });

  it('splits by document (none on both sides), the same way for the same seed, with stable ids', async () => {
    const first = await exportTo({ testFraction: 0.5, seed: 3 });
    const again = await exportTo({ testFraction: 0.5, seed: 3 });
    const train = new Set(readJsonl<DatasetRow>(path.join(first.outDir, 'data/train.jsonl')).map((row) => row.document_id));
    const test = new Set(readJsonl<DatasetRow>(path.join(first.outDir, 'data/test.jsonl')).map((row) => row.document_id));
    expect(train.size).toBeGreaterThan(0);
    expect(test.size).toBeGreaterThan(0);
    expect([...train].filter((id) => test.has(id))).toEqual([]);
    expect(train.size + test.size).toBe(new Set(first.rows.map((row) => row.document_id)).size);
    expect(fs.readFileSync(path.join(again.outDir, 'examples.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(first.outDir, 'examples.jsonl'), 'utf8'));
  });

  it('keeps every rejected round with its reason in rejections.jsonl', async () => {
    const { outDir } = await exportTo();
    const rejections = readJsonl<{ document_id: string; round: number | null; reason: string }>(path.join(outDir, 'rejections.jsonl'));
    const expected = readResults(generated).flatMap(({ result }) => result.rounds.filter((round) => !round.accepted).map((round) => `${result.document_id}#${round.round}:${round.failure_reason}`));
    expect(rejections.filter((row) => row.round !== null).map((row) => `${row.document_id}#${row.round}:${row.reason}`).sort()).toEqual(expected.sort());
  });

  it('--format verl writes Parquet that reads back as the same rows', async () => {
    const { rows, outDir } = await exportTo({ format: 'verl', testFraction: 0.5 });
    for (const split of ['train', 'test'] as const) {
      const buffer = fs.readFileSync(path.join(outDir, 'data', `${split}.parquet`));
      const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
      const readBack = await parquetReadObjects({ file });
      const expected = rows.filter((row) => row.split === split).map((row, index) => verlRow(row, index));
      expect(expected.length).toBeGreaterThan(0);
      expect(readBack).toEqual(expected.map((row) => ({ ...row, extra_info: { ...row.extra_info } })));
    }
  });

  it('--format trl writes prompt/completion rows with the rubric and reference answer', async () => {
    const { rows, outDir } = await exportTo({ format: 'trl' });
    const trl = readJsonl<{ id: string; prompt: Array<{ role: string; content: string }>; completion: Array<{ role: string; content: string }>; rubric: unknown }>(path.join(outDir, 'data/train.jsonl'));
    const train = rows.filter((row) => row.split === 'train');
    expect(trl.map((row) => row.id)).toEqual(train.map((row) => row.id));
    for (const [index, row] of trl.entries()) {
      expect(row.prompt).toHaveLength(1);
      expect(row.prompt[0]!.content.endsWith(train[index]!.question)).toBe(true);
      expect(row.completion).toEqual([{ role: 'assistant', content: train[index]!.reference_answer }]);
      expect(row.rubric).toEqual(train[index]!.rubric);
    }
  });

  it('--dedup drops a repeated question and names the row it repeats', async () => {
    const copy = copyOfGenerated('duplicated');
    const [first, second] = readResults(copy).filter(({ result }) => result.final_accepted_round !== null);
    const firstQuestion = first!.result.rounds.find((round) => round.accepted)!.question!;
    const changed = second!.result;
    changed.rounds.find((round) => round.accepted)!.question = `  ${firstQuestion.toUpperCase()}!`;
    fs.writeFileSync(second!.file, JSON.stringify(changed));
    const { summary, rows } = await exportTo({ source: copy, dedup: true });
    const kept = rows.find((row) => row.document_id === first!.result.document_id)!;
    expect(summary.duplicates).toEqual([{ id: expect.any(String), document_id: changed.document_id, duplicate_of: kept.id }]);
    expect(rows.some((row) => row.document_id === changed.document_id)).toBe(false);
  });
});

describe('the harness behind the examples', () => {
  it('is found where the generate run recorded it, else named with --harness, else a one-line error', async () => {
    const elsewhere = tempFolder('export-cwd');
    const outDir = path.join(temp, 'no-harness');
    await expect(exportTo({ outDir, cwd: elsewhere })).rejects.toThrow(
      new RegExp(`^${generated}: cannot find the harness \\(content hash [0-9a-f]{12}\\) that made these examples; pass it with --harness DIR or RUN:CANDIDATE$`),
    );
    expect(fs.existsSync(outDir)).toBe(false);
    const wrong = path.join(repoRoot, 'baselines/cot-self-instruct');
    const right = path.join(repoRoot, 'baselines/agentic-self-instruct');
    const { summary } = await exportTo({ outDir, cwd: elsewhere, harnesses: [wrong, right] });
    expect(summary.harnesses.map((harness) => harness.origin)).toEqual([`harness folder ${right}`]);
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });
});

describe('DATA_CARD.md', () => {
  it('has front matter that parses as YAML and names every data file; sim data says so first', async () => {
    for (const format of ['jsonl', 'verl'] as const) {
      const { outDir, rows } = await exportTo({ format, testFraction: 0.5, license: 'cc-by-4.0' });
      const card = fs.readFileSync(path.join(outDir, 'DATA_CARD.md'), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n\n([^\n]*)/.exec(card);
      expect(match, card.slice(0, 200)).not.toBeNull();
      const front = parse(match![1]!) as { license: string; size_categories: string[]; configs: Array<{ data_files: Array<{ path: string }> }> };
      expect(front.license).toBe('cc-by-4.0');
      expect(front.size_categories).toEqual(['n<1K']);
      const named = front.configs.flatMap((config) => config.data_files.map((file) => file.path)).sort();
      const dataFiles = (fs.readdirSync(outDir, { recursive: true }) as string[]).filter((file) => /\.(jsonl|parquet)$/.test(file)).sort();
      expect(named).toEqual(dataFiles);
      expect(match![2]).toBe('> **This is simulated data.** It was made by autodata\'s simulated lab, a stand-in that answers like language models');
      expect(card).toContain(`${rows.length} accepted question(s)`);
    }
  });
});

describe('export of damaged folders', () => {
  it('a row whose stored scores no longer pass is not exported and is reported (exit 4)', async () => {
    const copy = copyOfGenerated('tampered');
    const [victim] = readResults(copy).filter(({ result }) => result.final_accepted_round !== null);
    const round = victim!.result.rounds.find((entry) => entry.accepted)!;
    round.weak!.scores = round.weak!.scores.map(() => 1);
    fs.writeFileSync(victim!.file, JSON.stringify(victim!.result));
    const out = path.join(temp, 'tampered-out');
    const cli = runCli(['export', copy, '--out', out]);
    expect(cli.status).toBe(4);
    expect(cli.stdout).toMatch(new RegExp(`^not exported: ${victim!.result.document_id} \\([0-9a-f]{16}\\) no longer passes its acceptance rule: weak mean 1\\.00 is above 0\\.65`, 'm'));
    const exported = readJsonl<DatasetRow>(path.join(out, 'examples.jsonl'));
    expect(exported.some((row) => row.document_id === victim!.result.document_id)).toBe(false);
    expect(exported.length).toBe(readResults(generated).filter(({ result }) => result.final_accepted_round !== null).length - 1);
  }, 30_000);

  it('a folder whose every accepted example fails the re-check exports nothing and says why', async () => {
    const copy = copyOfGenerated('all-tampered');
    const accepted = readResults(copy).filter(({ result }) => result.final_accepted_round !== null);
    for (const { file, result } of accepted) {
      for (const round of result.rounds) if (round.accepted) round.strong!.scores = round.strong!.scores.map(() => 0);
      fs.writeFileSync(file, JSON.stringify(result));
    }
    const outDir = path.join(temp, 'all-tampered-out');
    await expect(exportTo({ source: copy, outDir })).rejects.toThrow(
      new RegExp(`^${copy}: none of its ${accepted.length} accepted example\\(s\\) passes its acceptance rule again from the stored scores \\(${accepted[0]!.result.document_id}: strong mean 0\\.00 is below 0\\.60; `),
    );
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it('a half-written folder exports what is complete and names what is not', async () => {
    const copy = copyOfGenerated('half');
    const [unfinished] = readResults(copy).filter(({ result }) => result.final_accepted_round !== null);
    fs.writeFileSync(unfinished!.file, JSON.stringify({ ...unfinished!.result, finished: false }));
    fs.writeFileSync(path.join(copy, 'results', 'cut.json'), '{"document_id": "cut", "ti');
    const { summary, rows } = await exportTo({ source: copy });
    expect(summary.incomplete.map((entry) => entry.source).sort()).toEqual([path.join('results', 'cut.json'), path.relative(copy, unfinished!.file)].sort());
    expect(rows.some((row) => row.document_id === unfinished!.result.document_id)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('a damaged learnings file stops the export with one line naming it (exit 1), the reader resume uses says the same, and nothing is written', async () => {
    const copy = copyOfGenerated('learnings');
    const lessons = [{ lesson: 'Ask for a step the paper leaves implicit.', evidence: 'most rounds were too easy' }];
    const ids = readResults(copy).map(({ result }) => result.document_id);
    writeLearnings(copy, { batch: 1, documents: ids.slice(0, 4), summary: 'The questions were too easy.', learnings: lessons, text: learningsText(1, lessons) });
    // Intact, the card carries the lessons.
    const intact = await exportTo({ source: copy });
    expect(fs.readFileSync(path.join(intact.outDir, DATA_CARD_FILE), 'utf8')).toContain(`  - ${lessons[0]!.lesson}`);

    const remedy = 'remove it and run the `autodata generate --batches` command that made the folder again, which derives it anew';
    const damaged = learningsFile(copy, 2);
    fs.writeFileSync(damaged, '{"batch": 2, "documents": [');
    const out = path.join(temp, 'learnings-out');
    const cli = runCli(['export', copy, '--out', out]);
    expect(cli.status).toBe(1);
    expect(cli.stderr.startsWith(`error: ${damaged}: is not valid JSON (`)).toBe(true);
    expect(cli.stderr.endsWith(`); ${remedy}\n`)).toBe(true);
    expect(cli.stderr.split('\n')).toHaveLength(2);
    expect(fs.existsSync(out)).toBe(false);
    expect(() => readStoredLearnings(copy, 2, ids.slice(4))).toThrow(`${damaged}: is not valid JSON (`);

    // Valid JSON of another shape: the same line, and an empty folder given to --out stays empty.
    fs.writeFileSync(damaged, JSON.stringify({ batch: 2, summary: 'no lessons field' }));
    fs.mkdirSync(out);
    await expect(exportTo({ source: copy, outDir: out })).rejects.toThrow(`${damaged}: is not a file this version wrote; ${remedy}`);
    expect(() => readStoredLearnings(copy, 2, ids.slice(4))).toThrow(`${damaged}: is not a file this version wrote; ${remedy}`);
    expect(fs.readdirSync(out)).toEqual([]);
    // The earlier export is untouched.
    expect(fs.readFileSync(path.join(intact.outDir, DATA_CARD_FILE), 'utf8')).toContain(`  - ${lessons[0]!.lesson}`);
  }, 30_000);

  it('a folder without an accepted example says so in one line and exits 1', () => {
    const copy = copyOfGenerated('empty');
    for (const { file, result } of readResults(copy)) if (result.final_accepted_round !== null) fs.rmSync(file);
    const left = readResults(copy).length;
    expect(left).toBeGreaterThan(0);
    const out = path.join(temp, 'empty-out');
    const cli = runCli(['export', copy, '--out', out]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toBe(`error: ${copy}: holds no accepted example (${left} finished episode(s), none accepted); nothing to export\n`);
    expect(fs.existsSync(out)).toBe(false);
  }, 30_000);

  it('--test-fraction outside (0, 1) is one line, exit 1, nothing written', async () => {
    const out = path.join(temp, 'fraction-out');
    const cli = runCli(['export', generated, '--out', out, '--test-fraction', '1']);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toBe('error: --test-fraction: must be a number strictly between 0 and 1, got 1\n');
    for (const testFraction of [0, -0.2, Number.NaN]) {
      await expect(exportTo({ outDir: out, testFraction })).rejects.toThrow(`--test-fraction: must be a number strictly between 0 and 1, got ${testFraction}`);
    }
    expect(fs.existsSync(out)).toBe(false);
  }, 30_000);
});

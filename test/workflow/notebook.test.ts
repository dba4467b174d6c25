// `autodata notebook --script` on a real tiny run (in-process sim) named `quickstart`, in a temp
// folder whose populations/ holds it: the shipped experiments/analysis.nb.js twice gives the same
// bytes; the Markdown links the picture the curve cell wrote; the bindings behave in a script.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { listCandidates } from '../../src/outer/population-store.ts';
import { openStore } from '../../src/store/index.ts';
import { createBindings } from '../../src/workflow/notebook/session.ts';
import { runNotebookScript, splitCells } from '../../src/workflow/notebook/script.ts';
import { bin, loadTiny, repoRoot, runInProcess, writeTinyExperiment } from '../outer/support.ts';

let temp: string;
let runDir: string;
const analysisScript = path.join(repoRoot, 'experiments/analysis.nb.js');

function notebookCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, 'notebook', ...args], { encoding: 'utf8', cwd: temp });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the shipped analysis script to populations/analysis/OUT and returns every file it left there, by name. */
function runAnalysis(out: string): Map<string, Buffer> {
  const folder = path.join(temp, 'populations/analysis');
  fs.rmSync(folder, { recursive: true, force: true });
  const result = notebookCli('--script', analysisScript, '--out', `populations/analysis/${out}`);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(`wrote populations/analysis/${out} (6 cells)\n`);
  return new Map(fs.readdirSync(folder).sort().map((name) => [name, fs.readFileSync(path.join(folder, name))]));
}

beforeAll(async () => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-notebook-'));
  runDir = path.join(temp, 'populations', 'quickstart');
  await runInProcess(loadTiny(writeTinyExperiment(temp, 'quickstart', { seed: 1 })), runDir);
}, 120_000);

afterAll(() => {
  fs.rmSync(temp, { recursive: true, force: true });
});

describe('notebook --script to Markdown', () => {
  it('writes the same bytes twice, with the curve picture linked beside the .md', () => {
    const first = runAnalysis('quickstart.md');
    const second = runAnalysis('quickstart.md');
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, bytes] of first) expect(second.get(name)!.equals(bytes), name).toBe(true);

    const markdown = first.get('quickstart.md')!.toString('utf8');
    // The picture the curve cell wrote is already beside the .md, byte for byte: linked, not copied.
    expect(markdown).toContain('![populations/analysis/quickstart-curve.png](quickstart-curve.png)');
    expect(first.get('quickstart-curve.png')!.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([...first.keys()]).toEqual(['quickstart-curve.png', 'quickstart-curve.vl.json', 'quickstart.md']);

    // Each cell's code, then its output: runs() lists the run, load() its status, the history table, 3 examples.
    // The best column is right-aligned: its header is padded to the value's width (an integer such as
    // 1 prints as "1", 0.5 as "0.500"; seed 1's best is 0.5 since the sim's retune, 26e634c).
    const best = /\nquickstart {2}run {3}completed {2}3\/3 +([\d.]+)\n/.exec(markdown)?.[1];
    expect(best).toBeDefined();
    expect(markdown).toContain(`\`\`\`js\nruns()\n\`\`\`\n\n\`\`\`text\nname        kind  status     iterations  ${'best'.padStart(best!.length)}\n`);
    expect(markdown).toContain('```text\nrun quickstart (completed), seed 1, config ');
    expect(markdown).toContain('\niteration  parent  child  decision  parentScore  childScore  calls\n');
    expect(markdown).toContain("```text\n'populations/analysis/quickstart-curve.png'\n```");
    expect(markdown.match(/^Q: /gm)).toHaveLength(3);
    expect(markdown.match(/^A: /gm)).toHaveLength(3);
    // Nothing of where or when it ran.
    expect(markdown).not.toContain(temp);
    expect(markdown).not.toContain(fs.realpathSync(temp));
    expect(markdown).not.toContain(repoRoot);
    expect(markdown).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
  }, 60_000);

  it('splits a script at lines `// %%`, leaving out blank cells', () => {
    expect(splitCells('a = 1\n// %%\n\n// %% title\nb = 2\nc = 3\n\n// %%\n')).toEqual(['a = 1', 'b = 2\nc = 3']);
  });
});

/** The official nbformat 4.5 schema (test/fixtures/nbformat, BSD-3). It declares draft-04; ajv 8 reads its keywords the same as draft-07. */
function nbformatValidator() {
  const { $schema: _draft04, ...schema } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/nbformat/nbformat.v4.5.schema.json'), 'utf8')) as Record<string, unknown>;
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

interface NotebookOutput {
  output_type: string;
  data?: Record<string, string | string[]>;
  text?: string[];
}
interface NotebookCell {
  id: string;
  source: string[];
  outputs: NotebookOutput[];
}

describe('notebook --script to a Jupyter notebook', () => {
  it('writes the same bytes twice; nbformat 4.5 valid, with the outputs and the PNG embedded', () => {
    const first = runAnalysis('quickstart.ipynb');
    const second = runAnalysis('quickstart.ipynb');
    expect(second.get('quickstart.ipynb')!.equals(first.get('quickstart.ipynb')!)).toBe(true);
    const text = first.get('quickstart.ipynb')!.toString('utf8');
    expect(text).not.toContain(temp);
    expect(text).not.toContain(repoRoot);

    const notebook = JSON.parse(text) as { nbformat: number; nbformat_minor: number; metadata: { language_info: { name: string } }; cells: NotebookCell[] };
    const validate = nbformatValidator();
    expect(validate(notebook), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect([notebook.nbformat, notebook.nbformat_minor, notebook.metadata.language_info.name]).toEqual([4, 5, 'javascript']);
    expect(notebook.cells.map((cell) => cell.id)).toEqual(['cell-1', 'cell-2', 'cell-3', 'cell-4', 'cell-5', 'cell-6']);

    const cell = (code: string) => notebook.cells.find((entry) => entry.source.join('').startsWith(code))!;
    const resultText = (entry: NotebookCell) => entry.outputs.filter((output) => output.output_type === 'execute_result').map((output) => ([] as string[]).concat(output.data!['text/plain']!).join(''));
    const runsText = resultText(cell('runs()'))[0]!;
    const bestCell = /\nquickstart {2}run {3}completed {2}3\/3 +([\d.]+)$/.exec(runsText)?.[1];
    expect(bestCell).toBeDefined();
    expect(runsText.startsWith(`name        kind  status     iterations  ${'best'.padStart(bestCell!.length)}\n`)).toBe(true);
    expect(resultText(cell('const run'))[0]).toMatch(/^run quickstart \(completed\), seed 1/);
    expect(resultText(cell('examples('))[0]!.match(/^Q: /gm)).toHaveLength(3);

    const pictures = cell('await curve(').outputs.filter((output) => output.output_type === 'display_data');
    expect(pictures).toHaveLength(1);
    const png = Buffer.from(pictures[0]!.data!['image/png'] as string, 'base64');
    expect(png.equals(first.get('quickstart-curve.png')!)).toBe(true);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  }, 60_000);

  it('fails the schema when a cell loses its id (the check can fail)', () => {
    const notebook = JSON.parse(fs.readFileSync(path.join(temp, 'populations/analysis/quickstart.ipynb'), 'utf8')) as { cells: Array<Record<string, unknown>> };
    delete notebook.cells[0]!.id;
    expect(nbformatValidator()(notebook)).toBe(false);
  });
});

describe('the bindings in a script', () => {
  const script = (name: string, cells: string[]) => {
    const file = path.join(temp, name);
    fs.writeFileSync(file, cells.join('\n// %%\n'));
    return file;
  };

  it('prints, awaits, diffs, filters examples, copies a picture beside the .md, and escapes model-written text', async () => {
    const store = openStore(path.join(runDir, 'run.sqlite'), { readonly: true });
    const child = listCandidates(store).find((candidate) => candidate.iteration > 0 && candidate.status !== 'refused')!;
    store.close();
    const file = script('bindings.nb.js', [
      "console.log('hello\\x1b[2J')",
      'x = await new Promise((resolve) => setTimeout(() => resolve(41), 50))',
      'x + 1',
      `diff('quickstart/c0000', 'quickstart/${child.id}')`,
      "examples('quickstart', (example) => example.weakMean !== null).length === examples('quickstart').length",
      "examples('quickstart', 'no such text anywhere').length",
      "table([{ a: 1, b: 'x\\u202e' }, { a: 2.5, c: null }])",
      "curve('quickstart', { out: 'pictures/curve.svg' })",
    ]);
    const result = await runNotebookScript(file, 'out/bindings.md', { cwd: temp });
    expect(result.failed).toBeNull();
    expect(result.cells).toBe(8);
    const markdown = fs.readFileSync(path.join(temp, 'out/bindings.md'), 'utf8');
    expect(markdown).toContain('```text\nhello\\x1b[2J\n```');
    expect(markdown).toContain('```js\nx + 1\n```\n\n```text\n42\n```');
    expect(markdown).toContain(`diff --git a/prompts/`);
    expect(markdown).toContain('```js\nexamples(\'quickstart\', (example) => example.weakMean !== null).length === examples(\'quickstart\').length\n```\n\n```text\ntrue\n```');
    expect(markdown).toContain("```text\n0\n```");
    expect(markdown).toContain('x\\u202e');
    // The picture lives elsewhere: a copy beside the .md, named after it.
    expect(markdown).toContain('![pictures/curve.svg](bindings-1.svg)');
    expect(fs.readFileSync(path.join(temp, 'out/bindings-1.svg')).equals(fs.readFileSync(path.join(temp, 'pictures/curve.svg')))).toBe(true);
    expect(markdown).not.toContain('\x1b');
    expect(markdown).not.toContain('\u202e');
  }, 60_000);

  it('runs() lists a folder it cannot read as such, next to the runs it can', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-notebook-stale-'));
    fs.mkdirSync(path.join(cwd, 'populations', 'quickstart'), { recursive: true });
    fs.copyFileSync(path.join(runDir, 'run.sqlite'), path.join(cwd, 'populations', 'quickstart', 'run.sqlite'));
    // A SQLite file that is no run store (as a store of another tool, or of a far older autodata, is).
    fs.mkdirSync(path.join(cwd, 'populations', 'stale'));
    const db = new Database(path.join(cwd, 'populations', 'stale', 'run.sqlite'));
    db.exec('CREATE TABLE something_else (x)');
    db.close();
    const entries = createBindings({ cwd }).runs();
    expect(entries.map((entry) => [entry.name, entry.kind])).toEqual([['quickstart', 'run'], ['stale', 'run']]);
    expect(entries[0]!.status).toBe('completed');
    expect(entries[1]!.status).toMatch(/^not readable: .*run\.sqlite/);
    expect(entries[1]!.best).toBeNull();
  });

  it('stops at the first failing cell and keeps it with its error', async () => {
    const file = script('failing.nb.js', ['a = 1', "load('no-such-run')", 'a = 2']);
    const result = await runNotebookScript(file, 'out/failing.md', { cwd: temp });
    expect(result.failed).toEqual({ cell: 2, error: expect.stringMatching(/^ConfigError: no-such-run: no run found/) });
    expect(result.cells).toBe(2);
    const markdown = fs.readFileSync(path.join(temp, 'out/failing.md'), 'utf8');
    expect(markdown).toContain("```js\nload('no-such-run')\n```\n\n```text\nUncaught ConfigError: no-such-run: no run found");
    expect(markdown).not.toContain('a = 2');

    const cli = notebookCli('--script', file, '--out', 'out/failing-cli.md');
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/^error: cell 2 failed: ConfigError: no-such-run/);
  }, 60_000);
});

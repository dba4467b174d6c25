// The interactive notebook: `autodata notebook` driven through a child's stdin (not a terminal),
// on a real tiny run; and, in process, its tab completion and terminal history.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotebookRepl } from '../../src/workflow/notebook/repl.ts';
import { bin, loadTiny, runInProcess, writeTinyExperiment } from '../outer/support.ts';

let temp: string;

beforeAll(async () => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-notebook-repl-'));
  await runInProcess(loadTiny(writeTinyExperiment(temp, 'quickstart', { seed: 1 }), { iterations: 1 }), path.join(temp, 'populations', 'quickstart'));
}, 120_000);

afterAll(() => {
  fs.rmSync(temp, { recursive: true, force: true });
});

/** `autodata notebook` in TEMP with piped stdin/stdout; HOME is TEMP, so no history lands in the real one. */
function startChild() {
  const child = spawn(process.execPath, [bin, 'notebook'], { cwd: temp, env: { ...process.env, HOME: temp }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (text: string) => {
    const deadline = Date.now() + 20_000;
    while (!stdout.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" in the notebook's output:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

describe('autodata notebook (stdin not a terminal)', () => {
  it('answers runs() and .save writes the transcript', async () => {
    const notebook = startChild();
    await notebook.waitFor('notebook> ');
    notebook.child.stdin.write('runs()\n');
    await notebook.waitFor('quickstart  run');
    notebook.child.stdin.write('.save notes/x.md\n');
    await notebook.waitFor('saved 1 cell to notes/x.md');
    notebook.child.stdin.end();
    expect(await notebook.exited).toBe(0);
    expect(notebook.output().stderr).toBe('');
    expect(notebook.output().stdout).toMatch(/\nquickstart {2}run {3}completed {2}1\/1 /);
    const markdown = fs.readFileSync(path.join(temp, 'notes/x.md'), 'utf8');
    expect(markdown).toMatch(/^```js\nruns\(\)\n```\n\n```text\nname {8}kind  status {5}iterations +best\n-+ {2}-+ {2}-+ {2}-+ {2}-+\nquickstart {2}run {3}completed {2}1\/1 +[\d.]+\n```\n$/);
  }, 60_000);

  it('runs piped lines in order, each after the cell before it ended (top-level await, multi-line input)', async () => {
    const notebook = startChild();
    notebook.child.stdin.end(
      [
        'x = await new Promise((resolve) => setTimeout(() => resolve(41), 300))',
        'x + 1',
        'function f() {',
        '  return 2',
        '}',
        'f() * 3',
        'nosuch',
        '.save y.ipynb',
        '',
      ].join('\n'),
    );
    expect(await notebook.exited).toBe(0);
    const saved = JSON.parse(fs.readFileSync(path.join(temp, 'y.ipynb'), 'utf8')) as {
      cells: Array<{ source: string[]; outputs: Array<{ output_type: string; data?: { 'text/plain': string[] }; ename?: string }> }>;
    };
    expect(saved.cells.map((cell) => [cell.source.join(''), cell.outputs.map((output) => output.data?.['text/plain'].join('') ?? output.ename)])).toEqual([
      ['x = await new Promise((resolve) => setTimeout(() => resolve(41), 300))', ['41']],
      ['x + 1', ['42']],
      ['function f() {\n  return 2\n}', []],
      ['f() * 3', ['6']],
      ['nosuch', ['ReferenceError']],
    ]);
    expect(notebook.output().stdout).toContain('Uncaught ReferenceError: nosuch is not defined');
  }, 60_000);
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the notebook REPL in process', () => {
  const sink = () =>
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    });

  it('completes the library names with the tab key', async () => {
    const notebook = startNotebookRepl({ input: new PassThrough(), output: sink(), terminal: false, cwd: temp });
    try {
      const complete = (line: string) =>
        new Promise<[string[], string]>((resolve, reject) => notebook.server.completer(line, (error, result) => (error ? reject(error) : resolve(result as [string[], string]))));
      expect((await complete('exa'))[0]).toContain('examples');
      expect((await complete('run'))[0]).toContain('runs');
      expect((await complete('.sa'))[0]).toContain('save');
    } finally {
      notebook.server.close();
    }
  });

  it('keeps the history of a terminal session in the history file', async () => {
    const historyFile = path.join(temp, 'history');
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const notebook = startNotebookRepl({ input, output, terminal: true, cwd: temp, historyFile });
    input.write('1 + 2\r');
    await until(() => notebook.transcript.cells.length === 1);
    notebook.server.close();
    await notebook.closed;
    await until(() => fs.existsSync(historyFile) && fs.readFileSync(historyFile, 'utf8').length > 0);
    expect(fs.readFileSync(historyFile, 'utf8')).toBe('1 + 2');
    expect(notebook.transcript.cells.map((cell) => cell.outputs)).toEqual([[{ kind: 'result', text: '3' }]]);
  });
});

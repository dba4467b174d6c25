// `autodata notebook --script FILE --out FILE.md|FILE.ipynb`: the cells of a file (separated by
// lines `// %%`) run in order in the same session an interactive notebook has, with no terminal;
// the transcript is saved. The same script on the same runs gives the same bytes: the transcript
// holds no times or durations, and the bindings print paths relative to the folder it runs in.
// The first cell that fails ends the script; the transcript then holds it with its error.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { ConfigError } from '../../errors.ts';
import { startNotebookRepl } from './repl.ts';
import { saveTranscript, type CellOutput, type SavedTranscript } from './transcript.ts';

/** A line `// %%` (anything may follow, e.g. a title) starts a new cell. */
const CELL_MARKER = /^\/\/ ?%%.*$/;

/** The cells of a script: the text between markers, blank ones left out. */
export function splitCells(text: string): string[] {
  const cells: string[][] = [[]];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (CELL_MARKER.test(line)) cells.push([]);
    else cells.at(-1)!.push(line);
  }
  return cells.map((lines) => lines.join('\n').replace(/^\s*\n|\s+$/g, '')).filter((cell) => cell.trim().length > 0);
}

export interface ScriptResult {
  saved: SavedTranscript;
  cells: number;
  /** The cell that failed (1-based) and its error line; null when every cell ran. */
  failed: { cell: number; error: string } | null;
}

export async function runNotebookScript(scriptFile: string, outFile: string, options: { cwd?: string } = {}): Promise<ScriptResult> {
  const cwd = options.cwd ?? process.cwd();
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, scriptFile), 'utf8');
  } catch (error) {
    throw new ConfigError(scriptFile, `cannot read the script (${error instanceof Error ? error.message : String(error)})`);
  }
  const extension = path.extname(outFile).toLowerCase();
  if (extension !== '.md' && extension !== '.ipynb') throw new ConfigError(outFile, 'the transcript is written as FILE.md or FILE.ipynb');
  const cells = splitCells(text);
  const notebook = startNotebookRepl({ input: new PassThrough(), output: discard(), terminal: false, cwd });
  let failed: ScriptResult['failed'] = null;
  try {
    for (const [index, source] of cells.entries()) {
      if (await notebook.run(source)) continue;
      const error = notebook.transcript.cells.at(-1)?.outputs.find((output): output is Extract<CellOutput, { kind: 'error' }> => output.kind === 'error');
      failed = { cell: index + 1, error: error ? `${error.name}: ${error.message}` : 'failed' };
      break;
    }
  } finally {
    notebook.server.close();
  }
  return { saved: saveTranscript(notebook.transcript.cells, outFile, cwd), cells: notebook.transcript.cells.length, failed };
}

function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

// A notebook's transcript: every cell (one REPL input, or one `// %%` section of a script) with
// what it printed, its result, the pictures it wrote and its error; saved as Markdown or as a
// Jupyter notebook (nbformat 4.5). Nothing in either depends on when or where it ran: no times,
// no durations, pictures named after the transcript, paths as the cells printed them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { types } from 'node:util';
import { ConfigError } from '../../errors.ts';
import type { Picture } from './session.ts';

export type CellOutput =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'result'; text: string }
  | { kind: 'picture'; picture: Picture }
  | { kind: 'error'; name: string; message: string };

export interface TranscriptCell {
  source: string;
  outputs: CellOutput[];
}

export class Transcript {
  readonly cells: TranscriptCell[] = [];
  #current: TranscriptCell | null = null;

  /** A cell is being evaluated. */
  get running(): boolean {
    return this.#current !== null;
  }

  begin(source: string): void {
    this.#current = { source: source.replace(/\s+$/, ''), outputs: [] };
  }

  /** Drops the running cell (the REPL asked for more lines: it was not a whole cell yet). */
  discard(): void {
    this.#current = null;
  }

  /** Printed text; output that arrives after its cell finished goes to the last cell. */
  write(name: 'stdout' | 'stderr', text: string): void {
    const outputs = this.#target()?.outputs;
    if (!outputs || text.length === 0) return;
    const last = outputs.at(-1);
    if (last?.kind === 'stream' && last.name === name) last.text += text;
    else outputs.push({ kind: 'stream', name, text });
  }

  picture(picture: Picture): void {
    this.#target()?.outputs.push({ kind: 'picture', picture });
  }

  /** Ends the running cell with its result (shown as text; none for undefined) or its error. */
  finish(outcome: { result: string | undefined } | { error: unknown }): void {
    const cell = this.#current;
    if (!cell) return;
    this.#current = null;
    if ('error' in outcome) cell.outputs.push(errorOutput(outcome.error));
    else if (outcome.result !== undefined) cell.outputs.push({ kind: 'result', text: outcome.result });
    this.cells.push(cell);
  }

  #target(): TranscriptCell | undefined {
    return this.#current ?? this.cells.at(-1);
  }
}

/** A cell's error; one thrown in the REPL's context is of that context's realm, so no `instanceof Error`. */
function errorOutput(error: unknown): CellOutput {
  if (types.isNativeError(error) || (typeof error === 'object' && error !== null && 'message' in error)) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return { kind: 'error', name: typeof name === 'string' && name ? name : 'Error', message: String(message) };
  }
  return { kind: 'error', name: 'Error', message: String(error) };
}

/** `Uncaught TypeError: message`, as the REPL says it; no stack (it would name this machine's paths). */
export function errorLine(output: Extract<CellOutput, { kind: 'error' }>): string {
  return `Uncaught ${output.name}: ${output.message}`;
}

export interface SavedTranscript {
  file: string;
  /** Picture files written beside a Markdown transcript. */
  pictures: string[];
}

/** Writes CELLS to FILE (.md or .ipynb, by its extension). */
export function saveTranscript(cells: readonly TranscriptCell[], file: string, cwd = process.cwd()): SavedTranscript {
  const target = path.resolve(cwd, file);
  const extension = path.extname(target).toLowerCase();
  if (extension !== '.md' && extension !== '.ipynb') throw new ConfigError(file, 'a transcript is saved as FILE.md or FILE.ipynb');
  mkdirSync(path.dirname(target), { recursive: true });
  if (extension === '.ipynb') {
    writeFileSync(target, `${JSON.stringify(transcriptNotebook(cells), null, 1)}\n`);
    return { file: target, pictures: [] };
  }
  const markdown = transcriptMarkdown(cells, target, cwd);
  for (const picture of markdown.pictures) writeFileSync(picture.file, picture.bytes);
  writeFileSync(target, markdown.text);
  return { file: target, pictures: markdown.pictures.map((picture) => picture.file) };
}

/**
 * The cells as Markdown: each cell's code in a `js` fence, each text output in a `text` fence, each
 * picture as an image link to a file beside MD_FILE: the file the cell wrote when it is already
 * there with the same bytes, else a copy named `<md name>-<n>.<ext>` (the picture as the cell made
 * it, even if a later cell overwrote the file).
 */
export function transcriptMarkdown(
  cells: readonly TranscriptCell[],
  mdFile: string,
  cwd = process.cwd(),
): { text: string; pictures: Array<{ file: string; bytes: Buffer }> } {
  const folder = path.dirname(mdFile);
  const stem = path.basename(mdFile, path.extname(mdFile));
  const pictures: Array<{ file: string; bytes: Buffer }> = [];
  const blocks: string[] = [];
  for (const cell of cells) {
    blocks.push(fenced(cell.source, 'js'));
    for (const output of cell.outputs) {
      if (output.kind === 'stream') blocks.push(fenced(output.text.replace(/\n$/, ''), 'text'));
      else if (output.kind === 'result') blocks.push(fenced(output.text, 'text'));
      else if (output.kind === 'error') blocks.push(fenced(errorLine(output), 'text'));
      else {
        const { picture } = output;
        const original = path.resolve(cwd, picture.file);
        let name: string;
        if (path.dirname(original) === folder && existsSync(original) && readFileSync(original).equals(picture.bytes)) {
          name = path.basename(original);
        } else {
          name = `${stem}-${pictures.length + 1}${path.extname(picture.file).toLowerCase()}`;
          pictures.push({ file: path.join(folder, name), bytes: picture.bytes });
        }
        blocks.push(`![${escapeAlt(picture.file)}](${linkTarget(name)})`);
      }
    }
  }
  return { text: `${blocks.join('\n\n')}\n`, pictures };
}

/** A fence longer than any run of backticks inside, so the text cannot close it. */
function fenced(text: string, info: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

function escapeAlt(text: string): string {
  return text.replace(/[\\[\]]/g, (character) => `\\${character}`);
}

function linkTarget(name: string): string {
  return /[\s()<>]/.test(name) ? `<${name.replace(/[<>]/g, encodeURIComponent)}>` : name;
}

/** nbformat 4.5 notebook JSON (keys sorted as Jupyter writes them). */
export interface NotebookJson {
  cells: Array<Record<string, unknown>>;
  metadata: Record<string, unknown>;
  nbformat: 4;
  nbformat_minor: 5;
}

/**
 * The cells as a Jupyter notebook, nbformat 4.5: code cells with ids `cell-<n>` and execution
 * counts 1, 2, ...; printed text as `stream` outputs, results as `execute_result` text/plain,
 * pictures as `display_data` (PNG base64 under image/png, SVG text under image/svg+xml), errors
 * as `error` outputs whose traceback is the one-line message.
 */
export function transcriptNotebook(cells: readonly TranscriptCell[]): NotebookJson {
  return {
    cells: cells.map((cell, index) => {
      const count = index + 1;
      return {
        cell_type: 'code',
        execution_count: count,
        id: `cell-${count}`,
        metadata: {},
        outputs: cell.outputs.map((output) => notebookOutput(output, count)),
        source: lines(cell.source),
      };
    }),
    metadata: {
      language_info: { file_extension: '.js', mimetype: 'text/javascript', name: 'javascript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function notebookOutput(output: CellOutput, count: number): Record<string, unknown> {
  switch (output.kind) {
    case 'stream':
      return { name: output.name, output_type: 'stream', text: lines(output.text) };
    case 'result':
      return { data: { 'text/plain': lines(output.text) }, execution_count: count, metadata: {}, output_type: 'execute_result' };
    case 'error':
      return { ename: output.name, evalue: output.message, output_type: 'error', traceback: [errorLine(output)] };
    case 'picture': {
      const { picture } = output;
      const image = picture.mime === 'image/png' ? picture.bytes.toString('base64') : lines(picture.bytes.toString('utf8'));
      return { data: { [picture.mime]: image, 'text/plain': [picture.file] }, metadata: {}, output_type: 'display_data' };
    }
  }
}

/** A multi-line string as nbformat stores it: lines, each but the last keeping its newline. */
function lines(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=\n)/);
}

// A tiny aligned-columns renderer for terminal tables: text left-aligned, numbers right-aligned.
// Text cells may come from a model or a document (ids, reasons): escaped, so one cell stays one cell.
import { forTerminal } from '../util/terminal-text.ts';

export type Cell = string | number | null | undefined;

export interface TableOptions {
  /** Digits after the point for numbers that are not integers (default 3). */
  digits?: number;
  /** Text for an empty cell (default "-"). */
  empty?: string;
}

export function formatCell(cell: Cell, options: TableOptions = {}): string {
  if (cell === null || cell === undefined) return options.empty ?? '-';
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : cell.toFixed(options.digits ?? 3);
  return forTerminal(cell, 'line');
}

export function renderTable(headers: string[], rows: Cell[][], options: TableOptions = {}): string {
  const text = rows.map((row) => headers.map((_, column) => formatCell(row[column], options)));
  // Columns of numbers (or number-like text such as "0.65" or "12%") are right-aligned.
  const numberLike = (cell: Cell) => cell == null || typeof cell === 'number' || /^-?\d+(\.\d+)?%?$/.test(cell);
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => numberLike(row[column])));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => row[column]!.length)));
  const line = (cells: string[], alignNumbers: boolean) =>
    cells
      .map((cell, column) => (alignNumbers && numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers, true), widths.map((width) => '-'.repeat(width)).join('  '), ...text.map((row) => line(row, true))].join('\n');
}

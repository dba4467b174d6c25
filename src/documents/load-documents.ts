import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { compareIds, invalidIdReason, titleOf, type Document, type LoadedDocuments, type SkippedDocument } from './document.ts';

const TEXT_EXTENSIONS = new Set(['.txt', '.md']);

/**
 * Loads documents from a folder (every `.txt`/`.md` file, recursively; hidden files and folders
 * are ignored; id = file name without extension), a single `.txt`/`.md` file, or a `.jsonl` file
 * of `{ id, title, text }` per line. Bad entries are skipped with a reason; documents come back
 * sorted by id. When two entries share an id, the first (by path or line) wins.
 */
export function loadDocuments(source: string): LoadedDocuments {
  let stats;
  try {
    stats = statSync(source);
  } catch {
    throw new ConfigError(source, 'documents not found; pass a folder of .txt/.md files, a .jsonl file, or a sim: spec such as sim:cs?n=100&seed=0');
  }
  const collector = new DocumentCollector();
  if (stats.isDirectory()) {
    for (const file of listTextFiles(source)) collector.addFile(file);
  } else if (source.endsWith('.jsonl')) {
    loadJsonl(source, collector);
  } else if (TEXT_EXTENSIONS.has(path.extname(source))) {
    collector.addFile(source);
  } else {
    throw new ConfigError(source, 'unsupported documents file; pass a folder of .txt/.md files or a .jsonl file of {id, title, text}');
  }
  return collector.result();
}

class DocumentCollector {
  private readonly byId = new Map<string, Document>();
  private readonly skipped: SkippedDocument[] = [];

  skip(source: string, reason: string): void {
    this.skipped.push({ source, reason });
  }

  /** Adds `document` unless it is unusable; returns whether it was kept. */
  add(document: Document, reasonPrefix: string, describeDuplicate: (first: Document) => string): boolean {
    const reason = this.rejection(document, describeDuplicate);
    if (reason) {
      this.skip(document.source, reasonPrefix + reason);
      return false;
    }
    this.byId.set(document.id, document);
    return true;
  }

  private rejection(document: Document, describeDuplicate: (first: Document) => string): string | undefined {
    const badId = invalidIdReason(document.id);
    if (badId) return badId;
    if (document.text.trim() === '') return 'empty document';
    const first = this.byId.get(document.id);
    return first ? describeDuplicate(first) : undefined;
  }

  addFile(file: string): void {
    const decoded = decodeText(readFileSync(file));
    if (typeof decoded !== 'string') return this.skip(file, decoded.error);
    const id = path.basename(file, path.extname(file));
    const document = { id, title: titleOf(decoded), text: decoded, source: file };
    this.add(document, '', (first) => `duplicate id ${JSON.stringify(id)} (already loaded from ${first.source})`);
  }

  result(): LoadedDocuments {
    const documents = [...this.byId.values()].sort((a, b) => compareIds(a.id, b.id));
    return { documents, skipped: this.skipped };
  }
}

/** Every .txt/.md file under `folder`, sorted by path so duplicate handling is deterministic. */
function listTextFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...listTextFiles(full));
    else if (entry.isFile() && TEXT_EXTENSIONS.has(path.extname(entry.name))) files.push(full);
  }
  return files.sort(compareIds);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeText(bytes: Uint8Array): string | { error: string } {
  if (bytes.includes(0)) return { error: 'binary file (contains NUL bytes)' };
  try {
    return utf8.decode(bytes);
  } catch {
    return { error: 'not valid UTF-8 text' };
  }
}

function loadJsonl(file: string, collector: DocumentCollector): void {
  const bytes = readFileSync(file);
  const firstLineById = new Map<string, number>();
  let lineStart = 0;
  for (let lineNumber = 1; lineStart <= bytes.length; lineNumber += 1) {
    let lineEnd = bytes.indexOf(0x0a, lineStart);
    if (lineEnd === -1) lineEnd = bytes.length;
    const lineBytes = bytes.subarray(lineStart, lineEnd);
    lineStart = lineEnd + 1;
    const source = `${file}:${lineNumber}`;
    const decoded = decodeText(lineBytes);
    if (typeof decoded !== 'string') {
      collector.skip(source, `line ${lineNumber}: ${decoded.error}`);
      continue;
    }
    if (decoded.trim() === '') continue; // blank lines separate nothing; not an entry
    const parsed = parseEntry(decoded);
    if ('error' in parsed) {
      collector.skip(source, `line ${lineNumber}: ${parsed.error}`);
      continue;
    }
    const title = parsed.title.trim() === '' ? titleOf(parsed.text) : parsed.title.trim();
    const kept = collector.add({ id: parsed.id, title, text: parsed.text, source }, `line ${lineNumber}: `, () => {
      return `duplicate id ${JSON.stringify(parsed.id)} (first on line ${firstLineById.get(parsed.id)})`;
    });
    if (kept) firstLineById.set(parsed.id, lineNumber);
  }
}

function parseEntry(line: string): { id: string; title: string; text: string } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: 'expected a JSON object {id, title, text}' };
  }
  const entry = value as Record<string, unknown>;
  for (const field of ['id', 'title', 'text'] as const) {
    if (!(field in entry)) return { error: `missing field "${field}"` };
    if (typeof entry[field] !== 'string') return { error: `field "${field}" must be a string` };
  }
  return { id: entry.id as string, title: entry.title as string, text: entry.text as string };
}

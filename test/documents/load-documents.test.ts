import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDocuments, titleOf } from '../../src/documents/index.ts';
import { ConfigError } from '../../src/errors.ts';

let folder: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
});
afterEach(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

function write(relative: string, content: string | Buffer): string {
  const file = path.join(folder, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

describe('loadDocuments from a folder', () => {
  it('loads .txt and .md recursively, sorted by id, and skips bad files with a reason', () => {
    const paper = write('papers/zeta.md', '\uFEFF---\n\n# Sparse Attention, Revisited ##\n\nWe study things.\n');
    const notes = write('alpha.txt', '\n\n  Notes on caching  \nsecond line\n');
    write('papers/deep/beta.md', 'Beta body without heading\n## Later heading\n');
    const empty = write('empty.md', '  \n\t\n');
    const binary = write('binary.txt', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x14]));
    const latin1 = write('latin1.md', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const duplicate = write('papers/zz/zeta.txt', 'another zeta\n');
    write('.hidden.md', '# hidden\n');
    write('.git/HEAD.md', '# inside a hidden folder\n');
    write('figure.png', 'not text but not .txt either');

    const { documents, skipped } = loadDocuments(folder);
    expect(documents).toEqual([
      { id: 'alpha', title: 'Notes on caching', text: '\n\n  Notes on caching  \nsecond line\n', source: notes },
      { id: 'beta', title: 'Later heading', text: 'Beta body without heading\n## Later heading\n', source: path.join(folder, 'papers/deep/beta.md') },
      { id: 'zeta', title: 'Sparse Attention, Revisited', text: '---\n\n# Sparse Attention, Revisited ##\n\nWe study things.\n', source: paper },
    ]);
    expect(skipped).toEqual([
      { source: binary, reason: 'binary file (contains NUL bytes)' },
      { source: empty, reason: 'empty document' },
      { source: latin1, reason: 'not valid UTF-8 text' },
      { source: duplicate, reason: `duplicate id "zeta" (already loaded from ${paper})` },
    ]);
  });

  it('loads a single Markdown file', () => {
    const file = write('one.md', '# One\ntext');
    expect(loadDocuments(file)).toEqual({ documents: [{ id: 'one', title: 'One', text: '# One\ntext', source: file }], skipped: [] });
  });

  it('names a missing path in one line', () => {
    const missing = path.join(folder, 'no-such-corpus');
    expect(() => loadDocuments(missing)).toThrow(ConfigError);
    expect(() => loadDocuments(missing)).toThrow(
      `${missing}: documents not found; pass a folder of .txt/.md files, a .jsonl file, or a sim: spec such as sim:cs?n=100&seed=0`,
    );
  });

  it('refuses a file type it cannot read', () => {
    const file = write('corpus.csv', 'id,text\n');
    expect(() => loadDocuments(file)).toThrow(`${file}: unsupported documents file; pass a folder of .txt/.md files or a .jsonl file of {id, title, text}`);
  });
});

describe('loadDocuments from JSONL', () => {
  it('keeps good lines and skips bad ones, naming each line', () => {
    const lines = [
      JSON.stringify({ id: 'p2', title: 'Second', text: 'Body two' }),
      '{"id": "p1", "title": "First", "text": "Body one",}',
      JSON.stringify({ id: 'p3', text: 'no title' }),
      '',
      JSON.stringify({ id: 4, title: 'Numeric id', text: 'x' }),
      JSON.stringify({ id: 'p5', title: 'Blank', text: '   ' }),
      JSON.stringify({ id: 'p2', title: 'Again', text: 'Body again' }),
      JSON.stringify(['p6', 'Array', 'text']),
      JSON.stringify({ id: 'p7', title: '  ', text: '# Derived title\nbody', extra: true }),
      JSON.stringify({ id: '../escape', title: 'Sneaky', text: 'body' }),
    ];
    const file = write('corpus.jsonl', Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), Buffer.from([0xff, 0xfe, 0x0a])]));
    const { documents, skipped } = loadDocuments(file);
    expect(documents).toEqual([
      { id: 'p2', title: 'Second', text: 'Body two', source: `${file}:1` },
      { id: 'p7', title: 'Derived title', text: '# Derived title\nbody', source: `${file}:9` },
    ]);
    expect(skipped).toEqual([
      { source: `${file}:2`, reason: 'line 2: not valid JSON' },
      { source: `${file}:3`, reason: 'line 3: missing field "title"' },
      { source: `${file}:5`, reason: 'line 5: field "id" must be a string' },
      { source: `${file}:6`, reason: 'line 6: empty document' },
      { source: `${file}:7`, reason: 'line 7: duplicate id "p2" (first on line 1)' },
      { source: `${file}:8`, reason: 'line 8: expected a JSON object {id, title, text}' },
      {
        source: `${file}:10`,
        reason: 'line 10: id "../escape" cannot be used as a file name (no slashes, control characters, surrounding spaces, "." or "..")',
      },
      { source: `${file}:11`, reason: 'line 11: not valid UTF-8 text' },
    ]);
  });
});

describe('titleOf', () => {
  it('prefers the first heading, else the first non-empty line', () => {
    expect(titleOf('intro line\n# Heading\n')).toBe('Heading');
    expect(titleOf('\n   \n  plain first line \nnext')).toBe('plain first line');
    expect(titleOf('#hashtag is not a heading\n')).toBe('#hashtag is not a heading');
    expect(titleOf('')).toBe('');
  });
});

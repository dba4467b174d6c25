// A file name comes from disk, not from us: it can hold ESC sequences, bidi overrides or a newline.
// When such a document is skipped, `split` and `generate` name it on the terminal; they must show
// those characters as visible escapes, while --json keeps the exact path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSimCorpus } from '../../src/sim/index.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;

// ESC [2J clears the screen; U+202E reverses what follows; a newline would forge a second line.
const BINARY_NAME = 'clear\u001b[2J\u202eexe.txt';
const NEWLINE_NAME = 'two\nlines.md';
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let folder: string;
let documentsDir: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-skipped-names-'));
  documentsDir = path.join(folder, 'documents');
  fs.mkdirSync(documentsDir);
  for (const document of generateSimCorpus({ n: 2, seed: 3 })) fs.writeFileSync(path.join(documentsDir, `${document.id}.md`), document.text);
  fs.writeFileSync(path.join(documentsDir, BINARY_NAME), Buffer.from([0, 0x1b, 0x5b, 0x32, 0x4a, 0]));
  fs.writeFileSync(path.join(documentsDir, NEWLINE_NAME), '  \n');
});
afterEach(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The escaped spelling forTerminal(…, 'line') gives each hostile name. */
const shownBinary = 'clear\\x1b[2J\\u202eexe.txt';
const shownNewline = 'two\\nlines.md';
const badIdReason = 'id "two\\nlines" cannot be used as a file name (no slashes, control characters, surrounding spaces, "." or "..")';

describe('skipped documents with hostile file names', () => {
  it('split names them escaped on stderr and exactly in --json', () => {
    const splitFile = path.join(folder, 'split.json');
    const result = run(['split', '--documents', documentsDir, '--seed', '0', '--train', '0', '--validation', '2', '--out', splitFile, '--json']);

    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(TERMINAL_CONTROL);
    // Sorted by path: "clear…" before "two…"; one line each, the newline in the name shown as \n.
    expect(result.stderr).toBe(
      `skipped ${documentsDir}/${shownBinary}: binary file (contains NUL bytes)\n` + `skipped ${documentsDir}/${shownNewline}: ${badIdReason}\n`,
    );
    const summary = JSON.parse(result.stdout) as { skipped: Array<{ source: string; reason: string }> };
    expect(summary.skipped.map((entry) => entry.source)).toEqual([path.join(documentsDir, BINARY_NAME), path.join(documentsDir, NEWLINE_NAME)]);
  });

  it('generate names them escaped in its warnings and in the summary it prints', () => {
    const splitFile = path.join(folder, 'split.json');
    expect(run(['split', '--documents', documentsDir, '--seed', '0', '--train', '0', '--validation', '2', '--out', splitFile]).status).toBe(0);

    // The test part of this split is empty: generate loads the documents, warns and prints its summary
    // without running the inner loop, which has nothing to do with how skipped names are shown.
    const result = run(['generate', '--split', splitFile, '--part', 'test', '--out', path.join(folder, 'run')]);

    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(result.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(result.stderr).toContain(`skipped ${documentsDir}/${shownBinary}: binary file (contains NUL bytes)\n`);
    expect(result.stderr).toContain(`skipped ${documentsDir}/${shownNewline}: ${badIdReason}\n`);
    expect(result.stdout).toContain(
      '2 document(s) skipped when loading:\n' +
        `  ${documentsDir}/${shownBinary}: binary file (contains NUL bytes)\n` +
        `  ${documentsDir}/${shownNewline}: ${badIdReason}\n`,
    );
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSimCorpus } from '../../src/sim/index.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;

const filler = (chars: number) => 'Batching reduces latency because fewer requests wait in the queue. '.repeat(Math.ceil(chars / 68)).slice(0, chars);

describe('autodata generate --long-documents', () => {
  it('prints how many documents were truncated to fit a window and how many were skipped, and exits 0', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-long-cli-'));
    const documentsDir = path.join(dir, 'documents');
    fs.mkdirSync(documentsDir);
    const [short, long] = generateSimCorpus({ n: 2, seed: 5 });
    fs.writeFileSync(path.join(documentsDir, 'short.md'), short!.text);
    const appendix = Array.from({ length: 8 }, (_, index) => `## Appendix ${index + 1}\n\n${filler(3000)}\n`).join('\n');
    fs.writeFileSync(path.join(documentsDir, 'long.md'), `${long!.text.trimEnd()}\n\n${appendix}`);
    fs.writeFileSync(path.join(documentsDir, 'plain.txt'), filler(30_000));
    const endpointsFile = path.join(dir, 'endpoints.json');
    fs.writeFileSync(
      endpointsFile,
      JSON.stringify({
        defaults: { baseURL: 'sim://local/v1', model: 'sim-agent', timeoutMs: 5000, retryBaseDelayMs: 50 },
        weakSolver: { model: 'sim-weak' },
        strongSolver: { model: 'sim-strong' },
        challenger: { contextWindow: 12000 },
        qualityVerifier: { contextWindow: 16000 },
      }),
    );
    const splitFile = path.join(dir, 'split.json');
    const run = (args: string[]) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    run(['split', '--documents', documentsDir, '--seed', '0', '--train', '0', '--validation', '3', '--out', splitFile]);

    const truncated = run(['generate', '--split', splitFile, '--endpoints', endpointsFile, '--out', path.join(dir, 'run-truncate')]);
    expect(truncated).toContain("documents 2, accepted");
    expect(truncated).toContain("context windows: 1 document truncated to fit challenger's 12000-token window, 1 skipped (too long for the context window)");
    expect(truncated).toMatch(/1 document\(s\) skipped, never sent to a model[^\n]*\n {2}plain: too-long-for-context: /);

    const skipped = JSON.parse(
      run(['generate', '--split', splitFile, '--endpoints', endpointsFile, '--long-documents', 'skip', '--out', path.join(dir, 'run-skip'), '--json']),
    ) as { evaluation: { summary: { documents: number; skipped: number; documentFit: string } } };
    expect(skipped.evaluation.summary).toMatchObject({ documents: 1, skipped: 2, documentFit: '2 documents skipped (too long for the context window)' });
  }, 120_000);
});

// The exit code says whether the job did its work (src/cli/exit-codes.ts, README "Exit codes"):
// 0 every document reached a verdict; 3 halted by infrastructure (resumable, with the command that
// continues); 4 finished, but some documents ended on an infrastructure error.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimServer } from '../src/sim/index.ts';

const bin = new URL('../bin/autodata.js', import.meta.url).pathname;
const repoRoot = new URL('..', import.meta.url).pathname;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-exit-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Runs the CLI asynchronously (the test process may be serving its endpoint meanwhile). */
function autodata(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

function endpointsFile(name: string, baseURL: string, settings: Record<string, unknown> = {}): string {
  const file = path.join(temp, `${name}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      defaults: { baseURL, model: 'sim-agent', maxRetries: 0, timeoutMs: 5000, ...settings },
      weakSolver: { model: 'sim-weak' },
      strongSolver: { model: 'sim-strong' },
    }),
  );
  return file;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('exit codes', () => {
  it('0 when every document reached a verdict', async () => {
    const result = await autodata(['generate', '--limit', '2', '--out', path.join(temp, 'clean')]);
    expect(result.stderr).not.toContain('error');
    expect(result.stdout).toMatch(/^documents 2, accepted \d, pass rate /);
    expect(result.status).toBe(0);
  }, 60_000);

  it('3 with the line that continues the job when every endpoint is unreachable', async () => {
    const port = await closedPort();
    const endpoints = endpointsFile('dead', `http://127.0.0.1:${port}/v1`);
    const out = path.join(temp, 'dead-run');
    const result = await autodata(['generate', '--endpoints', endpoints, '--limit', '3', '--out', out]);
    expect(result.status).toBe(3);
    const lines = result.stderr.trim().split('\n').filter((line) => !line.startsWith('generate '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^error: the mainAgent endpoint http://127\\.0\\.0\\.1:${port}/v1 \\(sim-agent\\) failed 5 calls in a row \\(last error: .*ECONNREFUSED.*\\); check it with \`autodata doctor\`, then resume$`),
    );
    expect(lines[1]).toBe(`continue with: autodata generate --endpoints ${endpoints} --limit 3 --out ${out}`);
    // No verdict was recorded for a document the outage touched.
    const db = new Database(path.join(out, 'run.sqlite'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM document_result').get()).toEqual({ n: 0 });
    db.close();
  }, 60_000);

  it('4 when some documents ended on an infrastructure error, and a rerun without the fault retries only those', async () => {
    // Half of the weak solver's requests fail (HTTP 500, no retry); the breaker is set out of reach,
    // so documents whose rounds keep losing their weak stage end with an error instead of a verdict.
    const faulty = await startSimServer({ seed: 0, faults: [{ kind: '500', rate: 0.5, models: ['sim-weak'] }] });
    const out = path.join(temp, 'lossy-run');
    let first: Awaited<ReturnType<typeof autodata>>;
    try {
      // Every attempt in parallel (--no-early-stop): a round then loses its weak stage whenever one of its
      // attempts runs out of tries, whatever order the documents' requests reach the server in.
      first = await autodata(['generate', '--endpoints', endpointsFile('lossy', faulty.baseURL, { maxConsecutiveFailures: 1000 }), '--limit', '6', '--out', out, '--json', '--no-early-stop']);
    } finally {
      await faulty.close();
    }
    expect(first.status).toBe(4);
    const summary = JSON.parse(first.stdout).evaluation.summary as { documents: number; completed: number; errored: number; accepted: number; passRate: number | null };
    expect(summary.errored).toBeGreaterThan(0);
    expect(summary.completed).toBeGreaterThan(0);
    expect(summary.completed + summary.errored).toBe(6);
    expect(summary.passRate).toBe(summary.accepted / summary.completed);
    expect(first.stderr).toContain(`${summary.errored} of 6 document(s) ended on an infrastructure error (no verdict); rerun the same command to retry them`);

    const healthy = await startSimServer({ seed: 0 });
    try {
      // The same command once the endpoint is healthy again (same endpoints file, now on the new server).
      const second = await autodata(['generate', '--endpoints', endpointsFile('lossy', healthy.baseURL), '--limit', '6', '--out', out, '--json', '--no-early-stop']);
      expect(second.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('generate '))).toEqual([]);
      expect(second.status).toBe(0);
      const result = JSON.parse(second.stdout) as { reused: number; evaluation: { summary: { completed: number; errored: number } } };
      expect(result.reused).toBe(summary.completed);
      expect(result.evaluation.summary).toMatchObject({ completed: 6, errored: 0 });
    } finally {
      await healthy.close();
    }
  }, 120_000);
});

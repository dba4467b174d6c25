import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { documentResultSchema } from '../../src/inner/index.ts';
import { loopResponder } from '../support/loop-responder.ts';
import { startScriptedEndpoint, type ScriptedEndpoint, type ScriptedRequest } from '../support/scripted-endpoint.ts';

let endpoint: ScriptedEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

describe('result.json', () => {
  it('survives a kill -9 in the middle of a document with every finished round in it', async () => {
    const inner = loopResponder({ runSeed: 3, rounds: [{ weak: [0.9, 0.9, 0.9] }] });
    let secondRoundStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (secondRoundStarted = resolve));
    endpoint = await startScriptedEndpoint((request: ScriptedRequest) => {
      if (request.role === 'challenger' && inner.challengerCalls() === 1) {
        // Round 1 is on disk before round 2's challenger is called; hold this reply until the kill.
        secondRoundStarted();
        return new Promise(() => {});
      }
      return inner(request);
    });
    const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('../support/run-document-child.ts', import.meta.url).pathname, endpoint.baseURL, resultsDir],
      { stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await started;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(fs.readdirSync(resultsDir)).toEqual(['doc-1.json']);
    const result = documentResultSchema.parse(JSON.parse(fs.readFileSync(path.join(resultsDir, 'doc-1.json'), 'utf8')));
    expect(result.finished).toBe(false);
    expect(result.total_rounds).toBe(1);
    expect(result.rounds[0]).toMatchObject({ round: 1, failure_reason: 'too-easy', accepted: false });
    expect(result.rounds[0]!.weak?.scores).toEqual([0.9, 0.9, 0.9]);
  });
});

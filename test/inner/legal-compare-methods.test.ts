// `autodata compare-methods` on the legal split: the paper's legal pattern on the sim. CoT questions
// are too hard for the weak solver (low weak mean, wide gap); the judge-decided loop finds
// learnable ones (higher weak mean, narrower gap, several rounds) whose weak rollouts disagree more.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

interface Row {
  method: string;
  orchestrator: string;
  basis: string;
  examples: number;
  weakMean: number;
  gap: number;
  weakSpread: number;
  rounds: number;
  summary: { falseAcceptanceClaims: number; failureReasons: Record<string, number> };
}

describe('compare-methods: legal CoT against the judge-decided loop (6 validation documents of splits/sim-legal.json)', () => {
  const run = (json: boolean) =>
    execFileSync(
      process.execPath,
      [path.join(root, 'bin/autodata.js'), 'compare-methods', '--methods', 'legal-cot-self-instruct,legal-self-instruct', '--split', 'splits/sim-legal.json', '--limit', '6', ...(json ? ['--json'] : [])],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );

  it('shows CoT too hard for the weak solver and the loop finding learnable questions', () => {
    const report = JSON.parse(run(true)) as { simulated: boolean; documents: number; methods: Row[] };
    expect(report.simulated).toBe(true);
    const [cot, loop] = report.methods as [Row, Row];
    expect([cot.method, cot.orchestrator, cot.basis]).toEqual(['legal-cot-self-instruct', 'single-shot', 'QV-passed examples']);
    expect([loop.method, loop.orchestrator, loop.basis]).toEqual(['legal-self-instruct', 'judge-loop', 'accepted examples']);
    expect(cot.examples).toBeGreaterThan(3);
    expect(loop.examples).toBeGreaterThan(3);
    // The paper: weak 0.159 -> 0.283, gap 0.558 -> 0.415, 4.98 rounds, more variance among weak rollouts.
    expect(cot.weakMean).toBeLessThan(0.22);
    expect(loop.weakMean).toBeGreaterThan(cot.weakMean + 0.08);
    expect(loop.gap).toBeLessThan(cot.gap);
    expect(loop.weakSpread).toBeGreaterThan(cot.weakSpread);
    expect(loop.rounds).toBeGreaterThan(2);
    expect(loop.summary.failureReasons['loop-improve']).toBeGreaterThan(0);
  });

  it('prints the table with the weak spread row', () => {
    const text = run(false);
    expect(text).toMatch(/^weak spread \(sd within question\)\s+\d\.\d{3}\s+\d\.\d{3}$/m);
    expect(text).toContain('legal-self-instruct (judge-loop): means over');
  });
});

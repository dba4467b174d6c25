// The baseline prompts put what many calls share first, so a prefix-caching server computes it
// once: the document opens the challenger's and the quality verifier's prompts (the same text in
// both), and the judge sees the question, rubric and instructions before the one answer it grades.
import { describe, expect, it } from 'vitest';
import { loadHarness } from '../../src/harness/load-harness.ts';
import { renderPrompt } from '../../src/harness/render-prompt.ts';
import { BASELINES } from './helpers.ts';

const DOCUMENT = { title: 'Queues Under Load', text: 'A long paper body about queueing delay under bursty load.\n\n## Results\nTail latency grows fast past 80% use.' };

function sharedPrefix(first: string, second: string): string {
  let length = 0;
  while (length < first.length && first[length] === second[length]) length += 1;
  return first.slice(0, length);
}

describe.each(['agentic-self-instruct', 'cot-self-instruct', 'verifiable-self-instruct'])('%s prompt order', (name) => {
  const harness = loadHarness(`${BASELINES}${name}`);
  const document = (role: 'challenger' | 'qualityVerifier', values: Record<string, string>) =>
    renderPrompt(harness, role, { document: DOCUMENT.text, ...values }, { document: { title: DOCUMENT.title } });

  it('opens the challenger and the quality verifier with the same document, before any text that varies', () => {
    const first = document('challenger', { feedback: 'No earlier attempts.' });
    const later = document('challenger', { feedback: 'TOO EASY: 1. (round 1) Why does the tail grow?' });
    const verifier = document('qualityVerifier', { example: '{"question": "Why?"}' });
    const rendered = `<document title="${DOCUMENT.title}">\n${DOCUMENT.text}\n</document>`;
    expect(sharedPrefix(first, verifier).startsWith(rendered)).toBe(true);
    // The feedback comes after every instruction of the challenger; the example after the verifier's checks.
    expect(sharedPrefix(first, later).length).toBe(first.indexOf('<feedback>') + '<feedback>\n'.length);
    expect(verifier.indexOf('<example>')).toBeGreaterThan(verifier.indexOf('## Verdict'));
  });

  it('shows the judge the question and what it grades against before the answer, which is last', () => {
    const values: Record<string, string> =
      harness.settings.mode === 'verifiable' ? { question: 'Q?', reference_answer: '3/4' } : { question: 'Q?', rubric: '[{"index": 1}]' };
    const one = renderPrompt(harness, 'judge', { ...values, answer: 'First answer.' });
    const two = renderPrompt(harness, 'judge', { ...values, answer: 'Second answer.' });
    expect(sharedPrefix(one, two).length).toBe(one.indexOf('<answer>') + '<answer>\n'.length);
    expect(one.trimEnd().endsWith('</answer>')).toBe(true);
  });
});

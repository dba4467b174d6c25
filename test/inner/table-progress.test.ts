import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/report/progress.ts';
import { renderTable } from '../../src/report/table.ts';

describe('renderTable', () => {
  it('aligns text left and numbers right, with a rule under the header', () => {
    const table = renderTable(['metric', 'value'], [
      ['weak mean', '0.458'],
      ['rounds', 12],
      ['gap', null],
    ]);
    expect(table.split('\n')).toEqual(['metric     value', '---------  -----', 'weak mean  0.458', 'rounds        12', 'gap            -']);
  });
});

describe('createProgress', () => {
  it('prints a plain line about every 10% when the stream is not a terminal', () => {
    const stream = new PassThrough();
    let output = '';
    stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const progress = createProgress({ total: 20, label: 'generate', stream });
    for (let index = 0; index < 20; index += 1) progress.tick({ accepted: index + 1 });
    progress.stop();
    const lines = output.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('generate: 2/20 (10%) accepted=2');
    expect(lines.at(-1)).toBe('generate: 20/20 (100%) accepted=20');
  });
});

import { describe, expect, it } from 'vitest';
import { renderCurve } from '../../src/report/curve.ts';

describe('renderCurve', () => {
  it('plots the best pass rate per iteration with a summary line', () => {
    const text = renderCurve(
      [
        { iteration: 0, best: 0.6 },
        { iteration: 1, best: 0.6 },
        { iteration: 2, best: 0.72 },
        { iteration: 3, best: 0.68 },
      ],
      { height: 4, width: 8 },
    );
    const lines = text.split('\n');
    expect(lines).toHaveLength(7); // height + 1 rows, the axis, the summary
    expect(lines[0]).toMatch(/^ +0\.720 ┤/);
    expect(lines[4]).toMatch(/^ +0\.600 ┼/);
    expect(lines.at(-1)).toBe('best validation pass rate: 0.600 at iteration 0 -> 0.680 at iteration 3 (highest 0.720 at iteration 2)');
  });

  it('buckets a long run into the given width, keeping each bucket best', () => {
    const samples = Array.from({ length: 233 }, (_, iteration) => ({ iteration, best: 0.6 + (0.2 * iteration) / 232 }));
    const lines = renderCurve(samples, { height: 5, width: 50 }).split('\n');
    // Six plot rows, each a 7-character label, the axis character and 50 columns.
    expect(lines.slice(0, 6).map((line) => line.length)).toEqual([58, 58, 58, 58, 58, 58]);
    expect(lines.at(-1)).toBe('best validation pass rate: 0.600 at iteration 0 -> 0.800 at iteration 232');
  });

  it('says so when nothing is recorded', () => {
    expect(renderCurve([])).toBe('no iterations recorded yet');
  });
});

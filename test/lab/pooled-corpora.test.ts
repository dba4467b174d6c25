// `sim calibrate --corpus-seed 11,19`: the validation papers of several redrawn corpora, pooled, so a
// target is judged on more unseen papers than one 25-document draw.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatCalibrationTable, runCalibration } from '../../src/lab/calibrate.ts';
import { pooledValidationDocuments, validationDocuments } from '../../src/lab/lab-episodes.ts';

const bin = new URL('../../bin/autodata.js', import.meta.url).pathname;

describe('pooled corpora', () => {
  it('one seed is the redrawn corpus as it was; several are concatenated with distinct ids', () => {
    expect(pooledValidationDocuments([7], undefined, 4)).toEqual(validationDocuments(undefined, 4, 7));
    const pooled = pooledValidationDocuments([3, 7], undefined, 4);
    expect(pooled).toHaveLength(8);
    expect(new Set(pooled.map((document) => document.id)).size).toBe(8);
    expect(pooled.map((document) => document.id).slice(0, 2)).toEqual(validationDocuments(undefined, 2, 3).map((document) => `${document.id}@c3`));
    expect(pooled.map((document) => document.text)).toEqual([...validationDocuments(undefined, 4, 3), ...validationDocuments(undefined, 4, 7)].map((document) => document.text));
  });

  it('a calibration over pooled corpora runs every document and says which corpora', async () => {
    const report = await runCalibration({ seeds: 1, documentLimit: 2, corpusSeeds: [3, 7], skipHarmful: true });
    expect(report.documents).toBe(4);
    expect(report.corpusSeeds).toEqual([3, 7]);
    expect(formatCalibrationTable(report).split('\n')[0]).toBe('sim calibration: 4 validation documents (corpus seeds 3, 7, pooled) x 1 seeds');
    // Every pooled episode counts: 4 documents x 1 seed behind the baseline's pass rate.
    const baseline = report.targets.find((target) => target.name === 'baseline validation pass rate')!;
    expect(baseline.interval).not.toBeNull();
  }, 60_000);

  it('refuses a malformed seed list with one line and exit 1', () => {
    const result = spawnSync(process.execPath, [bin, 'sim', 'calibrate', '--no-legal', '--corpus-seed', '3,x'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('error: --corpus-seed: "3,x" must be a whole number or a comma list of distinct ones, e.g. 11,19,23');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { curveChartSpec, type ChartSeries, type CurveChart } from '../../src/report/chart-spec.ts';
import { chartToSvg, svgToPng, writeChart } from '../../src/report/render-chart.ts';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'autodata-chart-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

function arm(label: string, means: number[]): ChartSeries {
  const points = means.map((y, iteration) => ({ x: iteration, iteration, y, low: y - 0.08, high: Math.min(1, y + 0.08), n: 3, accepted: false }));
  return { label, kind: 'arm', seeds: 3, points, test: { x: points.length - 1, passRate: means.at(-1)! - 0.05, n: 3 } };
}
const chart: CurveChart = {
  title: 'Ablation demo: best validation pass rate, mean across 3 seeds',
  subtitle: ['band: 95% Student t interval'],
  x: 'iteration',
  series: [arm('a1: outer.parentSelection.kind=greedy', [0.3, 0.4, 0.4, 0.55, 0.6]), arm('a2: outer.parentSelection.kind=boltzmann', [0.3, 0.35, 0.5, 0.5, 0.52])],
};
const size = { width: 600, height: 400 };

/** Width and height from a PNG's IHDR chunk (the first chunk, right after the 8-byte signature). */
function ihdr(png: Buffer): { width: number; height: number } {
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function nonWhitePixels(png: Buffer): number {
  const image = PNG.sync.read(png);
  let count = 0;
  for (let offset = 0; offset < image.data.length; offset += 4) {
    const [r, g, b, a] = [image.data[offset]!, image.data[offset + 1]!, image.data[offset + 2]!, image.data[offset + 3]!];
    if (a > 0 && (r < 200 || g < 200 || b < 200)) count += 1;
  }
  return count;
}

describe('rendering a chart headless', () => {
  it('makes an SVG that is valid XML, has paths, and is exactly the size asked for', async () => {
    const svg = await chartToSvg(curveChartSpec(chart, size));
    expect(XMLValidator.validate(svg)).toBe(true);
    const root = new XMLParser({ ignoreAttributes: false }).parse(svg).svg as Record<string, unknown>;
    expect(root['@_width']).toBe('600');
    expect(root['@_height']).toBe('400');
    expect((svg.match(/<path /g) ?? []).length).toBeGreaterThan(5);
    expect(svg).toContain('a2: outer.parentSelection.kind=boltzmann');
    expect(svg).toContain('best validation pass rate');
  });

  it('rasterizes to a PNG of twice the size that is not blank', async () => {
    const png = svgToPng(await chartToSvg(curveChartSpec(chart, size)));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(ihdr(png)).toEqual({ width: 1200, height: 800 });
    expect(nonWhitePixels(png)).toBeGreaterThan(5000);
  });

  it('draws text (resvg found a font)', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/><text x="5" y="30" font-family="sans-serif" font-size="24">pass rate</text></svg>';
    expect(nonWhitePixels(svgToPng(svg, { scale: 1 }))).toBeGreaterThan(100);
  });

  it('writes FILE.png or FILE.svg with the spec beside it as FILE.vl.json, and refuses other extensions', async () => {
    const spec = curveChartSpec(chart, size);
    const written = await writeChart(spec, path.join(folder, 'curve.png'));
    expect(written).toEqual({ image: path.join(folder, 'curve.png'), spec: path.join(folder, 'curve.vl.json') });
    expect(ihdr(fs.readFileSync(written.image))).toEqual({ width: 1200, height: 800 });
    expect(JSON.parse(fs.readFileSync(written.spec, 'utf8'))).toEqual(JSON.parse(JSON.stringify(spec)));
    const svg = await writeChart(spec, path.join(folder, 'new', 'curve.svg'));
    expect(fs.readFileSync(svg.image, 'utf8')).toMatch(/^<svg /);
    await expect(writeChart(spec, path.join(folder, 'curve.jpg'))).rejects.toThrow(/\.svg or \.png/);
  });
});

// Renders a Vega-Lite spec headless: Vega-Lite -> Vega -> SVG through a Vega View with no renderer
// (no browser, no canvas), then SVG -> PNG with resvg (a Rust rasterizer shipped prebuilt in its npm
// package). resvg draws text only with fonts it can load: it loads the system's, and the generic
// `sans-serif` Vega writes is mapped to a family this Debian image has (fonts-dejavu-core).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ConfigError } from '../errors.ts';

export const CHART_FONT_FAMILY = 'DejaVu Sans';

export async function chartToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes an SVG; `scale` 2 gives a sharp image at twice the SVG's size. */
export function svgToPng(svg: string, options: { scale?: number; fontFamily?: string } = {}): Buffer {
  const family = options.fontFamily ?? CHART_FONT_FAMILY;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family },
  });
  return resvg.render().asPng();
}

export interface WrittenChart {
  image: string;
  spec: string;
}

/** `FILE.svg` or `FILE.png` -> the image there and the spec beside it as `FILE.vl.json`. */
export async function writeChart(spec: TopLevelSpec, file: string): Promise<WrittenChart> {
  const extension = path.extname(file).toLowerCase();
  if (extension !== '.svg' && extension !== '.png') throw new ConfigError(file, 'the chart file must end in .svg or .png');
  const svg = await chartToSvg(spec);
  const specFile = `${file.slice(0, -extension.length)}.vl.json`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, extension === '.svg' ? svg : svgToPng(svg));
  writeFileSync(specFile, `${JSON.stringify(spec, null, 2)}\n`);
  return { image: file, spec: specFile };
}

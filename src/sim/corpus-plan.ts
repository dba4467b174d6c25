// The numbers behind a simulated paper: topic, components, scores, ablations, sweeps. Every number
// is rounded once here, so the rendered sentences quote exactly what the tables show.
import type seedrandom from 'seedrandom';
import { NAME_STEMS, TOPICS, type Component, type Topic } from './corpus-topics.ts';

export type Rng = seedrandom.PRNG;

export interface PaperPlan {
  topic: Topic;
  method: string;
  components: Component[];
  datasets: string[];
  baselines: string[];
  /** scores[row][dataset]; rows = baselines then the method. */
  scores: number[][];
  best: number; // index of the strongest baseline
  mainDataset: number; // largest margin
  weakDataset: number; // smallest margin
  ablation: number[]; // the method without each component, on the main dataset
  sweep: number[]; // main component's knob sweep, on the main dataset
  saturationIndex: number;
  scaleMargins: number[];
  costOverheadPercent: number;
  budgetMargin: number;
  stressGain: number;
}

export function planPaper(rng: Rng): PaperPlan {
  const topic = pick(TOPICS, rng);
  const components = shuffle(topic.components, rng).slice(0, 3);
  const datasets = shuffle(topic.datasets, rng).slice(0, 3);
  const baselines = shuffle(topic.baselines, rng);
  const { low, high, higherIsBetter } = topic.metric;
  const span = high - low;
  const weakDataset = Math.floor(rng() * datasets.length);
  // Scores are planned as "goodness" (higher is better) and mirrored around each dataset's base
  // for lower-is-better metrics, so margins keep their size either way.
  const bases = datasets.map(() => low + span * (0.15 + 0.45 * rng()));
  const display = (goodness: number, dataset: number) =>
    round1(higherIsBetter ? goodness : Math.max(1, 2 * (bases[dataset] ?? 0) - goodness));
  const goodness: number[][] = baselines.map(() => []);
  const methodRow: number[] = [];
  const margins: number[] = [];
  for (const [dataset, base] of bases.entries()) {
    let score = base;
    for (const row of goodness.keys()) {
      goodness[row]?.push(score);
      score -= span * (0.02 + 0.06 * rng());
    }
    const gainFraction = dataset === weakDataset ? 0.004 + 0.01 * rng() : 0.05 + 0.12 * rng();
    methodRow.push(base + span * gainFraction);
    margins.push(span * gainFraction);
  }
  goodness.push(methodRow);
  const scores = goodness.map((row) => row.map((value, dataset) => display(value, dataset)));
  const mainDataset = margins.indexOf(Math.max(...margins));
  const gain = margins[mainDataset] ?? 0;
  const full = methodRow[mainDataset] ?? 0;
  const shares = [0.55 + 0.25 * rng(), 0.15 + 0.2 * rng(), 0.04 + 0.1 * rng()];
  const ablation = components.map((_, k) => display(full - gain * (shares[k] ?? 0.1), mainDataset));
  // Saturates at the 2nd or 3rd setting; the 3rd is the default used in the main table.
  const saturationIndex = 1 + Math.floor(rng() * 2);
  const sweep = components[0]!.knobValues.map((_, step) => {
    const missing = step >= saturationIndex ? 0 : gain * 0.5 * ((saturationIndex - step) / saturationIndex);
    const jitter = step > 2 ? span * 0.002 * (rng() - 0.5) : 0;
    return display(full - missing + jitter, mainDataset);
  });
  const smallestMargin = gain * (0.25 + 0.2 * rng());
  const middleMargin = smallestMargin + gain * (0.3 + 0.3 * rng());
  return {
    topic,
    method: methodName(topic, rng),
    components,
    datasets,
    baselines,
    scores,
    best: 0, // baseline rows are generated strongest first
    mainDataset,
    weakDataset,
    ablation,
    sweep,
    saturationIndex,
    scaleMargins: [smallestMargin, middleMargin, middleMargin + gain * (0.3 + 0.5 * rng())].map(round1),
    costOverheadPercent: Math.round(12 + 50 * rng()),
    budgetMargin: round1(gain * (0.3 + 0.3 * rng())),
    stressGain: round1(span * (0.01 + 0.03 * rng())),
  };
}

/** Numbers are rounded once, when planned, so every sentence quotes exactly what the tables show. */
function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function methodName(topic: Topic, rng: Rng): string {
  const stem = pick(NAME_STEMS, rng);
  const form = rng();
  if (form < 0.4) return stem.toUpperCase();
  if (form < 0.8) return `${stem}${pick(topic.suffixes, rng)}`;
  return `${stem}-${pick(NAME_STEMS, rng)}`;
}

export function pick<T>(items: readonly T[], rng: Rng): T {
  return items[Math.floor(rng() * items.length)] as T;
}

export function shuffle<T>(items: readonly T[], rng: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

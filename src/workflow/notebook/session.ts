// The library as plain functions for `autodata notebook`: runs(), load(), compare(), curve(),
// table(), diff(), examples(), oracle(). Each returns data; values with a text form (a comparison, a
// run's status, a curve, a table) carry it, and `display` shows a value as a cell's result.
// Everything shown goes through forTerminal: examples, diffs and run histories hold model-written text.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { ConfigError } from '../../errors.ts';
import { BASELINE_CANDIDATE_ID, candidateBranch } from '../../harness/workspace.ts';
import { loadHarness } from '../../harness/load-harness.ts';
import { acceptedDocumentResults } from '../../inner/document-results.ts';
import { oracleEstimate, type OracleEstimate } from '../../lab/oracle.ts';
import { curvePoints, formatRunStatus, locateRunStore, runStatus, type CurvePoint, type RunStatus } from '../../outer/inspect-run.ts';
import * as population from '../../outer/population-store.ts';
import { WORKSPACE_FOLDER } from '../../outer/run-evolution.ts';
import { curveChartSpec } from '../../report/chart-spec.ts';
import { renderCurve } from '../../report/curve.ts';
import { writeChart } from '../../report/render-chart.ts';
import { renderTable, type Cell } from '../../report/table.ts';
import { openStore, type Store } from '../../store/index.ts';
import { forTerminal } from '../../util/terminal-text.ts';
import { cellRunDir, locateAblation, readAblationManifest, type AblationManifest } from '../ablation-manifest.ts';
import { compare as compareLibrary, listPopulations, type Comparison } from '../compare.ts';
import { formatComparison } from '../compare-text.ts';
import { CURVE_X_AXES, curveChart } from '../curve-series.ts';
import { readRunMetrics } from '../run-metrics.ts';

/** A picture a cell wrote (curve with `out`): its path relative to the session's folder, and its bytes as written. */
export interface Picture {
  file: string;
  mime: 'image/png' | 'image/svg+xml';
  bytes: Buffer;
}

export interface SessionOptions {
  /** The folder names and paths are resolved against (default: the process's). */
  cwd?: string;
  /** Told of every picture a binding writes, to attach it to the running cell. */
  onPicture?: (picture: Picture) => void;
  /** Told of a warning (a left-out ablation cell), to print it in the running cell. */
  warn?: (message: string) => void;
}

/** Text shown as is (not quoted as a string would be). */
export class Text {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  [inspect.custom](): string {
    return this.text;
  }
}

/** One accepted example of a run (a document_result row whose episode was accepted). */
export class Example {
  constructor(
    /** The candidates whose harness produced it (several when their files are identical). */
    readonly candidates: string[],
    readonly documentId: string,
    readonly title: string,
    readonly seed: number,
    readonly repeat: number,
    readonly round: number | null,
    readonly questionType: string | null,
    readonly question: string,
    readonly referenceAnswer: string,
    readonly weakMean: number | null,
    readonly strongMean: number | null,
    readonly gap: number | null,
  ) {}

  [inspect.custom](): string {
    return formatExample(this);
  }
}

export interface RunEntry {
  name: string;
  kind: 'run' | 'ablation';
  /** A run's state; an ablation's cells that completed (`3/4 cells completed`). */
  status: string;
  /** Iterations done / planned (a run). */
  iterations: string | null;
  /** Best mean validation pass rate (a run). */
  best: number | null;
}

export type ExampleFilter = string | ((example: Example) => boolean);

export interface CurveOptions {
  /** Write the chart to FILE.svg or FILE.png (and its spec to FILE.vl.json) instead of drawing it in the terminal. */
  out?: string;
  x?: (typeof CURVE_X_AXES)[number];
}

export interface NotebookBindings {
  runs(): RunEntry[];
  load(name: string): RunStatus | AblationManifest;
  compare(...names: string[]): Comparison;
  curve(names: string | string[], options?: CurveOptions): CurvePoint[] | Promise<string>;
  table(rows: ReadonlyArray<Record<string, unknown>>): Text;
  diff(from: string, to: string): Text;
  examples(run: string, filter?: ExampleFilter): Example[];
  oracle(harnessDir: string, episodes?: number): Promise<OracleEstimate>;
}

/** The names a notebook binds, in the order the banner lists them. */
export const BINDING_NAMES = ['runs', 'load', 'compare', 'curve', 'table', 'diff', 'examples', 'oracle'] as const satisfies ReadonlyArray<keyof NotebookBindings>;

export const BINDING_HELP: Record<(typeof BINDING_NAMES)[number], string> = {
  runs: 'runs()  the runs and ablations under populations/, with their status',
  load: "load('NAME')  a run's status (its history in .iterations) or an ablation's manifest",
  compare: "compare('ABLATION') or compare('RUN', 'RUN', ...)  arms across seeds",
  curve: "curve('RUN')  the curve in the terminal; curve('RUN'|['RUN', ...], { out: 'FILE.png' })  a chart file",
  table: 'table(rows)  an array of objects as a text table',
  diff: "diff('RUN/c0000', 'RUN/c0010')  unified diff between two candidates of a run",
  examples: "examples('RUN', filter?)  accepted examples; filter: text in the question/answer/title, or a predicate",
  oracle: "await oracle('HARNESS_DIR', episodes = 200)  the harness's true pass rate on the sim",
};

/** A cell's result as text: a value's text form if it has one, else util.inspect. Escaped for the terminal. */
export function display(value: unknown): string {
  const text =
    Array.isArray(value) && value.length > 0 && value.every((item) => item instanceof Example)
      ? value.map((item: Example) => formatExample(item)).join('\n\n')
      : inspect(value, { colors: false, depth: 4 });
  return forTerminal(text);
}

/** VALUE with TEXT as what `display` (util.inspect) shows; the text form is not enumerable, so JSON and keys are unchanged. */
function withText<T extends object>(value: T, text: string): T {
  Object.defineProperty(value, inspect.custom, { value: () => text, enumerable: false, configurable: true });
  return value;
}

export function createBindings(options: SessionOptions = {}): NotebookBindings {
  const cwd = options.cwd ?? process.cwd();
  const warn = options.warn ?? (() => {});
  const relative = (file: string) => path.relative(cwd, file).split(path.sep).join('/') || '.';

  function withRunStore<T>(name: string, read: (store: Store, storePath: string) => T): T {
    const storePath = locateRunStore(name, cwd);
    const store = openStore(storePath, { readonly: true });
    try {
      return read(store, storePath);
    } finally {
      store.close();
    }
  }

  return {
    runs() {
      const folder = path.join(cwd, 'populations');
      const entries: RunEntry[] = [];
      for (const { name, dir, kind } of listPopulations(cwd)) {
        try {
          if (kind === 'ablation') {
            const manifest = readAblationManifest(dir);
            const completed = manifest.cells.filter((cell) => readRunMetrics(cellRunDir(dir, cell)).metrics.status === 'completed').length;
            entries.push({ name, kind: 'ablation', status: `${completed}/${manifest.cells.length} cells completed`, iterations: null, best: null });
          } else {
            const { metrics } = readRunMetrics(dir);
            const planned = metrics.iterationsPlanned === null ? '?' : String(metrics.iterationsPlanned);
            entries.push({ name, kind: 'run', status: metrics.status, iterations: `${metrics.iterationsDone}/${planned}`, best: metrics.bestValidation });
          }
        } catch (error) {
          // One folder this version cannot read (an older store schema, a damaged manifest) is listed
          // as such; it must not hide every other run from the listing.
          if (!(error instanceof ConfigError)) throw error;
          entries.push({ name, kind, status: `not readable: ${forTerminal(error.message, 'line')}`, iterations: null, best: null });
        }
      }
      const text = entries.length === 0 ? `populations/ holds no run or ablation (looked in ${relative(folder)})` : tableText(entries);
      return withText(entries, text);
    },

    load(name) {
      const ablation = locateAblation(name, cwd);
      if (ablation) return readAblationManifest(ablation);
      const status = withRunStore(name, (store) => runStatus(store));
      return withText(status, formatRunStatus(status));
    },

    compare(...names) {
      const comparison = compareLibrary(names.map(String), { cwd });
      return withText(comparison, formatComparison(comparison));
    },

    curve(names, curveOptions = {}) {
      const list = Array.isArray(names) ? names.map(String) : [String(names)];
      const x = curveOptions.x ?? 'iteration';
      if (!(CURVE_X_AXES as readonly string[]).includes(x)) throw new ConfigError('curve x', `expected one of ${CURVE_X_AXES.join(', ')}`);
      const out = curveOptions.out;
      if (out === undefined) {
        const [first, ...rest] = list;
        if (first === undefined || rest.length > 0 || locateAblation(first, cwd)) {
          throw new ConfigError('curve', "several runs or an ablation are plotted to a file: pass { out: 'FILE.png' } (or .svg)");
        }
        if (x !== 'iteration') throw new ConfigError('curve x', "the terminal curve is per iteration; pass { out: 'FILE.png' } to plot against calls or tokens");
        const points = withRunStore(first, (store) => curvePoints(store));
        return withText(points, renderCurve(points));
      }
      return (async () => {
        const chart = curveChart(list, { x, cwd, warn });
        const written = await writeChart(curveChartSpec(chart), path.resolve(cwd, String(out)));
        const file = relative(written.image);
        options.onPicture?.({ file, mime: file.toLowerCase().endsWith('.png') ? 'image/png' : 'image/svg+xml', bytes: readFileSync(written.image) });
        return file;
      })();
    },

    table(rows) {
      if (!Array.isArray(rows)) throw new ConfigError('table', 'expected an array of objects, e.g. table(load(RUN).iterations)');
      return new Text(rows.length === 0 ? '(no rows)' : tableText(rows));
    },

    diff(from, to) {
      const a = parseCandidateRef(from);
      const b = parseCandidateRef(to);
      const storePath = locateRunStore(a.run, cwd);
      if (locateRunStore(b.run, cwd) !== storePath) throw new ConfigError(to, `is not a candidate of the run ${a.run}; diff compares two candidates of one run`);
      const [fromBranch, toBranch] = withRunStore(a.run, (store) => [workspaceBranch(store, a.candidate, from), workspaceBranch(store, b.candidate, to)]);
      const workspace = path.join(path.dirname(storePath), WORKSPACE_FOLDER);
      const text = execFileSync(
        'git',
        ['-C', workspace, 'diff', '--no-color', '--no-ext-diff', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/', fromBranch, toBranch, '--'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      return new Text(text.length === 0 ? '(no difference)' : text.replace(/\n$/, ''));
    },

    examples(run, filter) {
      const matches = exampleFilter(filter);
      return withRunStore(run, (store) => readExamples(store)).filter(matches);
    },

    async oracle(harnessDir, episodes = 200) {
      if (!Number.isInteger(episodes) || episodes < 1) throw new ConfigError('oracle episodes', `${episodes} must be a positive integer`);
      const estimate = await oracleEstimate(loadHarness(path.resolve(cwd, String(harnessDir))), { episodes, seed: 0 });
      const [low, high] = estimate.interval;
      const tampering = estimate.tampering.length === 0 ? 'tampering: none' : ['tampering:', ...estimate.tampering.map((line) => `  ${line}`)].join('\n');
      return withText(estimate, `expected validation pass rate ${estimate.passRate.toFixed(3)} (95% interval ${low.toFixed(3)}-${high.toFixed(3)}, ${estimate.episodes} episodes)\n${tampering}`);
    },
  };
}

/** Rows of objects -> renderTable: the columns are every key in order of first appearance. */
function tableText(rows: ReadonlyArray<object>): string {
  const headers: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!headers.includes(key)) headers.push(key);
  const cells = rows.map((row) => headers.map((key) => toCell((row as Record<string, unknown>)[key])));
  return renderTable(headers, cells);
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value) ?? String(value);
  return String(value);
}

/** `RUN/c0010` (or `RUN/10`, `RUN/c10`) -> the run and the candidate id. */
function parseCandidateRef(ref: string): { run: string; candidate: string } {
  const text = String(ref);
  const slash = text.lastIndexOf('/');
  if (slash <= 0 || slash === text.length - 1) throw new ConfigError(text, "name a candidate as 'RUN/CANDIDATE', e.g. 'quickstart/c0010'");
  const id = text.slice(slash + 1);
  const digits = /^c?(\d+)$/.exec(id)?.[1];
  return { run: text.slice(0, slash), candidate: digits === undefined ? id : population.candidateId(Number(digits)) };
}

/** The workspace branch holding a candidate's files: `candidate/<id>`, the baseline's `candidate/baseline`. */
function workspaceBranch(store: Store, candidateId: string, ref: string): string {
  const candidate = population.getCandidate(store, candidateId);
  if (!candidate) {
    const known = population.listCandidates(store).map((entry) => entry.id);
    throw new ConfigError(ref, `no such candidate in this run; known: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''}`);
  }
  if (candidate.iteration === 0) return candidateBranch(BASELINE_CANDIDATE_ID);
  if (candidate.status === 'refused') throw new ConfigError(ref, 'was refused: its edit never produced files to compare');
  return candidateBranch(candidate.id);
}

function exampleFilter(filter: ExampleFilter | undefined): (example: Example) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return (example) => Boolean(filter(example));
  const needle = String(filter).toLowerCase();
  return (example) => [example.question, example.referenceAnswer, example.title, example.documentId].some((text) => text.toLowerCase().includes(needle));
}

/** Every accepted episode in the run's store, by candidate (in id order), document, seed and repeat. */
function readExamples(store: Store): Example[] {
  const byHash = new Map<string, string[]>();
  for (const candidate of population.listCandidates(store)) {
    if (candidate.contentHash === null) continue;
    byHash.set(candidate.contentHash, [...(byHash.get(candidate.contentHash) ?? []), candidate.id].sort());
  }
  const examples: Example[] = [];
  for (const { key, result, round } of acceptedDocumentResults(store)) {
    examples.push(
      new Example(
        byHash.get(key.harnessHash) ?? [], key.documentId, result.title, key.seed, key.repeat, round.round, round.question_type,
        round.question ?? '', round.reference_answer ?? '', round.weak?.mean ?? null, round.strong?.mean ?? null, round.gap,
      ),
    );
  }
  const key = (example: Example) => example.candidates[0] ?? '~';
  return examples.sort(
    (a, b) => compareText(key(a), key(b)) || compareText(a.documentId, b.documentId) || a.seed - b.seed || a.repeat - b.repeat,
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatExample(example: Example): string {
  const score = (value: number | null) => (value === null ? '-' : value.toFixed(3));
  const head = [
    example.candidates.length > 0 ? example.candidates.join(',') : 'unknown candidate',
    `${example.documentId} "${example.title}"`,
    `seed ${example.seed} repeat ${example.repeat}`,
    `round ${example.round ?? '-'}`,
    `weak ${score(example.weakMean)} strong ${score(example.strongMean)}`,
  ].join(' | ');
  return [forTerminal(head, 'line'), `Q: ${forTerminal(example.question)}`, `A: ${forTerminal(example.referenceAnswer)}`].join('\n');
}

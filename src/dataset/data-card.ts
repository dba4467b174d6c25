// DATA_CARD.md: a Hugging Face dataset card (YAML front matter the Hub reads, then prose) that
// includes the agent that made the data: its harness, models per role, acceptance rule, what was
// rejected and why. Sim data says so first. No key and no endpoint URL is ever written: the inputs
// hold neither (models come from the call log's model column).
import { stringify } from 'yaml';
import { mean } from '../inner/acceptance.ts';
import type { BatchLearnings } from '../inner/batch-learnings.ts';
import type { RunRecord } from '../store/index.ts';
import type { DatasetRow, DatasetSplit } from './dataset-row.ts';
import type { ExportSummary } from './export-dataset.ts';

export const DATA_CARD_FILE = 'DATA_CARD.md';

export interface CardInput {
  summary: ExportSummary;
  rows: DatasetRow[];
  /** The runs the source's store records (generate or evolve): config, seed, versions. */
  runs: RunRecord[];
  /** Every file of the export a loader can read, per Hub config: the default (train/test) and the others. */
  files: { examples: string; rejections: string };
  license: string;
  /** A batched generate folder's learnings (`generate --batches`), in batch order; absent or empty: no section. */
  learnings?: BatchLearnings[];
}

const ACCEPTANCE_RULES: Record<string, string> = {
  'paper-prompt':
    'weak-solver mean at most 0.65 and best weak attempt at most 0.75 (with the harness\'s weakZeroRule on zero scores); strong-solver mean at least 0.60 and below 0.95 with no strong attempt at 0; strong mean at least 0.20 above the weak mean',
  'paper-prose': 'weak-solver mean below 0.50; strong-solver mean at least 0.65; strong mean at least 0.20 above the weak mean',
  verifiable: 'the weak solver is right in at most a quarter of its attempts and the strong solver in at least three quarters (judged against the reference answer)',
};

/** Hugging Face's size buckets. */
export function sizeCategory(count: number): string {
  const buckets: Array<[number, string]> = [[1e3, 'n<1K'], [1e4, '1K<n<10K'], [1e5, '10K<n<100K'], [1e6, '100K<n<1M'], [1e7, '1M<n<10M']];
  return buckets.find(([limit]) => count < limit)?.[1] ?? 'n>10M';
}

export function dataCard(input: CardInput): string {
  const { summary, rows } = input;
  const simulated = summary.simulated;
  const frontMatter = {
    license: input.license,
    language: ['en'],
    pretty_name: 'autodata synthetic reasoning questions',
    task_categories: ['question-answering', 'text-generation'],
    size_categories: [sizeCategory(rows.length)],
    tags: ['synthetic', 'autodata', 'self-instruct', ...new Set(summary.harnesses.map((harness) => harness.settings.mode)), ...(simulated ? ['simulated'] : [])],
    configs: [
      { config_name: 'default', default: true, data_files: (['train', 'test'] as const).map((split) => ({ split, path: summary.dataFiles[split] })) },
      { config_name: 'examples', data_files: [{ split: 'all', path: input.files.examples }] },
      { config_name: 'rejections', data_files: [{ split: 'all', path: input.files.rejections }] },
    ],
  };
  const lines: string[] = ['---', stringify(frontMatter).trimEnd(), '---', ''];
  if (simulated) {
    lines.push(
      '> **This is simulated data.** It was made by autodata\'s simulated lab, a stand-in that answers like language models',
      '> would, over generated documents. No real model wrote it. It is for trying the tool, not for training or evaluating models.',
      '',
    );
  }
  lines.push('# autodata dataset', '', `${rows.length} accepted question(s) with reference answers and grading rubrics, made from ${summary.documents.train + summary.documents.test} document(s) by the agent described below.`, '');
  lines.push(...madeBy(input), ...sourceAndSplit(input), ...counts(input), ...scoreSection(rows), ...datasetStatistics(rows), ...analysisSection(input), ...learningsSection(input), ...checks(input), ...seedsAndVersions(input), ...limits(input), ...fileList(input));
  return `${lines.join('\n').trimEnd()}\n`;
}

function madeBy({ summary }: CardInput): string[] {
  const lines = ['## How the data was made', ''];
  for (const harness of summary.harnesses) {
    const { settings } = harness;
    lines.push(
      `### Harness ${harness.hash.slice(0, 12)} (\`${harness.folder}/\`)`,
      '',
      `- From: ${harness.origin}${harness.candidates.length > 0 ? ` (candidates ${harness.candidates.join(', ')})` : ''}; content hash \`${harness.hash}\`.`,
      `- Orchestrator \`${settings.orchestrator}\`, mode \`${settings.mode}\`, round budget ${settings.roundBudget}, ${settings.solverAttempts.weak} weak and ${settings.solverAttempts.strong} strong solver attempts at temperature ${settings.solverTemperature}.`,
      `- Acceptance \`${settings.acceptance}\`: ${ACCEPTANCE_RULES[settings.acceptance] ?? 'see the harness settings'}. An example also needs the quality verifier's PASS on every check and a rubric without format errors.`,
      `- The prompt of every role is in \`${harness.folder}/prompts/\`; every setting in \`${harness.folder}/settings.json\`.`,
      '',
    );
    if (harness.diff !== null) {
      lines.push(harness.diff.trim() === '' ? 'It is the run\'s baseline harness, unchanged.' : 'Its difference from the run\'s baseline harness:', '');
      if (harness.diff.trim() !== '') lines.push(...fenced(harness.diff.trimEnd(), 'diff'), '');
    }
  }
  const models = Object.entries(summary.models);
  lines.push('### Models per role', '');
  if (models.length === 0) lines.push('Not recorded (the source folder has no store with a call log).', '');
  else {
    lines.push('| role | model(s) |', '|---|---|', ...models.map(([role, names]) => `| ${role} | ${names.join(', ')} |`), '');
    lines.push(...samplingSettings(summary));
  }
  return lines;
}

/** The generate folder's endpoints.json: every set of endpoints it ran with (more than one only when a resume was allowed on changed ones). */
function samplingSettings({ endpoints }: ExportSummary): string[] {
  if (!endpoints || endpoints.history.length === 0) return ['Sampling settings other than the solver temperature above were not recorded with this source (made before autodata wrote endpoints.json).', ''];
  const lines: string[] = [];
  if (endpoints.history.length > 1) lines.push(`**The folder was run on ${endpoints.history.length} different sets of endpoints** (resumed with --allow-endpoint-change): its examples mix them.`, '');
  for (const entry of endpoints.history) {
    lines.push(`Endpoints recorded ${entry.recordedAt}:`, '', '| role | model | temperature | max tokens | other settings |', '|---|---|---|---|---|');
    for (const [role, settings] of Object.entries(entry.roles)) {
      const { model, temperature, maxTokens, ...rest } = settings;
      const other = Object.entries(rest).map(([name, value]) => `${name} ${JSON.stringify(value)}`).join(', ');
      lines.push(`| ${role} | ${inline(String(model ?? ''))} | ${temperature ?? 'server default'} | ${maxTokens ?? ''} | ${inline(other)} |`);
    }
    lines.push('');
  }
  return lines;
}

/** Each example's recorded evaluation (`origin` in the rows), counted: which run and candidate made how many, from which split part. */
function originLines(rows: DatasetRow[]): string[] {
  const keys = rows.map(({ origin }) =>
    origin === null
      ? 'not recorded (made before autodata recorded it)'
      : `run \`${inline(origin.run ?? 'unknown')}\`${origin.candidate !== null ? `, candidate ${inline(origin.candidate)}` : ''}, ${origin.split_part ?? 'unknown'} part${origin.iteration !== null ? `, iteration ${origin.iteration}` : ''}`,
  );
  return tally(keys).map(([where, count]) => `- ${count} example(s) made by ${where} (the rows' \`origin\`).`);
}

function sourceAndSplit({ summary, runs, rows }: CardInput): string[] {
  const lines = ['## Source corpus and split', ''];
  for (const run of runs) {
    const config = run.config as { documents?: unknown; split?: unknown; part?: unknown };
    lines.push(`- ${run.kind} run \`${run.id}\`: documents \`${String(config.documents ?? 'unknown')}\`, split file \`${String(config.split ?? 'unknown')}\`${config.part ? `, part ${String(config.part)}` : ''}.`);
  }
  lines.push(...originLines(rows));
  lines.push(
    `- This export: ${summary.documents.train} document(s) in train and ${summary.documents.test} in test, split by document (every example of a document on the same side), ${summary.testFraction} of the documents held out, seed ${summary.seed}.`,
    '',
  );
  return lines;
}

function counts({ summary, rows }: CardInput): string[] {
  const perSplit = (split: DatasetSplit) => rows.filter((row) => row.split === split).length;
  const rounds = rows.map((row) => row.accepted_round);
  const reasons = Object.entries(summary.rejectionsByReason).sort((a, b) => b[1] - a[1]);
  return [
    '## Counts',
    '',
    `- Episodes (a document worked on by one harness with one seed): ${summary.episodes}; accepted examples exported: ${rows.length} (train ${perSplit('train')}, test ${perSplit('test')}).`,
    `- Rounds until acceptance: mean ${format(mean(rounds))}, median ${format(quantile(rounds, 0.5))}, max ${Math.max(...rounds)}.`,
    `- Rejected rounds and episode endings (\`rejections.jsonl\`): ${summary.rejections}.`,
    '',
    '| reason | count |',
    '|---|---|',
    ...reasons.map(([reason, count]) => `| ${reason} | ${count} |`),
    '',
  ];
}

function scoreSection(rows: DatasetRow[]): string[] {
  const line = (name: string, values: number[]) =>
    `| ${name} | ${format(Math.min(...values))} | ${format(quantile(values, 0.25))} | ${format(quantile(values, 0.5))} | ${format(mean(values))} | ${format(quantile(values, 0.75))} | ${format(Math.max(...values))} |`;
  return [
    '## Weak and strong solver scores (accepted examples)',
    '',
    'Each example\'s mean over its solver attempts; every attempt\'s score is in `weak_scores` and `strong_scores`.',
    '',
    '| | min | 25% | median | mean | 75% | max |',
    '|---|---|---|---|---|---|---|',
    line('weak', rows.map((row) => row.weak_mean)),
    line('strong', rows.map((row) => row.strong_mean)),
    line('gap', rows.map((row) => row.gap ?? row.strong_mean - row.weak_mean)),
    '',
  ];
}

function datasetStatistics(rows: DatasetRow[]): string[] {
  const types = tally(rows.map((row) => row.question_type ?? '(none)'));
  const skills = tally(rows.flatMap((row) => row.reasoning_skills)).slice(0, 10);
  const words = rows.map((row) => row.question.split(/\s+/).filter(Boolean).length);
  const perDocument = [...tally(rows.map((row) => row.document_id)).map(([, count]) => count)];
  return [
    '## Dataset statistics',
    '',
    `- Question length in words: mean ${format(mean(words), 1)}, median ${format(quantile(words, 0.5), 1)}, max ${Math.max(...words)}.`,
    `- Examples per document: mean ${format(mean(perDocument))}, max ${Math.max(...perDocument)}.`,
    `- Question types as the challenger named them (${types.length}): ${types.map(([name, count]) => `${inline(name)} ${count}`).join(', ')}.`,
    `- Most frequent reasoning skills: ${skills.map(([name, count]) => `${inline(name)} ${count}`).join(', ')}.`,
    '',
  ];
}

function checks({ summary, rows }: CardInput): string[] {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row.quality_checks)))].sort();
  const lines = ['## Leakage and re-verification', ''];
  for (const name of names) {
    const passed = rows.filter((row) => row.quality_checks[name] === 'PASS').length;
    lines.push(`- Quality verifier, ${name}: PASS on ${passed} of ${rows.length} exported examples.`);
  }
  lines.push(
    `- Acceptance re-checked at export from the stored scores: ${rows.length + summary.failedRecheck.length} accepted, ${summary.failedRecheck.length} no longer passing (not exported).`,
    summary.dedup ? `- Exact duplicate questions removed (--dedup): ${summary.duplicates.length}.` : '- Duplicate questions were not removed (export without --dedup).',
    ...reverificationLines(summary),
    '',
  );
  return lines;
}

function reverificationLines({ reverification: pass }: ExportSummary): string[] {
  if (!pass) return ['- No second, independent quality pass was run over the accepted set (`autodata reverify` writes one).'];
  const checks = Object.entries(pass.failedByCheck).map(([name, count]) => `${inline(name)} ${count}`).join(', ');
  return [
    `- Re-verification (\`autodata reverify\`, quality verifier ${inline(pass.verifier.model)} from ${inline(pass.verifier.endpoints)}, seed ${pass.seed}): of ${pass.checked} accepted example(s), ${pass.survived} survived, ${pass.fell} fell${checks ? ` (failed checks: ${checks})` : ''}, ${pass.notReverified} not re-verified (the verifier call failed: no verdict)${pass.halted !== undefined ? `; the pass stopped early: ${inline(pass.halted)}` : ''}.`,
    pass.applied
      ? `- This export keeps only the survivors (--reverified-only): ${pass.leftOut.length} accepted example(s) left out (${pass.leftOut.filter((entry) => entry.why === 'fell').length} fell, ${pass.leftOut.filter((entry) => entry.why === 'not re-verified').length} not re-verified, ${pass.notCovered} not covered by the re-verification).`
      : `- This export was made without --reverified-only: examples that fell are included${pass.notCovered > 0 ? `, and ${pass.notCovered} exported example(s) are not covered by the re-verification` : ''}.`,
  ];
}

/** From the source's analysis.json (`autodata analyze`): duplicates and the discovered taxonomy. */
function analysisSection({ summary, rows }: CardInput): string[] {
  const analysis = summary.analysis;
  if (!analysis) return [];
  const covered = new Set(analysis.ids);
  const { duplicates, taxonomy } = analysis;
  const lines = [
    '## Dataset analysis',
    '',
    `From \`autodata analyze\` over ${analysis.examples} accepted example(s) of the source, ${rows.filter((row) => covered.has(row.id)).length} of them in this export.`,
    '',
    `- Duplicates: ${duplicates.exact.length} cluster(s) of exact duplicates and ${duplicates.near.length} of near-duplicates (${duplicates.settings.shingle}-word shingles, Jaccard at least ${duplicates.settings.threshold}, MinHash with LSH ${duplicates.settings.bands}x${duplicates.settings.rows}); ${duplicates.redundant} example(s) repeat an earlier one.`,
    ...duplicates.near.map((cluster) => `  - ${cluster.ids.map((id) => `\`${id}\``).join(', ')} (Jaccard at least ${cluster.minSimilarity})`),
    `- Documents with an example: ${analysis.coverage.withExample} of ${analysis.coverage.documents}.`,
  ];
  if (!taxonomy) lines.push(analysis.taxonomyHalted !== undefined ? `- Taxonomy discovery stopped: the taxonomist's endpoint became unavailable (${inline(analysis.taxonomyHalted)}).` : '- Taxonomy discovery was not run.');
  else if (taxonomy.error !== null) lines.push(`- Taxonomy discovery failed: ${inline(taxonomy.error)}.`);
  else {
    const { settings } = taxonomy;
    const sampled = taxonomy.strata.reduce((sum, stratum) => sum + stratum.sampled, 0);
    lines.push(
      `- Taxonomy discovery by the taxonomist model: ${sampled} question(s) sampled${settings.stratify === 'challenge' ? ` in ${taxonomy.strata.length} strata of challenge (strong minus weak mean)` : ''}, shown in batches of ${settings.batchSize}; ${taxonomy.rawTypes.length} raw type(s) proposed (${taxonomy.proposalFailures.length} batch reply(ies) unusable), merged into ${taxonomy.types.length} type(s); ${taxonomy.classified} question(s) classified: ${taxonomy.labels.length} with a valid label, ${taxonomy.parseFailures.length} parse failure(s), ${taxonomy.notClassified.length} not classified (call failed).`,
      '',
      '| type | questions | description |',
      '|---|---|---|',
      ...taxonomy.types.map((type) => `| ${inline(type.name)} | ${type.count} | ${inline(type.description)} |`),
    );
  }
  lines.push('');
  return lines;
}

/** What the learner wrote after each batch of a batched generate: the lessons the next batch's prompts carried. */
function learningsSection({ learnings }: CardInput): string[] {
  if (!learnings || learnings.length === 0) return [];
  const lines = [
    '## Learnings between batches',
    '',
    `The documents ran in batches (\`generate --batches\`). After each batch a learner model read its trajectories and wrote lessons; the challenger and main agent of the next batch had them in their prompts. Model-written text:`,
    '',
  ];
  for (const batch of learnings) {
    lines.push(`- After batch ${batch.batch} (${batch.documents.length} document(s)): ${inline(batch.summary)}`);
    for (const entry of batch.learnings) lines.push(`  - ${inline(entry.lesson)}`);
  }
  lines.push('');
  return lines;
}

function seedsAndVersions({ summary, runs }: CardInput): string[] {
  const lines = ['## Seeds and versions', ''];
  for (const run of runs) {
    const versions = Object.entries(run.versions).map(([name, version]) => `${name} ${version}`).join(', ');
    lines.push(`- ${run.kind} run \`${run.id}\`: seed ${run.seed}, config hash \`${run.configHash.slice(0, 12)}\`${versions ? `, ${versions}` : ''}.`);
  }
  lines.push(`- Split seed ${summary.seed}; example ids are a hash of harness hash, document id, seed and repeat.`, '');
  return lines;
}

function limits({ summary }: CardInput): string[] {
  return [
    '## Known limits',
    '',
    ...(summary.simulated ? ['- Simulated: the questions, answers and scores come from the sim, not from language models.'] : []),
    '- Difficulty is measured against the solver models named above; other models will find other examples easy or hard.',
    '- Rubric scores are one judge model\'s reading of each answer against the rubric.',
    ...(summary.incomplete.length > 0 ? [`- ${summary.incomplete.length} document(s) were incomplete at export time and are not included.`] : []),
    '',
  ];
}

function fileList({ summary, files }: CardInput): string[] {
  return [
    '## Files',
    '',
    `- \`${summary.dataFiles.train}\`, \`${summary.dataFiles.test}\`: the ${summary.format} rows.`,
    `- \`${files.examples}\`: every exported example with all its fields and its split.`,
    `- \`${files.rejections}\`: every rejected round and episode ending, with its reason.`,
    ...summary.harnesses.map((harness) => `- \`${harness.folder}/\`: the harness (loads with \`autodata generate --harness ${harness.folder}\`).`),
    '- `export.json`: the export\'s summary.',
    '',
  ];
}

/** Model-written text inside a Markdown line: one line, with the characters Markdown or HTML would act on escaped. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/[\\`*_[\]<>|#]/g, (character) => `\\${character}`);
}

/** A code block whose fence is longer than any backtick run in the text (an implementer's edit cannot close it). */
function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

function tally(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Linear interpolation between order statistics. */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

function format(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

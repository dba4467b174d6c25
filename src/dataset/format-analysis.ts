// The analysis as text for a person; question types, skills and type names are model-written, so escaped.
import { forTerminal } from '../util/terminal-text.ts';
import type { DatasetAnalysis, Spread } from './analyze-dataset.ts';

const line = (text: string) => forTerminal(text, 'line');
const spreadText = (spread: Spread) => `min ${spread.min}, median ${spread.median}, mean ${spread.mean}, max ${spread.max}`;
const counts = (record: Record<string, number>, limit = 12) => {
  const entries = Object.entries(record);
  const shown = entries.slice(0, limit).map(([name, count]) => `${line(name)} ${count}`).join(', ');
  return entries.length > limit ? `${shown}, ... (${entries.length - limit} more)` : shown;
};

export function formatAnalysis(analysis: DatasetAnalysis, file: string): string {
  const { duplicates, lengths, coverage, taxonomy } = analysis;
  const lines = [
    `${analysis.simulated ? 'SIMULATED data (sim endpoints, not real models): ' : ''}${analysis.examples} accepted example(s) of ${analysis.source.kind} ${line(analysis.source.dir)}`,
    `coverage: ${coverage.withExample} of ${coverage.documents} document(s) gave an example; examples per document ${spreadText(coverage.examplesPerDocument)}`,
    `lengths in words: question ${spreadText(lengths.question)}; context ${spreadText(lengths.context)}; reference answer ${spreadText(lengths.referenceAnswer)}; rubric criteria ${spreadText(lengths.rubricItems)}`,
    `question types (challenger's labels): ${counts(analysis.questionTypes)}`,
    `reasoning skills: ${counts(analysis.reasoningSkills)}`,
    `duplicates: ${duplicates.exact.length} exact cluster(s), ${duplicates.near.length} near-duplicate cluster(s) (${duplicates.settings.shingle}-word shingles, Jaccard >= ${duplicates.settings.threshold}, MinHash ${duplicates.settings.bands}x${duplicates.settings.rows}); ${duplicates.redundant} example(s) repeat an earlier one`,
    ...duplicates.near.map((cluster) => `  near: ${cluster.ids.join(', ')} (Jaccard >= ${cluster.minSimilarity})`),
  ];
  if (analysis.taxonomyHalted !== undefined) lines.push(`taxonomy: halted, not written: ${line(analysis.taxonomyHalted)}`);
  else if (taxonomy === null) lines.push('taxonomy: not run (--no-taxonomy)');
  else {
    const { settings } = taxonomy;
    lines.push(
      `taxonomy: ${taxonomy.strata.reduce((sum, stratum) => sum + stratum.sampled, 0)} question(s) sampled${settings.stratify === 'challenge' ? ` from ${taxonomy.strata.length} strata of challenge (strong - weak mean)` : ''}, batches of ${settings.batchSize}, ${taxonomy.calls} call(s)`,
      `  ${taxonomy.rawTypes.length} raw type(s) proposed (${new Set(taxonomy.rawTypes.map((type) => type.name.toLowerCase())).size} distinct)${taxonomy.proposalFailures.length > 0 ? `; ${taxonomy.proposalFailures.length} proposal batch(es) unusable` : ''}`,
    );
    if (taxonomy.error !== null) lines.push(`  no taxonomy: ${line(taxonomy.error)}`);
    else {
      lines.push(`  ${taxonomy.types.length} consolidated type(s); ${taxonomy.labels.length} of ${taxonomy.classified} question(s) labelled, ${taxonomy.parseFailures.length} parse failure(s), ${taxonomy.notClassified.length} not classified (call failed)`);
      for (const type of taxonomy.types) lines.push(`    ${line(type.name)}: ${type.count} (merges ${type.merges.length} raw name(s))`);
      for (const failure of taxonomy.parseFailures.slice(0, 10)) lines.push(`  parse failure ${failure.id}: ${line(failure.reason)}`);
      if (taxonomy.parseFailures.length > 10) lines.push(`  ... ${taxonomy.parseFailures.length - 10} more parse failure(s) in the analysis file`);
    }
  }
  lines.push(`analysis written to ${line(file)}`);
  return lines.join('\n');
}

// Taxonomy discovery as the paper did it by hand, through the one call path (role `taxonomist`):
// 1. a sample of the accepted questions, stratified by challenge (strong mean - weak mean), shown in
//    batches: each batch's reply proposes raw question types;
// 2. one call merges the raw types into a few consolidated types;
// 3. every question of the classification set is shown again in batches and gets exactly one type.
// A reply that does not parse, a label naming no known type, a second label or no label for an
// item is a parse failure of that item, counted and listed; a call that failed for infrastructure
// reasons leaves its items "not classified", counted apart. Nothing is dropped silently.
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { Llm, LlmFailure } from '../llm/types.ts';
import { canonicalJson, deriveSeed, sha256Hex } from '../util/hash.ts';
import {
  classifyPrompt,
  CLASSIFY_SCHEMA_NAME,
  consolidatedTypesSchema,
  consolidatePrompt,
  CONSOLIDATE_SCHEMA_NAME,
  labelsSchema,
  proposedTypesSchema,
  proposePrompt,
  PROPOSE_SCHEMA_NAME,
  type PromptItem,
} from './taxonomy-prompts.ts';

export const STRATIFY_BY = ['challenge', 'none'] as const;
export type StratifyBy = (typeof STRATIFY_BY)[number];

export interface TaxonomySettings {
  /** Questions shown to propose raw types (the paper: 200). */
  sampleSize: number;
  /** Questions per call, for proposing and for classifying (the paper: 20). */
  batchSize: number;
  /** 'challenge': equal-count strata of strong mean - weak mean, each sampled in proportion. */
  stratify: StratifyBy;
  strata: number;
  /** At most this many consolidated types are asked for. */
  maxTypes: number;
  /** Questions classified (a seeded sample); null: every one (the paper: a 1,000-item sample). */
  classifyLimit: number | null;
  seed: number;
}

export const DEFAULT_TAXONOMY_SETTINGS: TaxonomySettings = { sampleSize: 200, batchSize: 20, stratify: 'challenge', strata: 4, maxTypes: 12, classifyLimit: null, seed: 0 };

export interface TaxonomyItem {
  id: string;
  question: string;
  /** Strong mean - weak mean. */
  challenge: number;
}

export interface TaxonomyFailure {
  id: string;
  reason: string;
}

export interface TaxonomyResult {
  settings: TaxonomySettings;
  /** Ids of the proposal sample, per stratum (one stratum when not stratified). */
  strata: Array<{ challenge: { min: number; max: number }; items: number; sampled: number }>;
  rawTypes: Array<{ batch: number; name: string; description: string }>;
  /** Proposal batches whose reply could not be used, and why (their questions proposed nothing). */
  proposalFailures: Array<{ batch: number; reason: string }>;
  /** Empty when consolidation failed (see `error`). */
  types: Array<{ name: string; description: string; merges: string[]; count: number }>;
  classified: number;
  labels: Array<{ id: string; type: string }>;
  parseFailures: TaxonomyFailure[];
  /** Items whose classifying call failed for infrastructure reasons: no verdict on them. */
  notClassified: TaxonomyFailure[];
  calls: number;
  /** Set when no taxonomy could be built (no raw type proposed, or the consolidation reply unusable). */
  error: string | null;
}

export function checkTaxonomySettings(settings: TaxonomySettings): void {
  const positive: Array<[string, number]> = [['--sample-size', settings.sampleSize], ['--batch-size', settings.batchSize], ['--strata', settings.strata], ['--max-types', settings.maxTypes]];
  if (settings.classifyLimit !== null) positive.push(['--classify', settings.classifyLimit]);
  for (const [name, value] of positive) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, `must be a whole number of at least 1, got ${value}`);
  }
  if (!Number.isSafeInteger(settings.seed)) throw new ConfigError('--seed', `must be an integer, got ${settings.seed}`);
}

/** A seeded order of the items that does not depend on the order they were given in. */
function seededOrder<T extends { id: string }>(items: T[], seed: number, purpose: string): T[] {
  const rank = new Map(items.map((item) => [item.id, sha256Hex(canonicalJson([seed, purpose, item.id]))]));
  return [...items].sort((a, b) => (rank.get(a.id)! < rank.get(b.id)! ? -1 : 1));
}

/** Equal-count strata by challenge, each sampled in proportion to its size (largest remainders). */
export function stratifiedSample(items: TaxonomyItem[], settings: TaxonomySettings): { sample: TaxonomyItem[]; strata: TaxonomyResult['strata'] } {
  const count = settings.stratify === 'challenge' ? Math.min(settings.strata, Math.max(1, items.length)) : 1;
  const sorted = [...items].sort((a, b) => a.challenge - b.challenge || (a.id < b.id ? -1 : 1));
  const groups = Array.from({ length: count }, (_, index) => sorted.slice(Math.floor((index * sorted.length) / count), Math.floor(((index + 1) * sorted.length) / count)));
  const wanted = Math.min(settings.sampleSize, items.length);
  const exact = groups.map((group) => (wanted * group.length) / Math.max(1, items.length));
  const takes = exact.map(Math.floor);
  const byRemainder = exact.map((value, index) => ({ index, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (let left = wanted - takes.reduce((a, b) => a + b, 0), next = 0; left > 0; left -= 1, next += 1) takes[byRemainder[next]!.index]! += 1;
  const sample = groups.flatMap((group, index) => seededOrder(group, settings.seed, `stratum-${index}`).slice(0, takes[index]));
  const strata = groups.map((group, index) => ({
    challenge: { min: group[0]?.challenge ?? 0, max: group.at(-1)?.challenge ?? 0 },
    items: group.length,
    sampled: takes[index]!,
  }));
  return { sample, strata };
}

function batches<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

const isInfrastructure = (failure: LlmFailure) => failure.kind !== 'invalid-output';
const describe = (failure: LlmFailure) => `${failure.kind}: ${failure.message}`;
const typeKey = (name: string) => name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

export async function discoverTaxonomy(items: TaxonomyItem[], llm: Llm, settings: TaxonomySettings = DEFAULT_TAXONOMY_SETTINGS): Promise<TaxonomyResult> {
  checkTaxonomySettings(settings);
  let calls = 0;
  // Replies are validated by the call path; each is parsed again by its schema where it is used, for its type.
  const ask = (schemaName: string, schema: z.ZodType<unknown>, prompt: string, step: string, index: number) => {
    calls += 1;
    return llm.structured<unknown>({ role: 'taxonomist', messages: [{ role: 'user', content: prompt }], seed: deriveSeed(settings.seed, 'taxonomy', step, index), schemaName, schema });
  };
  const { sample, strata } = stratifiedSample(items, settings);
  const result: TaxonomyResult = { settings, strata, rawTypes: [], proposalFailures: [], types: [], classified: 0, labels: [], parseFailures: [], notClassified: [], calls: 0, error: null };

  // 1. Raw types, batch by batch (in a seeded order, so a batch mixes the strata).
  const proposalBatches = batches(seededOrder(sample, settings.seed, 'propose'), settings.batchSize);
  for (const [batch, group] of proposalBatches.entries()) {
    const reply = await ask(PROPOSE_SCHEMA_NAME, proposedTypesSchema, proposePrompt(group.map((item, index) => ({ item: index + 1, question: item.question }))), 'propose', batch);
    if (reply.ok) {
      const { types } = proposedTypesSchema.parse(reply.value);
      result.rawTypes.push(...types.map((type) => ({ batch, name: type.name, description: type.description })));
    } else result.proposalFailures.push({ batch, reason: describe(reply.failure) });
  }
  if (result.rawTypes.length === 0) return { ...result, calls, error: `no batch proposed a question type (${result.proposalFailures.length} of ${proposalBatches.length} replies unusable)` };

  // 2. Consolidated types (the same name proposed twice is shown once).
  const distinctRaw = [...new Map(result.rawTypes.map((type) => [typeKey(type.name), { name: type.name, description: type.description }])).values()];
  const merged = await ask(CONSOLIDATE_SCHEMA_NAME, consolidatedTypesSchema, consolidatePrompt(distinctRaw, settings.maxTypes), 'consolidate', 0);
  if (!merged.ok) return { ...result, calls, error: `the consolidation reply could not be used (${describe(merged.failure)})` };
  const consolidated = new Map<string, { name: string; description: string; merges: string[]; count: number }>();
  for (const type of consolidatedTypesSchema.parse(merged.value).types) {
    if (!consolidated.has(typeKey(type.name))) consolidated.set(typeKey(type.name), { name: type.name, description: type.description, merges: type.merges, count: 0 });
  }
  const types = [...consolidated.values()];

  // 3. Every item of the classification set gets exactly one type, or is counted as failed.
  const toClassify = settings.classifyLimit === null ? items : seededOrder(items, settings.seed, 'classify').slice(0, settings.classifyLimit);
  const labels = new Map<string, string>();
  for (const [batch, group] of batches(toClassify, settings.batchSize).entries()) {
    const shown: PromptItem[] = group.map((item, index) => ({ item: index + 1, question: item.question }));
    const reply = await ask(CLASSIFY_SCHEMA_NAME, labelsSchema, classifyPrompt(types.map(({ name, description }) => ({ name, description })), shown), 'classify', batch);
    if (!reply.ok) {
      const list = isInfrastructure(reply.failure) ? result.notClassified : result.parseFailures;
      list.push(...group.map((item) => ({ id: item.id, reason: `the reply for its batch ${isInfrastructure(reply.failure) ? 'failed' : 'did not parse'} (${describe(reply.failure)})` })));
      continue;
    }
    const given = new Map<number, string[]>();
    for (const label of labelsSchema.parse(reply.value).labels) given.set(label.item, [...(given.get(label.item) ?? []), label.type]);
    group.forEach((item, index) => {
      const named = given.get(index + 1) ?? [];
      const distinct = [...new Set(named.map(typeKey))];
      const type = distinct.length === 1 ? consolidated.get(distinct[0]!) : undefined;
      if (named.length === 0) result.parseFailures.push({ id: item.id, reason: 'no label in the reply' });
      else if (distinct.length > 1) result.parseFailures.push({ id: item.id, reason: `${distinct.length} different labels` });
      else if (!type) result.parseFailures.push({ id: item.id, reason: `label names no consolidated type: ${named[0]!.slice(0, 80)}` });
      else {
        labels.set(item.id, type.name);
        type.count += 1;
      }
    });
  }
  result.classified = toClassify.length;
  result.labels = toClassify.filter((item) => labels.has(item.id)).map((item) => ({ id: item.id, type: labels.get(item.id)! }));
  return { ...result, types, calls };
}

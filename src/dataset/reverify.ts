// `autodata reverify` as a library function: a fresh quality-verifier pass over every accepted
// example of a generate output folder or an evolve run, with the quality-verifier prompt of the
// harness that made it (inner's `verify`, the same call the episode made) and, if given, other
// endpoints than at generation. A fresh seed, and no call cache: the pass is asked anew, never
// replayed. An example whose verifier call failed, or whose document cannot be found, is "not
// re-verified", counted apart: an infrastructure failure is never a verdict. The verifier reads
// the document as the episode's roles did (truncated the same way when generation truncated it),
// cut again only if the re-verifier's own window is smaller. When the endpoint stops answering for
// good (its circuit breaker opens), the verdicts already made are written, the rest are "not
// re-verified" and `halted` says why (the command exits as a halted run does).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Endpoints } from '../config/endpoints.ts';
import { loadSplit, type Document, type LoadedDocuments } from '../documents/index.ts';
import { ConfigError, RunHalted } from '../errors.ts';
import { contextFitFor, documentAsSent, fitDocument, type ContextFit } from '../inner/fit-document.ts';
import { verify } from '../inner/stages.ts';
import type { DocumentFitRecord } from '../inner/result-schema.ts';
import type { ChallengerExample } from '../inner/schemas.ts';
import type { Llm } from '../llm/types.ts';
import { deriveSeed } from '../util/hash.ts';
import { hasArrays, readJsonFile } from '../util/read-json-file.ts';
import { settleAll } from '../util/settle-all.ts';
import { writeFileAtomically } from '../util/write-file-atomically.ts';
import { exampleId } from './dataset-row.ts';
import { findHarnesses } from './find-harnesses.ts';
import { readEpisodes } from './read-episodes.ts';

export const REVERIFY_FILE = 'reverify.json';

export interface ReverifyOptions {
  source: string;
  llm: Llm;
  /** Recorded (models per role for the quality verifier; no keys, no URLs). */
  endpoints: Pick<Endpoints, 'source' | 'roles'>;
  /** Turns a documents spec (the run's recorded one, or `documents`) into documents: the CLI passes app's resolver. */
  resolveDocuments: (spec: string) => LoadedDocuments;
  /** Overrides the documents spec the source's runs recorded. */
  documents?: string;
  harnesses?: string[];
  seed: number;
  concurrency: number;
  cwd?: string;
}

export interface ReverifyResult {
  source: { kind: 'generate' | 'evolve'; dir: string };
  simulated: boolean;
  /** The quality verifier's model and the endpoints file it came from. */
  verifier: { endpoints: string; model: string; temperature: number | null };
  seed: number;
  checked: number;
  survived: string[];
  fell: Array<{ id: string; document_id: string; failed_checks: string[]; feedback: string }>;
  notReverified: Array<{ id: string; document_id: string; reason: string }>;
  /** check name -> examples it failed. */
  failedByCheck: Record<string, number>;
  /** Why the pass stopped before every example was asked (the endpoint became unavailable); absent when it finished. */
  halted?: string;
}

export async function reverifyDataset(options: ReverifyOptions): Promise<{ result: ReverifyResult; file: string }> {
  const cwd = options.cwd ?? process.cwd();
  const source = readEpisodes(options.source, cwd);
  const accepted = source.episodes.filter((episode) => episode.result.rounds.some((round) => round.accepted && round.question !== null));
  if (accepted.length === 0) throw new ConfigError(options.source, `holds no accepted example (${source.episodes.length} finished episode(s)); nothing to re-verify`);
  const harnesses = await findHarnesses(source, options.harnesses ?? [], cwd);
  const documents = sourceDocuments(source.runs, { ...options, cwd });
  const verifier = options.endpoints.roles.qualityVerifier;
  const result: ReverifyResult = {
    source: { kind: source.kind, dir: options.source },
    simulated: source.episodes.some((episode) => episode.result.simulated === true),
    verifier: { endpoints: options.endpoints.source, model: verifier.model, temperature: verifier.temperature },
    seed: options.seed,
    checked: accepted.length,
    survived: [],
    fell: [],
    notReverified: [],
    failedByCheck: {},
  };
  const failedByCheck = new Map<string, number>();
  const outcomes = new Array<() => void>(accepted.length);
  const ids = accepted.map(({ result: episode }) => exampleId(episode.harness.content_hash, episode.document_id, episode.seed, episode.repeat));
  const verifierFit = reverifierFit(options.endpoints);
  let next = 0;
  let halt: RunHalted | undefined;
  const worker = async () => {
    for (let index = next++; index < accepted.length && !halt; index = next++) {
      const { result: episode } = accepted[index]!;
      const round = episode.rounds.find((entry) => entry.accepted)!;
      const id = ids[index]!;
      const given = documents.get(episode.document_id);
      const document = given && asTheVerifierReadsIt(given, episode.document_fit, verifierFit);
      if (typeof document !== 'object') {
        const reason = document ?? 'its document is not in the recorded documents (pass --documents)';
        outcomes[index] = () => result.notReverified.push({ id, document_id: episode.document_id, reason });
        continue;
      }
      const example = {
        question_type: round.question_type ?? '',
        reasoning_skills: round.reasoning_skills,
        context: round.context ?? '',
        question: round.question ?? '',
        reference_answer: round.reference_answer ?? '',
        rubric: round.rubric,
      } as ChallengerExample;
      const context = { llm: options.llm, harness: harnesses.get(episode.harness.content_hash)!.harness, document, seed: deriveSeed(options.seed, 'reverify'), repeat: episode.repeat };
      let outcome: Awaited<ReturnType<typeof verify>>;
      try {
        outcome = await verify(context, round.round, example);
      } catch (error) {
        if (!(error instanceof RunHalted)) throw error;
        halt ??= error;
        break;
      }
      outcomes[index] = () => {
        if (outcome.kind === 'infrastructure') result.notReverified.push({ id, document_id: episode.document_id, reason: outcome.detail });
        else if (outcome.passed) result.survived.push(id);
        else {
          const failed = Object.entries(outcome.checks).filter(([, check]) => check.verdict === 'FAIL').map(([name]) => name).sort();
          for (const name of failed) failedByCheck.set(name, (failedByCheck.get(name) ?? 0) + 1);
          result.fell.push({ id, document_id: episode.document_id, failed_checks: failed, feedback: outcome.feedback });
        }
      };
    }
  };
  await settleAll(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  // Recorded in the source's order, whatever order the calls finished in; what a halt left unasked is not re-verified.
  for (const [index, record] of outcomes.entries()) {
    if (record) record();
    else result.notReverified.push({ id: ids[index]!, document_id: accepted[index]!.result.document_id, reason: `not asked: ${halt?.message ?? 'the pass stopped'}` });
  }
  if (halt) result.halted = halt.message;
  result.failedByCheck = Object.fromEntries([...failedByCheck.entries()].sort((a, b) => b[1] - a[1]));
  const file = path.join(source.dir, REVERIFY_FILE);
  writeFileAtomically(file, `${JSON.stringify(result, null, 2)}\n`);
  return { result, file };
}

/** The re-verifier's window, when its endpoint sets one (only the quality verifier reads the document here). */
function reverifierFit(endpoints: ReverifyOptions['endpoints']): ContextFit {
  const { challenger, qualityVerifier } = endpoints.roles;
  return contextFitFor({ challenger: { maxTokens: challenger.maxTokens }, qualityVerifier }, 'truncate');
}

/** The document as the episode's roles read it, cut further for a smaller window; a string says why it cannot be sent. */
function asTheVerifierReadsIt(document: Document, recorded: DocumentFitRecord | undefined, fit: ContextFit): Document | string {
  const sent = documentAsSent(document, recorded);
  if (!sent) return 'the document changed since generation: its sections no longer match the truncation the episode recorded';
  const decision = fitDocument(sent, fit);
  if (decision.action === 'skipped') return `too long for the re-verifier's context window: ${decision.fit.detail}`;
  return decision.document as Document;
}

/** The documents the source's runs were made from, by id: each run's documents spec, else its split file's. */
function sourceDocuments(runs: ReturnType<typeof readEpisodes>['runs'], options: Pick<ReverifyOptions, 'documents' | 'resolveDocuments' | 'cwd'>): Map<string, Document> {
  const specFor = (config: { documents?: unknown; split?: unknown }): string | undefined => {
    if (typeof config.documents === 'string') return config.documents;
    const split = typeof config.split === 'string' ? path.resolve(options.cwd ?? process.cwd(), config.split) : undefined;
    return split && existsSync(split) ? loadSplit(split).documents : undefined;
  };
  const specs = options.documents !== undefined ? [options.documents] : [...new Set(runs.map((run) => specFor(run.config as object)).filter((spec) => spec !== undefined))];
  if (specs.length === 0) throw new ConfigError('--documents', 'the source records neither a documents spec nor a split file; pass the documents the examples were made from');
  const byId = new Map<string, Document>();
  for (const spec of specs) for (const document of options.resolveDocuments(spec).documents) if (!byId.has(document.id)) byId.set(document.id, document);
  return byId;
}

/** The re-verification written next to the data, if any (export reads it). */
export function readReverify(dir: string): ReverifyResult | undefined {
  const file = path.join(dir, REVERIFY_FILE);
  return readJsonFile(file, 'run `autodata reverify` on the folder again', (value) => hasArrays(value, ['survived', 'fell', 'notReverified'])) as ReverifyResult | undefined;
}

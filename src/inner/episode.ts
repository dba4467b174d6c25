// One document's episode: the growing result.json content, rewritten atomically after every round.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Harness } from '../harness/harness.ts';
import type { DocumentResult, FailureReason, RoundRecord } from './result-schema.ts';
import type { RunDocumentOptions, InnerDocument } from './types.ts';

export interface Episode {
  result: DocumentResult;
  resultPath: string | undefined;
}

export function resultFileName(documentId: string): string {
  return `${documentId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

export function startEpisode(harness: Harness, document: InnerDocument, options: RunDocumentOptions): Episode {
  const result: DocumentResult = {
    document_id: document.id,
    title: document.title,
    harness: {
      content_hash: harness.contentHash,
      orchestrator: harness.settings.orchestrator,
      mode: harness.settings.mode,
      acceptance: harness.settings.acceptance,
    },
    seed: options.seed,
    repeat: options.repeat,
    ...(options.simulated ? { simulated: true } : {}),
    ...(options.provenance ? { provenance: options.provenance } : {}),
    ...(document.fit ? { document_fit: document.fit } : {}),
    question_type: null,
    reasoning_skills: [],
    rounds: [],
    final_accepted_round: null,
    total_rounds: 0,
    end_reason: null,
    false_acceptance_claims: 0,
    agent_steps: 0,
    usage: {},
    error: null,
    finished: false,
  };
  const resultPath = options.resultsDir ? path.join(options.resultsDir, resultFileName(document.id)) : undefined;
  if (options.resultsDir) mkdirSync(options.resultsDir, { recursive: true });
  return { result, resultPath };
}

/** Appends a finished round and rewrites result.json. */
export function recordRound(episode: Episode, round: RoundRecord): void {
  const { result } = episode;
  result.rounds.push(round);
  result.total_rounds = result.rounds.length;
  if (round.question_type !== null) {
    result.question_type = round.question_type;
    result.reasoning_skills = round.reasoning_skills;
  }
  if (round.accepted && result.final_accepted_round === null) result.final_accepted_round = round.round;
  writeResult(episode);
}

export function finishEpisode(episode: Episode, endReason: FailureReason | null, error?: string): DocumentResult {
  const { result } = episode;
  const acceptedRound = result.rounds.find((round) => round.accepted);
  if (acceptedRound) {
    // The accepted round's example is the document's example.
    result.question_type = acceptedRound.question_type;
    result.reasoning_skills = acceptedRound.reasoning_skills;
  }
  result.end_reason = acceptedRound ? null : endReason;
  result.error = error ?? null;
  result.finished = true;
  writeResult(episode);
  return result;
}

/** Write to a temporary file, then rename: a reader (or a kill) never sees a half-written file. */
export function writeResult(episode: Episode): void {
  if (!episode.resultPath) return;
  // Unique per process and harness, so two harnesses writing the same document id never share a temp file.
  const temporary = `${episode.resultPath}.${process.pid}-${episode.result.harness.content_hash.slice(0, 8)}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(episode.result, null, 2)}\n`);
  renameSync(temporary, episode.resultPath);
}

/** Rounds that reached a verdict (infrastructure rounds are not verdicts). */
export function verdictRounds(result: DocumentResult): RoundRecord[] {
  return result.rounds.filter((round) => round.failure_reason !== 'infrastructure');
}

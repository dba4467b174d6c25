// Running the inner loop over documents: one episode per document, concurrently, each finished
// episode stored (and reused on resume) when a store is given.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AutodataError, RunHalted } from '../errors.ts';
import type { Harness } from '../harness/harness.ts';
import { runAgentic } from './agentic-orchestrator.ts';
import { runJudgeLoop } from './judge-loop-orchestrator.ts';
import { settleAll } from '../util/settle-all.ts';
import { countingLlm } from './counting-llm.ts';
import { findDocumentResult, saveDocumentResult } from './document-results.ts';
import { finishEpisode, resultFileName, startEpisode, writeResult } from './episode.ts';
import { fitDocuments } from './fit-document.ts';
import { outcomeFromResult } from './outcome.ts';
import { runScripted, runSingleShot, type EpisodeEnd } from './scripted-orchestrator.ts';
import type { EpisodeContext } from './stages.ts';
import type { DocumentFitRecord, DocumentResult } from './result-schema.ts';
import { summarizeEvaluation } from './summarize-evaluation.ts';
import { canonicalJson } from '../util/hash.ts';
import type { DocumentOutcome, EvaluateOptions, HarnessEvaluation, InnerDeps, InnerDocument, RunDocumentOptions } from './types.ts';

/** One document's episode. Bad input and failed episodes are outcomes with `error`; only code faults throw. */
export async function runDocument(
  deps: InnerDeps,
  harness: Harness,
  document: InnerDocument,
  options: RunDocumentOptions,
): Promise<DocumentOutcome> {
  const counting = countingLlm(deps.llm);
  const episode = startEpisode(harness, document, options);
  episode.result.usage = counting.usage;
  if (document.text.trim() === '') {
    const result = finishEpisode(episode, null, `document "${document.id}" is empty; nothing to write a question about`);
    return outcomeFromResult(result, false);
  }
  const context: EpisodeContext = {
    llm: counting.llm,
    harness,
    document,
    seed: options.seed,
    repeat: options.repeat,
    earlyStop: options.earlyStop ?? harness.settings.earlyStop,
    ...(options.learnings === undefined ? {} : { learnings: options.learnings }),
  };
  let end: EpisodeEnd;
  try {
    const orchestrator = { agentic: runAgentic, scripted: runScripted, 'single-shot': runSingleShot, 'judge-loop': runJudgeLoop }[harness.settings.orchestrator];
    end = await orchestrator(context, episode);
  } catch (error) {
    // A halted run (endpoint down, quota) is no document's error: it stops the whole job.
    if (!(error instanceof AutodataError) || error instanceof RunHalted) throw error;
    // e.g. a prompt that cannot be rendered: this document's episode ends, the run goes on.
    end = { endReason: null, error: `document "${document.id}": ${error.message}` };
  }
  const result = finishEpisode(episode, end.endReason, end.error);
  deps.log?.(`${document.id}: ${result.final_accepted_round === null ? `not accepted (${result.end_reason ?? result.error})` : `accepted in round ${result.final_accepted_round}`}`);
  return outcomeFromResult(result, false);
}

/**
 * Every document through the harness; `passRate` = accepted / documents that reached a verdict.
 * With `contextFit`, a document too long for a role's context window is first truncated or
 * skipped (inner/fit-document.ts); a skipped one is never sent, is no outcome, and is counted in
 * `summary.skipped` (its result.json says why).
 */
export async function evaluateHarness(
  deps: InnerDeps,
  harness: Harness,
  given: InnerDocument[],
  options: EvaluateOptions,
): Promise<HarnessEvaluation> {
  const { concurrency, onDocumentDone, beforeStart, contextFit, ...runOptions } = options;
  const fitted = contextFit ? fitDocuments(given, contextFit) : { documents: given, skipped: [] };
  const documents = fitted.documents;
  for (const { documentId, fit } of fitted.skipped) {
    const document = given.find((entry) => entry.id === documentId)!;
    writeSkippedResult(harness, { ...document, fit }, runOptions);
    deps.log?.(`${documentId}: skipped (${fit.detail})`);
  }
  const now = deps.now ?? (() => new Date().toISOString());
  const outcomes: DocumentOutcome[] = new Array(documents.length);
  let next = 0;
  let done = 0;

  const runOne = async (document: InnerDocument): Promise<DocumentOutcome> => {
    const key = { harnessHash: harness.contentHash, documentId: document.id, seed: options.seed, repeat: options.repeat };
    const stored = deps.store ? findDocumentResult(deps.store, key) : undefined;
    // A stored episode ran on the text it recorded: reused only when the document is fitted the same way now.
    if (stored && sameFit(stored.document_fit, document.fit)) {
      // The stored row keeps the provenance of the evaluation that ran it; this evaluation's copy names this one.
      const reused: DocumentResult = runOptions.provenance ? { ...stored, provenance: runOptions.provenance } : stored;
      if (runOptions.resultsDir) writeResult({ result: reused, resultPath: resultPathFor(runOptions, document.id) });
      return outcomeFromResult(reused, true);
    }
    const outcome = await runDocument(deps, harness, document, runOptions);
    // Errored episodes are not stored: a resumed run tries them again.
    if (deps.store && !outcome.error) saveDocumentResult(deps.store, key, outcome.result, now);
    return outcome;
  };

  // After a halt (RunHalted, a code fault) no new document starts; those in flight finish first,
  // and a worker that beforeStart holds back stops waiting.
  let halted = false;
  let announceHalt = () => {};
  const halt = new Promise<false>((resolve) => (announceHalt = () => resolve(false)));
  // The first document beforeStart refused: it and every later one are not run.
  let stopAt = documents.length;
  const worker = async () => {
    while (next < stopAt && !halted) {
      const index = next;
      next += 1;
      if (beforeStart && !(await Promise.race([beforeStart(index), halt]))) {
        stopAt = Math.min(stopAt, index);
        return;
      }
      if (halted) return;
      let outcome: DocumentOutcome;
      try {
        outcome = await runOne(documents[index]!);
      } catch (error) {
        halted = true;
        announceHalt();
        throw error;
      }
      outcomes[index] = outcome;
      done += 1;
      onDocumentDone?.(outcome, done, documents.length, index);
    }
  };
  await settleAll(Array.from({ length: Math.max(1, Math.min(concurrency, documents.length)) }, worker));
  // Documents are started in order, so those run are the first `stopAt` (all of them unless beforeStart stopped it).
  const started = outcomes.slice(0, stopAt);
  const summary = summarizeEvaluation(started, fitted.skipped);
  return { passRate: summary.passRate, outcomes: started, summary };
}

function sameFit(stored: DocumentFitRecord | undefined, current: DocumentFitRecord | undefined): boolean {
  return canonicalJson(stored ?? null) === canonicalJson(current ?? null);
}

/** A skipped document's result.json: no rounds, no calls, `document_fit` saying why. Never stored (nothing ran). */
function writeSkippedResult(harness: Harness, document: InnerDocument, options: RunDocumentOptions): void {
  if (!options.resultsDir) return;
  const episode = startEpisode(harness, document, options);
  finishEpisode(episode, null);
}

function resultPathFor(options: RunDocumentOptions, documentId: string): string | undefined {
  if (!options.resultsDir) return undefined;
  mkdirSync(options.resultsDir, { recursive: true });
  return path.join(options.resultsDir, resultFileName(documentId));
}

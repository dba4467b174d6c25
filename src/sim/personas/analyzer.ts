// The sim analyzer (`failure_analysis`): reads the failure trajectories and the history as text,
// reports the failure modes it finds with counts, quoted evidence and a fix, all in plain words: the
// fix says what to change and quotes an instruction to add (a wording of the catalogue, in curly
// quotes), never the sim's own identifiers. Like a real analyst it is imperfect: now and then
// (seeded) it misses a mode or puts a rare one first.
import { getDirective, type DirectiveId } from '../directives.ts';
import type { Persona, SimReply, SimRequest } from './index.ts';
import { ROUND_HEADER, failureModeCatalogue, modeEvidence, rememberingLineShowsMode, type FailureModeSpec } from './meta-failure-modes.ts';
import { failedDirectivesInHistory, fileForDirective, quoted } from './meta-history.ts';
import { findSection, pick } from './meta-request.ts';

export const FAILURE_ANALYSIS_SCHEMA = 'failure_analysis';

export interface AnalyzerOptions {
  /** Chance that one found mode is left out of the report. */
  missRate: number;
  /** Chance that the least frequent mode is reported first. */
  misrankRate: number;
  maxModes: number;
  evidencePerMode: number;
}

export const defaultAnalyzerOptions: AnalyzerOptions = { missRate: 0.12, misrankRate: 0.12, maxModes: 6, evidencePerMode: 3 };

export interface ObservedFailureMode {
  mode: FailureModeSpec;
  /** Rounds (documents, for how an episode ended) that show the mode. */
  count: number;
  /** Short quotes of matching lines, from different rounds first. */
  evidence: string[];
}

export interface FailureAnalysisReply {
  headline: string;
  failure_modes: Array<{ name: string; count: number; evidence: string[]; suggested_fix: string }>;
}

/** A document's header starts a new group too, so its outcome line is not read as part of the previous round. */
const DOCUMENT_HEADER = /^(?:===\s*)?Document\b/;
const BANNER = /^===\s*Document\b/;
const EVIDENCE_CHARS = 180;

/** Every failure mode present in `trajectories`, exact counts, most frequent first (catalogue order on ties). */
export function findFailureModes(trajectories: string, evidencePerMode = defaultAnalyzerOptions.evidencePerMode): ObservedFailureMode[] {
  const rounds = splitRounds(trajectories);
  const documents = splitDocuments(trajectories);
  const observed: ObservedFailureMode[] = [];
  const shows = rememberingLineShowsMode();
  for (const mode of failureModeCatalogue) {
    const groups = mode.scope === 'document' ? documents : rounds;
    const matchingRounds = groups.map((group) => modeEvidence(mode, group, shows)).filter((hits) => hits.length > 0);
    if (matchingRounds.length === 0) continue;
    observed.push({ mode, count: matchingRounds.length, evidence: chooseEvidence(matchingRounds, evidencePerMode) });
  }
  return observed.sort((a, b) => b.count - a.count);
}

/** The analyzer's reply: the found modes, perturbed by its seeded imperfections, with fixes. */
export function analyzeTrajectories(
  trajectories: string,
  history: string,
  rng: () => number,
  options: AnalyzerOptions = defaultAnalyzerOptions,
): FailureAnalysisReply {
  let modes = findFailureModes(trajectories, options.evidencePerMode);
  if (modes.length > 1 && rng() < options.missRate) {
    const missed = Math.floor(rng() * modes.length);
    modes = modes.filter((_, index) => index !== missed);
  }
  if (modes.length > 2 && rng() < options.misrankRate) {
    const rarest = modes[modes.length - 1] as ObservedFailureMode;
    modes = [rarest, ...modes.slice(0, -1)];
  }
  modes = modes.slice(0, options.maxModes);
  const failed = failedDirectivesInHistory(history);
  return {
    headline: headline(modes, countRounds(trajectories)),
    failure_modes: modes.map((observed) => ({
      name: observed.mode.name,
      count: observed.count,
      evidence: observed.evidence,
      suggested_fix: suggestFix(observed.mode, failed, rng),
    })),
  };
}

export function createAnalyzerPersona(options: AnalyzerOptions = defaultAnalyzerOptions): Persona {
  return {
    name: 'analyzer',
    matches: (request: SimRequest) => isAnalyzerRequest(request),
    respond(request, context): SimReply {
      const trajectories = findSection(request, 'trajectories')?.content ?? '';
      const history = findSection(request, 'history')?.content ?? '';
      return { content: JSON.stringify(analyzeTrajectories(trajectories, history, context.rng, options)), finishReason: 'stop' };
    },
  };
}

export const analyzerPersona: Persona = createAnalyzerPersona();

function isAnalyzerRequest(request: SimRequest): boolean {
  if (request.responseFormat) return request.responseFormat.name === FAILURE_ANALYSIS_SCHEMA;
  return !request.tools && findSection(request, 'trajectories') !== undefined;
}

/** Lines grouped by round: a round or document header starts a new group. */
function splitRounds(text: string): string[][] {
  const rounds: string[][] = [[]];
  for (const line of text.split('\n')) {
    if (ROUND_HEADER.test(line) || DOCUMENT_HEADER.test(line)) rounds.push([]);
    (rounds[rounds.length - 1] as string[]).push(line);
  }
  return rounds.filter((round) => round.some((line) => line.trim() !== ''));
}

/** Lines grouped by document: the loop's "=== Document" banners, else formatTrajectory's own first lines. */
function splitDocuments(text: string): string[][] {
  const lines = text.split('\n');
  const header = lines.some((line) => BANNER.test(line)) ? BANNER : DOCUMENT_HEADER;
  const documents: string[][] = [[]];
  for (const line of lines) {
    if (header.test(line)) documents.push([]);
    (documents[documents.length - 1] as string[]).push(line);
  }
  return documents.filter((document) => document.some((line) => line.trim() !== ''));
}

function countRounds(text: string): number {
  return text.split('\n').filter((line) => ROUND_HEADER.test(line)).length;
}

/** One quote from each matching round first, then more from the same rounds; no duplicates. */
function chooseEvidence(matchingRounds: string[][], limit: number): string[] {
  const quotes: string[] = [];
  for (let depth = 0; quotes.length < limit; depth += 1) {
    const layer = matchingRounds.map((hits) => hits[depth]).filter((line): line is string => line !== undefined);
    if (layer.length === 0) break;
    for (const line of layer) {
      const quote = shorten(line.trim());
      if (!quotes.includes(quote)) quotes.push(quote);
      if (quotes.length >= limit) break;
    }
  }
  return quotes;
}

function shorten(line: string): string {
  return line.length > EVIDENCE_CHARS ? `${line.slice(0, EVIDENCE_CHARS - 3)}...` : line;
}

function headline(modes: ObservedFailureMode[], rounds: number): string {
  const [first, second] = modes;
  if (!first) return 'No systematic failure stands out in these trajectories.';
  const scope = rounds > 0 ? ` across ${rounds} round${rounds === 1 ? '' : 's'}` : '';
  const main = `The main failure${scope} is ${first.mode.name} (${first.count})`;
  return second ? `${main}, followed by ${second.mode.name} (${second.count}).` : `${main}.`;
}

/**
 * Advice in words plus an instruction to add, quoted; an instruction the history shows failing is
 * passed over when another exists. The quote is what a reader (the sim implementer) acts on.
 */
function suggestFix(mode: FailureModeSpec, failed: ReadonlySet<DirectiveId>, rng: () => number): string {
  const untried = mode.fixes.filter((id) => !failed.has(id));
  const chosen = untried[0] ?? mode.fixes[0];
  if (!chosen) return `${capitalize(mode.advice)}.`;
  const wording = pick(getDirective(chosen).canonicalWordings, rng);
  const retried = untried.length === 0 ? ' (an instruction like it was tried before without success; try a different wording)' : '';
  return `${capitalize(mode.advice)}: add to ${fileForDirective(chosen)}${retried} an instruction such as ${quoted(wording)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// The sim implementer (`harness_edits`): reads the analysis, the history and the editable harness
// files, and proposes search/replace edits against the CURRENT file text. Its summary says in plain
// words what it adds or takes out, quoting the sentence (never the sim's own identifiers). It follows the analysis
// with a set probability, else picks from a catalogue of helpful, neutral and harmful edits; now and
// then it tries to edit a protected file or botches a search text, so that the framework's refusal
// paths are exercised on every run.
import { directiveCatalogue, detectDirectives, getDirective, type Directive, type DirectiveId } from '../directives.ts';
import type { Persona, SimReply, SimRequest } from './index.ts';
import { NEUTRAL_SENTENCES, insertionEdit, malformedEdit, protectedFileEdit, removalEdit, rewordingEdit, type HarnessEdit } from './meta-edits.ts';
import { HARMFUL_DIRECTIVE_MODES, modesDescribedBy, type FailureModeId } from './meta-failure-modes.ts';
import { ROLE_PROMPT_PATHS, directivesMentioned, failedDirectivesInHistory, fileForDirective, quoted } from './meta-history.ts';
import { findSection, parseHarnessFiles, pick, userTexts } from './meta-request.ts';

export const HARNESS_EDITS_SCHEMA = 'harness_edits';

export type ImplementerEditKind = 'helpful' | 'neutral' | 'harmful' | 'protected' | 'malformed';

export interface ImplementerRates {
  /** Chance of a tampering edit to a protected solver or judge prompt (the framework must refuse it). */
  protectedFile: number;
  /** Chance of an edit whose search text is not in the file. */
  malformed: number;
  /** Chance of following the analysis (when it points at a directive that is missing). */
  followAnalysis: number;
  /** Otherwise: relative weights of the catalogue's kinds. */
  catalogue: { helpful: number; neutral: number; harmful: number };
  /** "Positive-weight criteria only" needs "negative criteria optional" in the QV: chance of proposing both at once. */
  pairPositiveOnly: number;
  /** When following the analysis: chance of also adding the next directive it asks for in the same reply. */
  secondFix: number;
  /** Chance of passing over a directive the history shows failing. */
  avoidFailed: number;
  /** When following the analysis: chance of taking out a harmful directive that causes a reported mode. */
  removeHarmful: number;
}

export const defaultImplementerRates: ImplementerRates = {
  protectedFile: 0.06,
  malformed: 0.03,
  followAnalysis: 0.6,
  catalogue: { helpful: 0.4, neutral: 0.35, harmful: 0.25 },
  pairPositiveOnly: 0.5,
  secondFix: 0.2,
  avoidFailed: 0.7,
  removeHarmful: 0.7,
};

export interface ImplementerInput {
  analysis: string;
  history: string;
  /** Editable files as shown in `<harness>`: path -> exact text. */
  files: ReadonlyMap<string, string>;
  /** Text the framework sent after an earlier reply (a refusal to fix), if any. */
  retryFeedback?: string;
  /** Directives the earlier replies of this conversation already proposed. */
  alreadyProposed?: readonly DirectiveId[];
}

export interface ImplementerProposal {
  kind: ImplementerEditKind;
  reply: { summary: string; edits: HarnessEdit[] };
}

/** Tampering the implementer may try, with the reason it would give; the anchor is a placeholder the prompt must keep. */
const TAMPER_TARGETS: ReadonlyArray<{ file: string; directive: DirectiveId; anchor: string; rationale: string }> = [
  { file: ROLE_PROMPT_PATHS.weakSolver, directive: 'answer-briefly', anchor: '{{question}}', rationale: 'short weak answers widen the gap to the strong solver' },
  { file: ROLE_PROMPT_PATHS.weakSolver, directive: 'you-are-weak', anchor: '{{question}}', rationale: 'the weak solver should play its part' },
  { file: ROLE_PROMPT_PATHS.weakSolver, directive: 'answer-briefly', anchor: '{{context}}', rationale: 'weak answers ramble and score too well' },
  { file: ROLE_PROMPT_PATHS.strongSolver, directive: 'answer-briefly', anchor: '{{question}}', rationale: 'focused strong answers avoid misfiring criteria' },
  { file: ROLE_PROMPT_PATHS.judge, directive: 'judge-generously', anchor: '{{answer}}', rationale: 'strong answers lose credit they deserve' },
];

const EDITABLE_ROLES = ['challenger', 'qualityVerifier', 'mainAgent'] as const;

/** One reply of the implementer: which kind of edit it makes, and the edits. */
export function proposeHarnessEdits(input: ImplementerInput, rng: () => number, rates: ImplementerRates = defaultImplementerRates): ImplementerProposal {
  const retrying = input.retryFeedback !== undefined;
  const protectedRate = retrying && /protect/i.test(input.retryFeedback ?? '') ? 0 : retrying ? rates.protectedFile / 2 : rates.protectedFile;
  const malformedRate = retrying ? rates.malformed / 2 : rates.malformed;
  const draw = rng();
  if (draw < protectedRate) return tamper(input, rng);
  if (draw < protectedRate + malformedRate) {
    const botched = malformed(input, rng);
    if (botched) return botched;
  }
  const state: EditState = { input, rng, rates, failed: failedDirectivesInHistory(input.history), present: new Map() };
  if (rng() < rates.followAnalysis) {
    const followed = followAnalysis(state);
    if (followed) return followed;
  }
  const weights = rates.catalogue;
  const total = weights.helpful + weights.neutral + weights.harmful;
  const kindDraw = rng() * total;
  const kind: ImplementerEditKind = kindDraw < weights.helpful ? 'helpful' : kindDraw < weights.helpful + weights.neutral ? 'neutral' : 'harmful';
  if (kind !== 'neutral') {
    const fromCatalogue = catalogueEdits(state, kind);
    if (fromCatalogue) return fromCatalogue;
  }
  return neutralEdits(state) ?? { kind: 'neutral', reply: { summary: 'No change seems worth making to the shown files.', edits: [] } };
}

export function createImplementerPersona(rates: ImplementerRates = defaultImplementerRates): Persona {
  return {
    name: 'implementer',
    matches: (request: SimRequest) => isImplementerRequest(request),
    respond(request, context): SimReply {
      const input = implementerInput(request);
      return { content: JSON.stringify(proposeHarnessEdits(input, context.rng, rates).reply), finishReason: 'stop' };
    },
  };
}

export const implementerPersona: Persona = createImplementerPersona();

/** The persona's reading of a request: tagged data from the first message that carries `<harness>`, refusals after it. */
export function implementerInput(request: SimRequest): ImplementerInput {
  const harness = findSection(request, 'harness');
  const texts = userTexts(request);
  const at = harness?.messageIndex ?? 0;
  const later = texts.slice(at + 1);
  const earlierReplies = request.messages.flatMap((message) =>
    message.role === 'assistant' && typeof message.content === 'string' ? [message.content] : [],
  );
  return {
    analysis: findSection(request, 'analysis')?.content ?? '',
    history: findSection(request, 'history')?.content ?? '',
    files: parseHarnessFiles(harness?.content ?? ''),
    ...(later.length > 0 ? { retryFeedback: later.join('\n') } : {}),
    alreadyProposed: earlierReplies.flatMap((reply) => directivesMentioned(reply)),
  };
}

function isImplementerRequest(request: SimRequest): boolean {
  if (request.responseFormat) return request.responseFormat.name === HARNESS_EDITS_SCHEMA;
  return !request.tools && findSection(request, 'harness') !== undefined;
}

/**
 * Directives the analysis asks for, in its order: the instructions it quotes or words, else the
 * fixes of the failure modes its words describe (so an analysis written in prose by a real model also works).
 */
export function directivesFromAnalysis(analysis: string): DirectiveId[] {
  const ordered: DirectiveId[] = [];
  const add = (ids: readonly DirectiveId[]) => ids.forEach((id) => !ordered.includes(id) && ordered.push(id));
  for (const part of analysisParts(analysis)) {
    const named = directivesMentioned(part).filter((id) => getDirective(id).kind === 'helpful');
    if (named.length > 0) add(named);
    else for (const mode of modesDescribedBy(part)) add(mode.fixes);
  }
  return ordered;
}

/** One text per failure mode of a `failure_analysis` JSON; the whole text when it is not that JSON. */
function analysisParts(analysis: string): string[] {
  try {
    const parsed = JSON.parse(analysis) as { failure_modes?: Array<{ name?: unknown; suggested_fix?: unknown }> };
    if (Array.isArray(parsed.failure_modes)) {
      return parsed.failure_modes.map((mode) => `${String(mode.name ?? '')}\n${String(mode.suggested_fix ?? '')}`);
    }
  } catch {
    // Not JSON: read it as prose.
  }
  return [analysis];
}

/** What every edit choice of one reply needs. */
interface EditState {
  input: ImplementerInput;
  rng: () => number;
  rates: ImplementerRates;
  failed: ReadonlySet<DirectiveId>;
  /** Directives already in each shown file (keyed by file), found once per request: every candidate edit asks. */
  present: Map<string, readonly DirectiveId[]>;
}

/** Can `id` be added: its file is shown, it is not there yet, not proposed already, and not (usually) a known failure. */
function usable(state: EditState, id: DirectiveId): boolean {
  const file = fileForDirective(id);
  const text = state.input.files.get(file);
  if (text === undefined) return false;
  const role = getDirective(id).role;
  const key = `${role}\u0000${file}`;
  let present = state.present.get(key);
  if (!present) state.present.set(key, (present = detectDirectives(text, role)));
  if (present.includes(id)) return false;
  if (state.input.alreadyProposed?.includes(id)) return false;
  return !(state.failed.has(id) && state.rng() < state.rates.avoidFailed);
}

function followAnalysis(state: EditState): ImplementerProposal | undefined {
  const removal = removeHarmfulCause(state);
  if (removal) return removal;
  const wanted = directivesFromAnalysis(state.input.analysis).filter((id) => usable(state, id));
  const [first, second] = wanted;
  if (!first) return undefined;
  const chosen = [first];
  if (second && state.rng() < state.rates.secondFix) chosen.push(second);
  return helpfulEdits(state, chosen, 'following the analysis');
}

/** A harmful directive in the harness that causes a mode the analysis reports: take it out (sometimes). */
function removeHarmfulCause(state: EditState): ImplementerProposal | undefined {
  const reported = new Set(analysisParts(state.input.analysis).flatMap((part) => modesDescribedBy(part).map((mode) => mode.id)));
  for (const [id, mode] of Object.entries(HARMFUL_DIRECTIVE_MODES) as Array<[DirectiveId, FailureModeId]>) {
    const file = fileForDirective(id);
    const text = state.input.files.get(file);
    const directive = getDirective(id);
    if (!reported.has(mode) || text === undefined || !detectDirectives(text, directive.role).includes(id)) continue;
    if (state.rng() >= state.rates.removeHarmful) continue;
    const edit = removalEdit(file, text, directive.patterns);
    if (edit) return { kind: 'helpful', reply: { summary: `Take ${quoted(removedText(edit))} out of ${file}: it causes ${directive.failureMode}.`, edits: [edit] } };
  }
  return undefined;
}

function catalogueEdits(state: EditState, kind: 'helpful' | 'harmful'): ImplementerProposal | undefined {
  const options = directiveCatalogue.filter((directive) => directive.kind === kind && usable(state, directive.id));
  if (options.length === 0) return undefined;
  const directive = pick(options, state.rng);
  return kind === 'helpful' ? helpfulEdits(state, [directive.id], 'to strengthen the harness') : harmfulEdits(state, directive);
}

function neutralEdits(state: EditState): ImplementerProposal | undefined {
  const roles = EDITABLE_ROLES.filter((role) => state.input.files.has(ROLE_PROMPT_PATHS[role]));
  if (roles.length === 0) return undefined;
  const role = pick(roles, state.rng);
  const file = ROLE_PROMPT_PATHS[role];
  const text = state.input.files.get(file) as string;
  const reworded = state.rng() < 0.3 ? rewordingEdit(file, text, state.rng) : undefined;
  const edit = reworded ?? insertionEdit(file, text, pick(NEUTRAL_SENTENCES[role], state.rng), state.rng);
  if (!edit) return undefined;
  return { kind: 'neutral', reply: { summary: `Clarify the wording of ${file}.`, edits: [edit] } };
}

/** Adds each directive (plus, sometimes, the QV edit a positive-only rubric needs). */
function helpfulEdits(state: EditState, ids: DirectiveId[], why: string): ImplementerProposal | undefined {
  const all = [...ids];
  if (all.includes('positive-only-rubric') && !all.includes('negatives-optional') && usable(state, 'negatives-optional')) {
    if (state.rng() < state.rates.pairPositiveOnly) all.push('negatives-optional');
  }
  const inserted = insertDirectives(state, all);
  if (inserted.length === 0) return undefined;
  const first = all[0] as DirectiveId;
  const summary = `${addedText(inserted)}, ${why}: ${getDirective(first).failureMode}.`;
  return { kind: 'helpful', reply: { summary, edits: inserted.map((entry) => entry.edit) } };
}

function harmfulEdits(state: EditState, directive: Directive): ImplementerProposal | undefined {
  const inserted = insertDirectives(state, [directive.id]);
  if (inserted.length === 0) return undefined;
  return { kind: 'harmful', reply: { summary: `${addedText(inserted)}: ${directive.summary}.`, edits: inserted.map((entry) => entry.edit) } };
}

/** "Add “sentence” to file and “sentence” to file": what was added, quoted, first one first (the history keeps one line). */
function addedText(inserted: ReadonlyArray<{ edit: HarnessEdit; sentence: string }>): string {
  return `Add ${inserted.map((entry) => `${quoted(entry.sentence)} to ${entry.edit.file}`).join(' and ')}`;
}

/** The text a removal takes out: the line searched for, less what its replacement keeps. */
function removedText(edit: HarnessEdit): string {
  const removed = edit.replace === '' ? edit.search : edit.search.replace(edit.replace.trim(), '');
  return removed.replace(/^\s*(?:[-*+]|\d+[.)])\s/, '').trim();
}

/** One edit per directive, each after its own anchor line so that the edits never overlap. */
function insertDirectives(state: EditState, ids: DirectiveId[]): Array<{ edit: HarnessEdit; sentence: string }> {
  const inserted: Array<{ edit: HarnessEdit; sentence: string }> = [];
  const usedAnchors = new Set<string>();
  for (const id of ids) {
    const file = fileForDirective(id);
    const text = state.input.files.get(file);
    if (text === undefined) break;
    const sentence = pick(getDirective(id).canonicalWordings, state.rng);
    const edit = insertionEdit(file, text, sentence, state.rng, usedAnchors);
    if (!edit) break;
    usedAnchors.add(edit.search);
    inserted.push({ edit, sentence });
  }
  return inserted;
}

function tamper(input: ImplementerInput, rng: () => number): ImplementerProposal {
  const target = pick(TAMPER_TARGETS, rng);
  const sentence = pick(getDirective(target.directive).canonicalWordings, rng);
  const edit = protectedFileEdit(target.file, target.anchor, input.files.get(target.file), sentence, rng);
  return { kind: 'protected', reply: { summary: `Add ${quoted(sentence)} to ${target.file}: ${target.rationale}.`, edits: [edit] } };
}

function malformed(input: ImplementerInput, rng: () => number): ImplementerProposal | undefined {
  const files = [...input.files.keys()].filter((file) => file.endsWith('.md'));
  if (files.length === 0) return undefined;
  const file = pick(files, rng);
  const role = EDITABLE_ROLES.find((candidate) => ROLE_PROMPT_PATHS[candidate] === file) ?? 'challenger';
  const edit = malformedEdit(file, input.files.get(file) as string, pick(NEUTRAL_SENTENCES[role], rng), rng);
  return { kind: 'malformed', reply: { summary: `Tighten the instructions in ${file}.`, edits: [edit] } };
}

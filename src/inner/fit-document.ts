// Long documents and small context windows: a document that cannot fit the prompt of a role that
// carries it is never sent. Pure functions; the decision depends only on the document, the
// endpoints (each role's contextWindow and maxTokens) and the policy, never on the harness, so a
// parent and its child (and every baseline) see exactly the same documents.
//
// What a role's prompt needs, in estimated tokens (llm/token-estimate.ts: 3 characters a token,
// an over-estimate of English by about a third, which is the margin; no tokenizer):
//   the document in its tag (`<document title="...">...</document>`, rendered as the wire does)
//   + TOKENS_PER_MESSAGE (the one user message)
//   + INSTRUCTIONS_RESERVE_TOKENS (the harness's own text around the placeholders)
//   + the reply schema sent with the request (response_format; the larger CoT schema for the challenger)
//   + what grows over rounds: the challenger's {{feedback}} (FEEDBACK_RESERVE_TOKENS); the quality
//     verifier's {{example}}, which is the challenger's reply (at most the challenger's maxTokens)
//   + the role's maxTokens (a server refuses a request whose prompt plus max_tokens exceeds the window)
//   <= the role's contextWindow. A role without a contextWindow enforces nothing.
import { substitutePlaceholders } from '../harness/placeholders.ts';
import { responseFormatFor } from '../llm/structured.ts';
import { estimateTokens, TOKENS_PER_MESSAGE } from '../llm/token-estimate.ts';
import type { DocumentFitRecord } from './result-schema.ts';
import { CHALLENGER_SCHEMA_NAME, chainOfThoughtExampleSchema, QUALITY_SCHEMA_NAME, qualityVerdictSchema } from './schemas.ts';
import type { InnerDocument } from './types.ts';

export const LONG_DOCUMENT_POLICIES = ['truncate', 'skip'] as const;
export type LongDocumentPolicy = (typeof LONG_DOCUMENT_POLICIES)[number];
/**
 * truncate: with a window set, the researcher has said the model is small; real papers (8-20k
 * tokens) would otherwise mostly be dropped, and title + abstract + the leading sections are what
 * a reader sees first. `skip` is for questions that must rest on the whole document.
 */
export const DEFAULT_LONG_DOCUMENT_POLICY: LongDocumentPolicy = 'truncate';

/** The roles whose prompt carries `{{document}}` (harness/roles.ts); every other role sees the challenger's context or the title only. */
export const DOCUMENT_ROLES = ['challenger', 'qualityVerifier'] as const;
export type DocumentRole = (typeof DOCUMENT_ROLES)[number];

/** The harness's instruction text: the longest baseline prompt (cot challenger, 1,856 chars) is about 620; the rest is room for the implementer's edits. */
export const INSTRUCTIONS_RESERVE_TOKENS = 1024;
/**
 * The challenger's {{feedback}} in later rounds: the refinement message is a few lines per failed
 * round (a question preview of at most 300 characters plus the verdict), so about 6,000 characters
 * hold the default roundBudget of 10 rounds; an agentic main agent's instructions are shorter still.
 * Fixed rather than read from the harness's roundBudget, so the decision never depends on the harness.
 */
export const FEEDBACK_RESERVE_TOKENS = 2048;

export const TOO_LONG_FOR_CONTEXT = 'too-long-for-context' as const;

/** What fitting needs of an endpoint (config/endpoints.ts `Endpoint` satisfies it). */
export interface EndpointLimits {
  contextWindow?: number | undefined;
  maxTokens: number;
}

export interface RoleWindow {
  role: DocumentRole;
  contextWindow: number;
  maxTokens: number;
  /** Estimated tokens of the prompt besides the document: message overhead, instructions, reply schema, what grows over rounds. */
  reservedTokens: number;
  /** Estimated tokens left for the document in its tag (may be negative: nothing fits). */
  roomTokens: number;
}

export interface ContextFit {
  policy: LongDocumentPolicy;
  /** Only the document roles whose endpoint sets a contextWindow; empty: nothing to enforce. */
  windows: RoleWindow[];
}

/** The windows of the document roles, from the endpoints of every role. */
export function contextFitFor(roles: Record<DocumentRole, EndpointLimits>, policy: LongDocumentPolicy): ContextFit {
  const schemaTokens: Record<DocumentRole, number> = {
    challenger: estimateTokens(JSON.stringify(responseFormatFor(CHALLENGER_SCHEMA_NAME, chainOfThoughtExampleSchema))),
    qualityVerifier: estimateTokens(JSON.stringify(responseFormatFor(QUALITY_SCHEMA_NAME, qualityVerdictSchema))),
  };
  const growth: Record<DocumentRole, number> = { challenger: FEEDBACK_RESERVE_TOKENS, qualityVerifier: roles.challenger.maxTokens };
  const windows: RoleWindow[] = [];
  for (const role of DOCUMENT_ROLES) {
    const { contextWindow, maxTokens } = roles[role];
    if (contextWindow === undefined) continue;
    const reservedTokens = TOKENS_PER_MESSAGE + INSTRUCTIONS_RESERVE_TOKENS + schemaTokens[role] + growth[role];
    windows.push({ role, contextWindow, maxTokens, reservedTokens, roomTokens: contextWindow - maxTokens - reservedTokens });
  }
  return { policy, windows };
}

/** Estimated tokens of `text` as the `{{document}}` value: wrapped in its tag exactly as the wire renders it. */
export function documentTagTokens(title: string, text: string): number {
  return estimateTokens(substitutePlaceholders('{{document}}', { document: text }, { document: { title } }).text);
}

export type FitDecision =
  | { action: 'whole'; document: InnerDocument }
  | { action: 'truncated'; document: InnerDocument; fit: DocumentFitRecord }
  | { action: 'skipped'; documentId: string; fit: DocumentFitRecord };

/** The one-line marker that replaces the omitted sections. */
export function omissionMarker(omitted: number): string {
  return `[${omitted} section${omitted === 1 ? '' : 's'} omitted to fit the context window]`;
}

/**
 * The document as it can be sent: whole when it fits every window; else, under `truncate`, its
 * title, abstract and as many whole sections after them as fit, in order (the first section that
 * does not fit ends the text), then the omission marker; skipped under `skip`, or when even the
 * title and abstract do not fit.
 */
export function fitDocument(document: InnerDocument, fit: ContextFit): FitDecision {
  const binding = bindingWindow(fit.windows);
  const documentTokens = documentTagTokens(document.title, document.text);
  if (!binding || documentTokens <= binding.roomTokens) return { action: 'whole', document };
  const where = `${binding.role}'s ${binding.contextWindow}-token window leaves ${Math.max(0, binding.roomTokens)} for it`;
  const record = (fields: Pick<DocumentFitRecord, 'action' | 'kept_tokens' | 'kept_sections' | 'omitted_sections' | 'detail'>): DocumentFitRecord => ({
    policy: fit.policy,
    reason: TOO_LONG_FOR_CONTEXT,
    role: binding.role,
    context_window: binding.contextWindow,
    room_tokens: binding.roomTokens,
    document_tokens: documentTokens,
    ...fields,
  });
  const parts = markdownParts(document.text);
  const skipped = (detail: string): FitDecision => ({
    action: 'skipped',
    documentId: document.id,
    fit: record({ action: 'skipped', kept_tokens: null, kept_sections: 0, omitted_sections: parts.sections.map((section) => section.heading), detail }),
  });
  if (fit.policy === 'skip') return skipped(`the document needs about ${documentTokens} tokens; ${where} (policy skip)`);

  const fits = (text: string) => documentTagTokens(document.title, text) <= binding.roomTokens;
  const optional = parts.sections.filter((section) => section !== parts.abstract);
  let kept = -1;
  for (let count = 0; count <= optional.length && fits(assemble(parts, optional, count)); count += 1) kept = count;
  if (kept < 0) {
    const what = parts.sections.length === 0 ? 'it has no sections (Markdown headings) to leave out' : 'its title and abstract alone do not fit';
    return skipped(`the document needs about ${documentTokens} tokens; ${where}, and ${what}`);
  }
  const text = assemble(parts, optional, kept);
  const omitted = optional.slice(kept).map((section) => section.heading);
  return {
    action: 'truncated',
    document: { ...document, text },
    fit: record({
      action: 'truncated',
      kept_tokens: documentTagTokens(document.title, text),
      kept_sections: parts.sections.length - omitted.length,
      omitted_sections: omitted,
      detail: `${omitted.length} of ${parts.sections.length} sections omitted: the document needs about ${documentTokens} tokens; ${where}`,
    }),
  };
}

/**
 * The text a truncated episode's roles saw, rebuilt from its `document_fit` record (the sections it
 * left out): a later pass over the episode's example (`autodata reverify`) reads what the
 * challenger and the quality verifier read, whatever windows the later endpoints have. A record
 * whose omitted headings are not the document's trailing sections (the document changed since) is
 * undefined: the caller says so rather than guessing.
 */
export function documentAsSent(document: InnerDocument, fit: DocumentFitRecord | undefined): InnerDocument | undefined {
  if (!fit || fit.action !== 'truncated') return document;
  const parts = markdownParts(document.text);
  const optional = parts.sections.filter((section) => section !== parts.abstract);
  const count = optional.length - fit.omitted_sections.length;
  if (count < 0 || optional.slice(count).some((section, index) => section.heading !== fit.omitted_sections[index])) return undefined;
  return { ...document, text: assemble(parts, optional, count), fit };
}

export interface FittedDocuments {
  /** The documents to run, in order: whole, or truncated (those carry `fit`). */
  documents: InnerDocument[];
  truncated: Array<{ documentId: string; fit: DocumentFitRecord }>;
  skipped: Array<{ documentId: string; fit: DocumentFitRecord }>;
}

/** Every document through `fitDocument`. A document that already carries `fit` was fitted before and is kept as it is. */
export function fitDocuments(documents: readonly InnerDocument[], fit: ContextFit): FittedDocuments {
  const result: FittedDocuments = { documents: [], truncated: [], skipped: [] };
  for (const document of documents) {
    if (document.fit) {
      result.documents.push(document);
      if (document.fit.action === 'truncated') result.truncated.push({ documentId: document.id, fit: document.fit });
      continue;
    }
    const decision = fitDocument(document, fit);
    if (decision.action === 'skipped') {
      result.skipped.push({ documentId: decision.documentId, fit: decision.fit });
    } else if (decision.action === 'truncated') {
      result.documents.push({ ...decision.document, fit: decision.fit });
      result.truncated.push({ documentId: document.id, fit: decision.fit });
    } else {
      result.documents.push(decision.document);
    }
  }
  return result;
}

/**
 * `2 documents truncated to fit challenger's 8192-token window, 1 skipped (too long for the context window)`;
 * undefined when every document was sent whole.
 */
export function describeDocumentFit(counts: { truncated: ReadonlyArray<{ fit: Pick<DocumentFitRecord, 'role' | 'context_window'> }>; skipped: number }): string | undefined {
  if (counts.truncated.length === 0 && counts.skipped === 0) return undefined;
  const byWindow = new Map<string, number>();
  for (const { fit } of counts.truncated) {
    const key = `${fit.role}'s ${fit.context_window}-token window`;
    byWindow.set(key, (byWindow.get(key) ?? 0) + 1);
  }
  const truncated = [...byWindow].map(([window, count], index) =>
    index === 0 ? `${count} document${count === 1 ? '' : 's'} truncated to fit ${window}` : `${count} to fit ${window}`,
  );
  const skipped = counts.skipped === 0 ? [] : [`${counts.skipped}${truncated.length === 0 ? ` document${counts.skipped === 1 ? '' : 's'}` : ''} skipped (too long for the context window)`];
  return [...truncated, ...skipped].join(', ');
}

/** The window that leaves the document the least room (the first document role on a tie). */
function bindingWindow(windows: readonly RoleWindow[]): RoleWindow | undefined {
  let binding: RoleWindow | undefined;
  for (const window of windows) if (!binding || window.roomTokens < binding.roomTokens) binding = window;
  return binding;
}

interface Section {
  heading: string;
  /** The heading line and everything up to the next heading, exactly as written. */
  text: string;
  index: number;
}

interface MarkdownParts {
  /** Always kept: the text before the first heading, the title heading and the text under it. */
  lead: string;
  /** Every heading after the title, each with its own text (a subsection is a section of its own). */
  sections: Section[];
  /** The section whose heading is "Abstract", kept with the lead; absent: the lead's text is the abstract. */
  abstract: Section | undefined;
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ABSTRACT_HEADING = /^(?:\d+(?:\.\d+)*\.?\s+)?abstract\s*:?$/i;

/** Splits Markdown at its ATX headings (never inside a fenced code block). */
export function markdownParts(text: string): MarkdownParts {
  const lines = text.split(/(?<=\n)/);
  const blocks: Array<{ level: number; heading: string; lines: string[] }> = [{ level: 0, heading: '', lines: [] }];
  let fence: string | undefined;
  for (const line of lines) {
    const bare = line.replace(/\r?\n$/, '');
    const fenceMatch = FENCE.exec(bare);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    }
    const heading = fence === undefined && !fenceMatch ? HEADING.exec(bare) : null;
    if (heading) blocks.push({ level: heading[1]!.length, heading: (heading[2] ?? '').trim(), lines: [line] });
    else blocks.at(-1)!.lines.push(line);
  }
  const [before, ...headed] = blocks;
  // The first heading is the title when every later heading is deeper (`# Title` over `## ...`).
  const first = headed[0];
  const hasTitle = first !== undefined && headed.slice(1).every((block) => block.level > first.level);
  const sections = (hasTitle ? headed.slice(1) : headed).map((block, index) => ({ heading: block.heading, text: block.lines.join(''), index }));
  return {
    lead: before!.lines.join('') + (hasTitle ? first.lines.join('') : ''),
    sections,
    abstract: sections.find((section) => ABSTRACT_HEADING.test(section.heading)),
  };
}

/** The lead, the abstract and the first `count` optional sections in document order, then the marker when any was left out. */
function assemble(parts: MarkdownParts, optional: readonly Section[], count: number): string {
  const kept = new Set<Section>(optional.slice(0, count));
  if (parts.abstract) kept.add(parts.abstract);
  const body = parts.lead + parts.sections.filter((section) => kept.has(section)).map((section) => section.text).join('');
  const omitted = optional.length - count;
  return omitted === 0 ? body : `${body.trimEnd()}\n\n${omissionMarker(omitted)}\n`;
}

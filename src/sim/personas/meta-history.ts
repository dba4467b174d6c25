// What the meta personas read from the history log, and where each directive lives in a harness.
import { directiveCatalogue, type DirectiveId, type DirectiveRole } from '../directives.ts';

/** The harness file each role's prompt is read from (src/README.md, "The wire protocol"). */
export const ROLE_PROMPT_PATHS: Record<DirectiveRole, string> = {
  mainAgent: 'prompts/main-agent.md',
  challenger: 'prompts/challenger.md',
  qualityVerifier: 'prompts/quality-verifier.md',
  weakSolver: 'prompts/weak-solver.md',
  strongSolver: 'prompts/strong-solver.md',
  judge: 'prompts/judge.md',
};

const DIRECTIVE_ROLES: Record<DirectiveId, DirectiveRole> = {
  'paper-specific-insight': 'challenger',
  'no-leak-self-test': 'challenger',
  'no-reported-numbers': 'challenger',
  'positive-only-rubric': 'challenger',
  'cap-weights': 'challenger',
  'strict-integer-weights': 'challenger',
  'predicted-outcomes': 'challenger',
  'as-hard-as-possible': 'challenger',
  'list-all': 'challenger',
  'negatives-optional': 'qualityVerifier',
  'answer-from-context': 'qualityVerifier',
  'be-lenient': 'qualityVerifier',
  'pass-feedback-verbatim': 'mainAgent',
  'keep-iterating': 'mainAgent',
  'both-evaluations': 'mainAgent',
  'answer-briefly': 'weakSolver',
  'you-are-weak': 'weakSolver',
  'judge-generously': 'judge',
};

export function fileForDirective(id: DirectiveId): string {
  return ROLE_PROMPT_PATHS[DIRECTIVE_ROLES[id]];
}

const ENTRY_HEADER = /^\s*(?:#+\s*|[-*]\s*)?(?:iteration|iter\.?)\s*#?\d+/i;
const FAILED_OUTCOME = /\b(rejected|refused|not accepted|no improvement|did not help|worse than (the )?parent)\b/i;

/**
 * Directives that earlier iterations tried without success: an instruction in a wording the
 * detector knows (the sim implementer's summaries quote what they add), in an entry that ended badly.
 */
export function failedDirectivesInHistory(history: string): Set<DirectiveId> {
  const failed = new Set<DirectiveId>();
  for (const entry of historyEntries(history)) {
    if (!FAILED_OUTCOME.test(entry)) continue;
    for (const id of directivesMentioned(entry)) failed.add(id);
  }
  return failed;
}

/**
 * Directives whose wording `text` carries: first those inside curly quotes (the instructions the
 * meta personas quote, in order), then any other, in order of first appearance. The meta personas
 * write plain words, never a directive's id, so this is how one reads what the other proposed.
 */
export function directivesMentioned(text: string): DirectiveId[] {
  const quotes = [...text.matchAll(/\u201c([^\u201d]*)\u201d/g)].map((match) => match[1] ?? '');
  const ordered: DirectiveId[] = [];
  for (const part of [...quotes, text]) {
    for (const id of byPosition(part)) if (!ordered.includes(id)) ordered.push(id);
  }
  return ordered;
}

/** The directives a text's wording matches, ordered by where their first match starts. */
function byPosition(text: string): DirectiveId[] {
  return directiveCatalogue
    .map((directive) => ({ id: directive.id, at: Math.min(...directive.patterns.map((pattern) => pattern.exec(text)?.index ?? Infinity)) }))
    .filter((entry) => entry.at !== Infinity)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.id);
}

/** An instruction as the meta personas quote it (curly quotes, so straight ones inside it stay). */
export function quoted(sentence: string): string {
  return `\u201c${sentence}\u201d`;
}

/** One entry per iteration when the log has iteration headers, else one per line. */
function historyEntries(history: string): string[] {
  const lines = history.split('\n');
  if (!lines.some((line) => ENTRY_HEADER.test(line))) return lines;
  const entries: string[] = [];
  for (const line of lines) {
    if (ENTRY_HEADER.test(line) || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  return entries;
}

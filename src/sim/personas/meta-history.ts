// What the meta personas read from the history log, and where each directive lives in a harness.
import { DIRECTIVE_IDS, detectDirectives, type DirectiveId, type DirectiveRole } from '../directives.ts';

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
 * Directives that earlier iterations tried without success: named by id (the sim implementer's
 * summaries name them) or quoted in a wording the detector knows, in an entry that ended badly.
 */
export function failedDirectivesInHistory(history: string): Set<DirectiveId> {
  const failed = new Set<DirectiveId>();
  for (const entry of historyEntries(history)) {
    if (!FAILED_OUTCOME.test(entry)) continue;
    for (const id of directivesMentioned(entry)) failed.add(id);
  }
  return failed;
}

/** Directive ids named in `text` (in order of first mention), plus any the detector finds in quoted wordings. */
export function directivesMentioned(text: string): DirectiveId[] {
  const named = DIRECTIVE_IDS.map((id) => ({ id, at: text.indexOf(id) }))
    .filter((entry) => entry.at !== -1)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.id);
  const detected = detectDirectives(text).filter((id) => !named.includes(id));
  return [...named, ...detected];
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

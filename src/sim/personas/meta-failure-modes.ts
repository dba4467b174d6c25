// The failure modes the sim analyzer can recognise in trajectory text, and the directives that fix
// them. Patterns use the words the framework and the inner personas actually write: verdict lines
// ("Round 3: TOO EASY (weak mean 0.81)"), QV check verdicts and reasons, rubric format errors, judge
// reasons, the agent's ending. The implementer reuses them to read an analysis written in prose.
import type { DirectiveId } from '../directives.ts';

export type FailureModeId =
  | 'too-easy'
  | 'generic-question'
  | 'context-leak'
  | 'number-tied'
  | 'recall-question'
  | 'rubric-format'
  | 'negative-misfire'
  | 'qv-demands-negatives'
  | 'failed-on-strong'
  | 'label-mismatch'
  | 'gave-up'
  | 'false-acceptance';

export interface FailureModeSpec {
  id: FailureModeId;
  /** The analyzer's name for it. */
  name: string;
  /**
   * 'verdict': read from a round's verdict line; 'round': from any line of the round; 'document':
   * from any line of a document's trajectory, counted once per document (how an episode ended).
   */
  scope: 'verdict' | 'round' | 'document';
  patterns: RegExp[];
  /** A judge score line that shows the mode, given the answer of the attempt it scores. */
  scoreLineCheck?: (line: string, where: { answer: string }) => boolean;
  /** Whether the round's own text shows the mode beyond single lines (e.g. the context quotes the reference). */
  roundCheck?: (lines: readonly string[]) => string[];
  /** Directives that remove the cause, best first (an implementer follows them in this order). */
  fixes: DirectiveId[];
  /** What to change, in words, before the directive is named. */
  advice: string;
}

export const failureModeCatalogue: readonly FailureModeSpec[] = [
  {
    id: 'too-easy',
    name: 'questions too easy for the weak solver',
    scope: 'verdict',
    // Verdict modes are read from round headers only, so the plain words are safe here.
    patterns: [/\btoo easy\b/i],
    fixes: ['paper-specific-insight', 'predicted-outcomes', 'pass-feedback-verbatim'],
    advice: 'make every question hinge on an insight that only this paper provides, and keep the scores in the feedback',
  },
  {
    id: 'generic-question',
    name: 'generic questions answerable without the paper',
    scope: 'round',
    patterns: [
      /\bgeneric\b/i,
      /\bwithout (reading|seeing|access to|having read) (the|this) (paper|document|source)\b/i,
      /\b(general|common|textbook|background) knowledge\b/i,
      /\bnot specific to (the|this) (paper|document)\b/i,
      /\bin general\b|\bgeneral principle\b/i,
    ],
    fixes: ['paper-specific-insight', 'predicted-outcomes'],
    advice: 'require an insight specific to this paper, with the self-test "could it be answered without reading it?"',
  },
  {
    id: 'context-leak',
    name: 'context leaks the answer',
    scope: 'round',
    patterns: [
      /\banswer_leakage\b\W+FAIL\b/i,
      /\bleak(s|ed|ing|age)?\b/i,
      /\b(reveals|gives away|states|restates|paraphrases|spells out|contains) the (reference |key )?(answer|solution|finding)\b/i,
      /\banswer (is|was) (already )?(stated|given|written) in the context\b/i,
    ],
    roundCheck: contextQuotesReference,
    fixes: ['no-leak-self-test', 'answer-from-context'],
    advice: 'forbid the context from revealing the solution and have the verifier try to answer from the context alone',
  },
  {
    id: 'number-tied',
    name: 'questions tied to specific reported numbers',
    scope: 'round',
    patterns: [
      /\b(reported|exact|specific|precise) (numbers?|values?|figures?|percentages?|scores?)\b/i,
      /\bnumeric(al)? (value|result|answer)s?\b/i,
      /\b(asks|ask|asking) for a (number|value|figure|percentage)\b/i,
      /\bwhat (value|figure|number)\b/i,
      /\bquantitative result\b/i,
    ],
    fixes: ['no-reported-numbers'],
    advice: 'stop asking for values read off the result tables; a solver without the paper cannot know them',
  },
  {
    id: 'recall-question',
    name: 'recall or list questions instead of reasoning',
    scope: 'round',
    patterns: [
      /\breasoning_not_recall\b\W+FAIL\b/i,
      /\brecall\b/i,
      /\blook(ing|s|ed)? up (a|one) (single )?fact\b/i,
      /\b(list|enumerate|name) (all|every|each)\b/i,
      /\benumerat(e|es|ed|ing|ion)\b/i,
    ],
    fixes: ['predicted-outcomes'],
    advice: 'ask for predicted outcomes, trade-offs or counterfactuals rather than recall of what the paper lists',
  },
  {
    id: 'rubric-format',
    name: 'rubric format errors (weights written as strings such as "+8")',
    scope: 'round',
    patterns: [
      /\brubric format\b/i,
      /\bformat errors?\b/i,
      /"\+\d+"/,
      /\bnot an integer\b/i,
      /\bstring weights?\b/i,
    ],
    fixes: ['strict-integer-weights'],
    advice: 'demand strict JSON in which every weight is a bare integer',
  },
  {
    id: 'negative-misfire',
    name: 'negative criteria misfire on good answers',
    scope: 'round',
    patterns: [
      /\bnegative (criterion|criteria|item|weight)\b[^\n]{0,80}\b(misfir\w*|fired|triggered|penali[sz]\w*|wrongly|met by|counted against)\b/i,
      /\b(penali[sz]ed|docked|marked as a mistake)\b[^\n]{0,60}\b(correct|good|strong|right)\b/i,
      /\bmisfir(e|es|ed|ing)\b/i,
    ],
    scoreLineCheck: negativeCriterionMisfired,
    fixes: ['positive-only-rubric', 'cap-weights'],
    advice: 'use positive-weight criteria only and cap the weights, so one misjudged item cannot sink a strong answer',
  },
  {
    id: 'qv-demands-negatives',
    name: 'quality check rejects rubrics without enough negative criteria',
    scope: 'round',
    patterns: [
      /\bfewer than (3|three) (criteria with a )?negative\b/i,
      /\b(needs?|requires?|must have|missing|lacks?|only \d+|no) (at least )?(3 |three )?negative(-weight)? (criteria|criterion|items|weights)\b/i,
      /\bnegative (criteria|items|weights) (are )?(missing|required)\b/i,
    ],
    fixes: ['negatives-optional', 'positive-only-rubric'],
    advice: 'tell the verifier that negative criteria are optional, so positive-only rubrics can pass',
  },
  {
    id: 'failed-on-strong',
    name: 'questions too hard for the strong solver',
    scope: 'verdict',
    patterns: [/\bfailed on (the )?strong\b/i, /\btoo hard for the strong\b/i],
    fixes: ['pass-feedback-verbatim', 'no-reported-numbers'],
    advice: 'pull questions back toward what the paper supports, and pass the strong scores on to the challenger',
  },
  {
    id: 'label-mismatch',
    name: 'question type label does not match the question',
    scope: 'round',
    patterns: [/\blabel_match\b\W+FAIL\b/i, /\blabel mismatch\b/i, /\b(label|question_type) does not (match|describe|fit)\b/i],
    fixes: [],
    advice: 'have the challenger choose the question_type after writing the question, so the label describes it',
  },
  {
    id: 'gave-up',
    name: 'the agent gives up before the budget is spent',
    scope: 'document',
    patterns: [
      /\bgave up\b/i,
      /\bgiving up\b/i,
      /\(gave-up\)/i,
      /\b(stopped|ended|quit|submitted) (early|before the (round )?budget)\b/i,
      /\bend(ed)?[ _-]reason\W+gave-up\b/i,
    ],
    fixes: ['keep-iterating'],
    advice: 'tell the main agent to keep iterating until the round budget is spent',
  },
  {
    id: 'false-acceptance',
    name: 'false acceptance claims by the agent',
    scope: 'document',
    patterns: [/\boverruled\b/i, /\bfalse acceptance\b/i, /\bclaimed acceptance\b/i],
    fixes: ['both-evaluations'],
    advice: 'tell the main agent to run both evaluations before it claims acceptance',
  },
];

/** The failure mode each harmful directive produces: how an implementer knows what to take out. */
export const HARMFUL_DIRECTIVE_MODES: Partial<Record<DirectiveId, FailureModeId>> = {
  'as-hard-as-possible': 'failed-on-strong',
  'list-all': 'recall-question',
  'be-lenient': 'context-leak',
};

/** The modes a piece of analysis describes: its first line is a mode's name, else the modes its words show. */
export function modesDescribedBy(text: string): FailureModeSpec[] {
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  const named = failureModeCatalogue.filter((mode) => mode.name === firstLine);
  if (named.length > 0) return named;
  const flat = text.replace(/\n/g, ' ');
  return failureModeCatalogue.filter((mode) => lineShowsMode(mode, flat));
}

/** Lines that report a passed QV check carry words like "leak" without showing a failure. */
const PASSED_CHECK = /\b(answer_leakage|reasoning_not_recall|rubric_quality|label_match)\b\W+PASS\b/i;
/** "Round 3: TOO EASY (weak mean 0.81)": the verdict line that opens a round in formatTrajectory's text. */
export const ROUND_HEADER = /^\s*(?:#+\s*)?Round \d+\b/i;
const ATTEMPT_LINE = /^\s*Attempt \d+ \(score [^)]*\): (.*)$/;
const NEGATIVE_MET = /^\s*\[1\] \(-\d+\) (.+?): /;
const HEDGE = /\b(one might (say|think|argue)|needs care|it is tempting to|a common misconception)\b/i;

/** Does `line` (any line of text) show `mode` by its words? */
export function lineShowsMode(mode: FailureModeSpec, line: string): boolean {
  if (PASSED_CHECK.test(line)) return false;
  return mode.patterns.some((pattern) => pattern.test(line));
}

export type LineShowsMode = (mode: FailureModeSpec, line: string) => boolean;

/**
 * lineShowsMode, remembered per (mode, line) for one analysis: trajectories repeat many lines
 * (each attempt lists the same rubric items), and every mode reads every line.
 */
export function rememberingLineShowsMode(): LineShowsMode {
  const known = new Map<FailureModeSpec, Map<string, boolean>>();
  return (mode, line) => {
    let lines = known.get(mode);
    if (!lines) known.set(mode, (lines = new Map()));
    let shows = lines.get(line);
    if (shows === undefined) lines.set(line, (shows = lineShowsMode(mode, line)));
    return shows;
  };
}

/** The lines of one round or document (as formatTrajectory writes it) that show `mode`; empty when it is absent. */
export function modeEvidence(mode: FailureModeSpec, lines: readonly string[], shows: LineShowsMode = lineShowsMode): string[] {
  if (mode.scope === 'verdict') {
    const question = lines.find((line) => line.startsWith('Question: '));
    return lines
      .filter((line) => ROUND_HEADER.test(line) && shows(mode, line))
      .map((line) => (question ? `${line} | ${question}` : line));
  }
  const hits: string[] = [];
  const where = { answer: '' };
  for (const raw of lines) {
    // A solver's thinking (formatTrajectory's "Solver reasoning (" line) is its content, not a report of how the round went.
    if (raw.startsWith('Solver reasoning (')) continue;
    const attempt = ATTEMPT_LINE.exec(raw);
    if (attempt) {
      // A solver's answer is read only to judge the scores that follow it; its words are content, not a failure report.
      where.answer = attempt[1] ?? '';
      continue;
    }
    // The skills tags ("recall", "general knowledge") describe the question's kind loosely; the label is enough.
    const line = raw.startsWith('Question type: ') ? raw.replace(/ \| skills: .*$/, '') : raw;
    if (shows(mode, line) || mode.scoreLineCheck?.(line, where)) hits.push(line);
  }
  // Label lines say least about the cause: quote them last.
  hits.sort((a, b) => Number(a.startsWith('Question type: ')) - Number(b.startsWith('Question type: ')));
  for (const extra of mode.roundCheck?.(lines) ?? []) if (!hits.includes(extra)) hits.push(extra);
  return hits;
}

/**
 * A negative criterion scored as met ("[1] (-4) Claims that X has no influence.: ...") where the
 * answer states that claim only to set it aside ("One might say that X has no influence, but that
 * needs care."): the misfire that crushes careful answers. An answer that really makes the mistake
 * does not count.
 */
function negativeCriterionMisfired(line: string, where: { answer: string }): boolean {
  const criterion = NEGATIVE_MET.exec(line)?.[1];
  if (criterion === undefined) return false;
  const claim = /\bthat (.+?)\.?$/i.exec(criterion)?.[1]?.toLowerCase();
  const answerSentences = where.answer.split(/(?<=[.!?])\s+/);
  const stating = claim ? answerSentences.filter((sentence) => sentence.toLowerCase().includes(claim)) : answerSentences;
  return stating.length > 0 && stating.every((sentence) => HEDGE.test(sentence));
}

/** The context repeats the reference answer's first sentence: the leak is visible in the text itself. */
function contextQuotesReference(lines: readonly string[]): string[] {
  const context = lines.find((line) => line.startsWith('Context: '));
  const reference = lines.find((line) => line.startsWith('Reference answer: '));
  if (!context || !reference) return [];
  const keySentence = reference.slice('Reference answer: '.length).split(/(?<=[.!?])\s/)[0]?.trim() ?? '';
  if (keySentence.length < 30 || !context.includes(keySentence)) return [];
  return [`Context repeats the reference answer: "${keySentence}"`];
}

// What the sim challenger takes from the `<feedback>` it is given: how many earlier questions were
// too easy / failed on strong / failed the quality check, and the scores when the message carries
// them. Reads the framework's refinement message and the main agent's own paraphrases alike.

export interface FeedbackSummary {
  tooEasy: number;
  failedOnStrong: number;
  failedQuality: number;
  /** Weak means reported for too-easy questions (empty when the message has no scores). */
  tooEasyWeakMeans: number[];
  /** Strong means reported for questions that failed on strong. */
  failedStrongMeans: number[];
  /** The earlier questions as the message quotes them (aligned with the means when both are given). */
  tooEasyQuestions: string[];
  failedStrongQuestions: string[];
  /** Whether the message carried scores at all. */
  hasScores: boolean;
  /** Reasons given for quality failures, lower-cased (to avoid repeating the fault). */
  qualityReasons: string;
}

type Group = 'tooEasy' | 'failedOnStrong' | 'failedQuality' | null;

function headingGroup(line: string): Group {
  if (/too easy/i.test(line)) return 'tooEasy';
  if (/fail(ed|s)? on (the )?strong|too hard|strong (model|solver) (could not|failed|struggled)/i.test(line)) return 'failedOnStrong';
  if (/fail(ed|s)? (the )?quality|quality check|rejected by the (quality )?verifier/i.test(line)) return 'failedQuality';
  return null;
}

function numberAfter(line: string, label: string): number | null {
  const match = new RegExp(`${label} (?:mean )?(?:of |was |=\\s*|:\\s*)?(\\d(?:\\.\\d+)?)`, 'i').exec(line);
  return match ? Number(match[1]) : null;
}

export function readFeedback(text: string | null): FeedbackSummary {
  const summary: FeedbackSummary = {
    tooEasy: 0,
    failedOnStrong: 0,
    failedQuality: 0,
    tooEasyWeakMeans: [],
    failedStrongMeans: [],
    tooEasyQuestions: [],
    failedStrongQuestions: [],
    hasScores: false,
    qualityReasons: '',
  };
  if (!text || /^\s*no earlier attempts\.?\s*$/i.test(text)) return summary;
  let group: Group = null;
  let sawNumberedItems = false;
  for (const line of text.split('\n')) {
    const heading = headingGroup(line);
    const isItem = /^\s*\d+\.\s/.test(line);
    if (heading && !isItem) group = heading;
    if (isItem && group) {
      summary[group] += 1;
      sawNumberedItems = true;
      const quoted = line.replace(/^\s*\d+\.\s*(\(round \d+\)\s*)?/, '');
      if (group === 'tooEasy') summary.tooEasyQuestions.push(quoted);
      if (group === 'failedOnStrong') summary.failedStrongQuestions.push(quoted);
    }
    if (group === 'failedQuality') summary.qualityReasons += ` ${line.toLowerCase()}`;
    const weak = numberAfter(line, 'weak');
    const strong = numberAfter(line, 'strong');
    if (weak !== null || strong !== null) summary.hasScores = true;
    if (group === 'tooEasy' && weak !== null) summary.tooEasyWeakMeans.push(weak);
    if (group === 'failedOnStrong' && strong !== null) summary.failedStrongMeans.push(strong);
  }
  if (!sawNumberedItems) {
    // A paraphrase such as "2 questions were too easy": take the counts from the sentences.
    const count = (pattern: RegExp) => {
      const match = pattern.exec(text);
      if (!match) return 0;
      const number = Number(match[1]);
      return Number.isFinite(number) && number > 0 ? number : 1;
    };
    summary.tooEasy = count(/(\d+|the|a|one)?\s*(?:earlier |previous |last )?questions? (?:was|were) too easy/i) || (/too easy/i.test(text) ? 1 : 0);
    summary.failedOnStrong = /fail(ed)? on (the )?strong|too hard/i.test(text) ? count(/(\d+)?\s*\w* ?questions? (?:failed on (?:the )?strong|(?:was|were) too hard)/i) || 1 : 0;
    summary.failedQuality = /quality check|quality verifier/i.test(text) ? 1 : 0;
  }
  return summary;
}

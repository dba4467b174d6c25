// The written forms the inner-loop personas share: rubric criterion templates, the marker phrases
// of negative criteria, question forms and their labels. The challenger writes with them; the
// judge, QV and solvers read real text and only need to know which words are template words.
import { deriveSeed } from '../../util/hash.ts';

export const POSITIVE_TEMPLATES = [
  'Explains the role of {w} in the outcome.',
  'Connects {w} to the observed effect.',
  'Identifies {w} as a factor that shapes the result.',
  'Describes how {w} changes under the stated conditions.',
  'Justifies the answer with reference to {w}.',
] as const;

export const NUMBER_TEMPLATES = [
  'States the reported value {n} for the main comparison.',
  'Gives the figure {n} that the experiments reported.',
] as const;

/** A negative criterion names a concept and a wrong claim about it; the marker is the wrong claim. */
export const NEGATIVE_MARKERS = [
  'has no influence',
  'always guarantees a better result',
  'is irrelevant here',
  'is independent of every other factor',
] as const;

export const NEGATIVE_TEMPLATES = ['Claims that {w} {m}.', 'Asserts that {w} {m}.'] as const;

/** Words that belong to the templates above; never used as concepts and ignored by the judge. */
export const TEMPLATE_WORDS = new Set(
  (
    'explains role outcome connects observed effect identifies factor shapes result describes changes stated ' +
    'conditions justifies answer reference states reported value figure experiments comparison claims asserts ' +
    'influence always guarantees better irrelevant independent every other'
  ).split(' '),
);

/** The one wrong claim a concept attracts (challenger and solvers agree on it). */
export function negativeMarker(word: string): string {
  return NEGATIVE_MARKERS[deriveSeed('negative-marker', word) % NEGATIVE_MARKERS.length]!;
}

export type QuestionForm = 'counterfactual' | 'mechanism' | 'trade-off' | 'design' | 'recall' | 'number' | 'generic';

/** Each form's honest label and the cue in the question text that the QV's label check looks for. */
export const QUESTION_FORMS: Record<QuestionForm, { label: string; cue: RegExp; skills: string[] }> = {
  counterfactual: { label: 'counterfactual prediction', cue: /\bsuppose\b|\bwhat would\b/i, skills: ['counterfactual reasoning', 'causal inference', 'prediction'] },
  mechanism: { label: 'mechanism explanation', cue: /\bwhy\b|\bexplain\b/i, skills: ['causal reasoning', 'mechanistic explanation'] },
  'trade-off': { label: 'trade-off analysis', cue: /\btrade-?off\b/i, skills: ['comparative analysis', 'weighing costs'] },
  design: { label: 'design rationale', cue: /\bdesign(er)?\b|\bchoose\b/i, skills: ['design reasoning', 'justification'] },
  recall: { label: 'factual recall', cue: /\blist\b|\baccording to the paper\b/i, skills: ['recall'] },
  number: { label: 'quantitative result', cue: /\bvalue\b|\bfigure\b/i, skills: ['quantitative reasoning', 'recall'] },
  generic: { label: 'general principle', cue: /\bin general\b|\bgenerally\b/i, skills: ['general knowledge', 'explanation'] },
};

export const RECALL_CUES = /\b(list|enumerate|name) (all|every|each)\b|\baccording to the paper\b|\bwhat did the authors (state|report)\b/i;
export const NUMBER_CUES = /\bwhat (value|figure|number)\b|\breported (value|figure|number)\b/i;
export const GENERIC_CUES = /\bin general\b|\bas a general principle\b/i;

/** Words of the question templates that are not concepts (solvers and the challenger skip them). */
export const QUESTION_FRAME_WORDS = new Set(
  (
    'team relies together value authors involving implies happen removed behave systems combine considering tend ' +
    'ingredients including emphasize rather designer choose would choice produce behaviour appears trade-off interact ' +
    'general research problem addressed studying stay'
  ).split(' '),
);

// The written forms the inner-loop personas share: rubric criterion templates, the marker phrases
// of negative criteria, question and context templates, question forms and their labels. The
// challenger writes with them; the judge, QV and solvers read real text and use them to tell a
// template's words from the document's terms (inner-templates.ts).
import { deriveSeed } from '../../util/hash.ts';

/**
 * Rubric criteria: one template per criterion, none used twice in a rubric. `{t}` is a term from
 * the document (written "the {t}"); the judge reads it back by matching the template.
 */
export const POSITIVE_TEMPLATES = [
  'Explains the contribution of the {t} to the outcome.',
  'Traces the predicted change back to the {t}.',
  'Says how the {t} would behave under the changed conditions.',
  'Connects the {t} to the behaviour the team observes.',
  'Identifies the {t} as one of the factors that decide the result.',
  'Grounds the main prediction in the {t}.',
  'Notes the conditions under which the benefit of the {t} disappears.',
  'Weighs the benefit of the {t} against its price.',
  'Separates the role of the {t} from that of the other parts.',
  'Uses the {t} to justify the conclusion.',
  'Describes how the {t} would interact with the rest of the design.',
  'Recognises that the size of the effect depends on the {t}.',
  'Describes the mechanism behind the effect of the {t}.',
  'Relates the {t} to the resources the method spends.',
  'Points out the situations in which the {t} would decide the outcome.',
  'Checks the argument against what is known about the {t}.',
] as const;

export const NUMBER_TEMPLATES = [
  'States the reported value {n} for the {t}.',
  'Gives the figure {n} that the experiments reported for the {t}.',
] as const;

/** A negative criterion names a term and a wrong claim about it ("Treats the X as irrelevant here."); the marker is the wrong claim. */
export const NEGATIVE_MARKERS = [
  'having no influence',
  'a guarantee of a better result',
  'irrelevant here',
  'independent of every other factor',
] as const;

export const NEGATIVE_TEMPLATES = [
  'Treats the {t} as {m}.',
  'Describes the {t} as {m}.',
  'Presents the {t} as {m}.',
  'Regards the {t} as {m}.',
  'Portrays the {t} as {m}.',
] as const;

/**
 * The reasoning forms' questions, as an opening (naming {a}, {b} and the method {m}) and a closing
 * (naming {c} and {d}) drawn independently: every opening goes with every closing, so two papers
 * asked the same form rarely get the same wording. A form's cue (QUESTION_FORMS) is in each of its
 * openings, and no narrower cue of another form is in any of its parts.
 */
const REASONING_FRAMES: Record<'counterfactual' | 'mechanism' | 'trade-off' | 'design', { openings: string[]; closings: string[] }> = {
  counterfactual: {
    openings: [
      'Suppose the team switched off the {a} in {m} but left the {b} untouched. What would happen to the results they care about, and through which steps?',
      'Suppose the workload shifted so that the {a} mattered far more than today, while the {b} stayed fixed. What would happen to {m}?',
      'Suppose a new deployment of {m} had to run without the {a}, with the {b} kept as before. What would change first, and what would follow?',
      'Suppose the operators of {m} leaned twice as hard on the {a} while holding the {b} steady. What would the consequences be, step by step?',
      'Suppose that in a cheaper setup the {a} of {m} worked only half as well and the {b} had to carry more of the load. How would the outcome move?',
    ],
    closings: [
      'Say how the {c} would respond and whether the {d} would amplify or dampen the change.',
      'Trace the effect through the {c}, and say how much the {d} would add to its size.',
      'Account for the {c} along the way, and for the part the {d} would play.',
      'Keep the {c} and the {d} in view: where does each of them enter your prediction?',
      'Be concrete about the {c}, and about the conditions under which the {d} would reverse the trend.',
    ],
  },
  mechanism: {
    openings: [
      'Explain why, in {m}, the {a} and the {b} together lead to the behaviour the team sees.',
      'The team sees {m} behave differently from its baselines. Explain the chain that runs from the {a} through the {b} to that behaviour.',
      'Why does the {a} matter so much for {m} when it works alongside the {b}?',
      'A reviewer asks why {m} gains from the {a} mainly in the presence of the {b}. Explain the mechanism at work.',
      'Walk through why the {a} of {m} would change what the {b} can achieve.',
    ],
    closings: [
      'Be specific about the part played by the {c}, and about the situations in which the {d} would change the picture.',
      'Say where the {c} and the {d} enter that chain of cause and effect.',
      'Point out the way the {c} would feed into this, and when the {d} would become the limiting factor.',
      'Place the {c} in the causal chain, and say what the {d} would add to it or take away.',
      'Include the role of the {c}, and note the circumstances in which the {d} would break the mechanism.',
    ],
  },
  'trade-off': {
    openings: [
      'The team must decide how far to rely on the {a} versus the {b} in {m}. What trade-off does this involve, and when would each side win?',
      'Tuning {m} for their deployment, the team can favour the {a} or the {b}. Describe the trade-off between the two.',
      'In {m}, more of the {a} tends to come at the expense of the {b}. Analyse this trade-off and the point at which it flips.',
      'Operators of {m} have a limited budget to spend on the {a} and on the {b}. Lay out the trade-off they face.',
      'There is a trade-off in {m} between leaning on the {a} and leaning on the {b}. Where does the balance lie for a team that cannot afford to get it wrong?',
    ],
    closings: [
      'Consider what the {c} would add and take away, and how the {d} would shift the balance.',
      'Explain how the {c} and the {d} would tip it one way or the other.',
      'Bring the {c} into the comparison, and say how a change in the {d} would move the break-even point.',
      'Say which side the {c} would favour, and whether the {d} would strengthen or weaken that side.',
      'Show where the {c} and the {d} sit on each side of the ledger.',
    ],
  },
  design: {
    openings: [
      'Why would a designer of {m} choose to emphasize the {a} rather than the {b}, and what would that choice give up?',
      'If you were to choose between investing in the {a} and investing in the {b} for {m}, which would you pick, and why?',
      'The designers of {m} put the {a} at the centre and treated the {b} as secondary. Justify that design decision and name its cost.',
      'Picture a redesign of {m} that drops the {a} in favour of a stronger {b}. Would you back that design, and on what grounds?',
      'A colleague proposes to design the next version of {m} around the {b} instead of the {a}. Argue for or against the proposal.',
    ],
    closings: [
      'Say how the {c} and the {d} enter the decision.',
      'Explain how the {c} and the {d} bear on that choice.',
      'Weigh the {c} in the argument, and say whether the {d} would make you reconsider.',
      'Make clear what the {c} would contribute and how the {d} would limit the options.',
      'Refer to the {c} and the {d} where they settle the matter.',
    ],
  },
};

function everyPairing({ openings, closings }: { openings: string[]; closings: string[] }): string[] {
  return openings.flatMap((opening) => closings.map((closing) => `${opening} ${closing}`));
}

/** Questions by form, each naming four terms ({a}..{d}, written "the ...") and the method ({m}). */
export const QUESTION_TEMPLATES: Record<QuestionForm, readonly string[]> = {
  counterfactual: everyPairing(REASONING_FRAMES.counterfactual),
  mechanism: everyPairing(REASONING_FRAMES.mechanism),
  'trade-off': everyPairing(REASONING_FRAMES['trade-off']),
  design: everyPairing(REASONING_FRAMES.design),
  recall: ['According to the paper, list all the parts of {m} that matter here, including the {a}, the {b}, the {c} and the {d}.'],
  number: [
    'What value did the authors report for the main comparison involving the {a} and the {b} in {m}, and what does that figure imply for the {c} and the {d}?',
    'What figure did the experiments on {m} give when the {a} was set against the {b}? Relate that number to the {c} and the {d}.',
    'For {m}, what figure came out of the comparison between the {a} and the {b}, and how should the {c} and the {d} be read in its light?',
  ],
  generic: [
    'In general, why do systems that combine the {a} and the {b} tend to behave well, and what part do the {c} and the {d} usually play?',
    'Speaking in general terms, what makes the {a} and the {b} a good pairing, and how do the {c} and the {d} usually fit in?',
    'In general, when does pairing the {a} with the {b} pay off, and what do the {c} and the {d} typically contribute?',
  ],
};

/** Scene sentences of a context: each names terms ({list}: "the a, the b and the c") and nothing of the finding. */
export const SCENE_TEMPLATES = [
  'Their system combines {list}.',
  'In their deployment they also keep an eye on {list}.',
  'The engineers have spent most of their time on {list}.',
  'Their notes single out {list} as worth watching.',
  'A separate test bed exercises {list}.',
] as const;

/** The sentence a leaking context adds after the finding: the answer in one line. */
export const LEAK_TEMPLATE = 'In short, the outcome depends on how {list} work together.';

/** The opening of every context; a solver reads the paper's title from it. */
export const CONTEXT_OPENING = 'A team is reproducing "{title}".';

/** Words that make a context sentence a claim (a finding and its reasons) rather than scene-setting. */
export const CLAIM_CUES = /\b(because|therefore|which is why|depends on|comes from|backfire|vanish(es)?|no further gain|paid for|widens|falls to|shrinks to|costs?)\b/i;

/** Reference-answer sentences for a term the document says nothing more about; none is used twice. */
export const REFERENCE_TEMPLATES = [
  'Part of the explanation lies in the {t}; without that part the finding would not hold in the same form.',
  'Leaving the {t} out of the argument would misjudge how large the change is.',
  'The conditions under which the effect shows up at all are set by the {t}.',
  'Because of its interactions with the other parts, the contribution of the {t} cannot be read off in isolation.',
  'Any prediction has to account for the {t} and the direction in which the result moves with it.',
  'How far the effect can go is limited by the {t}.',
  'Differences in the {t} explain why the effect is larger in some settings than in others.',
  'A careful answer also weighs the {t}, a factor that is easy to overlook.',
] as const;

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

/** Words of every rubric and reference template (never a term; kept for readers of plain words). */
export const TEMPLATE_WORDS = wordsOf([...POSITIVE_TEMPLATES, ...NUMBER_TEMPLATES, ...NEGATIVE_TEMPLATES, ...NEGATIVE_MARKERS, ...REFERENCE_TEMPLATES]);

/** Words of the question and context templates. */
export const QUESTION_FRAME_WORDS = wordsOf([...Object.values(QUESTION_TEMPLATES).flat(), ...SCENE_TEMPLATES, LEAK_TEMPLATE, CONTEXT_OPENING]);

function wordsOf(templates: readonly string[]): Set<string> {
  return new Set(templates.flatMap((template) => template.replace(/\{[a-z]+\}/g, ' ').toLowerCase().match(/[a-z][a-z-]*[a-z]/g) ?? []));
}

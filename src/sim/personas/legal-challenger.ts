// The sim challenger on a legal problem (`sim:legal`): a question that chains several sections of
// the statute. Left to itself it aims at the hard end (the exception and the saving that cuts it
// back, unannounced): too hard for the weak solver, the paper's CoT finding. Each loop-judge
// suggestion in the feedback moves the plan: "easier" points the reader at the section it names,
// "harder" takes a pointer away or adds a section; an override line about length is obeyed.
import { fnv1a, promptText, schemaHasProperty, schemaName, tagContent } from './inner-text.ts';
import { isLegalText, LEGAL_OUTCOME, PHRASES, readSections, sectionRole, type LegalSection } from './legal-model.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

/** Chance that the challenger acts on one suggestion as asked (fixed per document and suggestion). */
const FOLLOW_RATE = 0.3;
/** Chance a draft restates the facts inside the question (a question body over 1,000 characters). */
const RESTATE_RATE = 0.12;
const RESTATE_RATE_WARNED = 0.02;
/** Chance a draft's context gives the conclusion away (the quality verifier's leak check). */
const LEAK_RATE = 0.05;

interface LegalPlan {
  steps: number[];
  signposts: Set<number>;
}

/** Where an unguided challenger aims: the exception and the saving, and a time limit or a remedy with them. */
function unguidedPlan(title: string): LegalPlan {
  const third = fnv1a(`legal-plan:${title}`) % 2 === 0 ? 3 : 6;
  return { steps: [third, 4, 5].sort((a, b) => a - b), signposts: new Set() };
}

/** The suggestions and override lines of the feedback, oldest first. */
function readSuggestions(feedback: string): string[] {
  return [...feedback.matchAll(/^\s*(suggestion|must fix): (.+)$/gm)].map((match) => `${match[1]}: ${match[2]}`);
}

function hardestUnsignposted(plan: LegalPlan, sections: readonly LegalSection[]): number | undefined {
  const order = [5, 4, 3, 6, 2, 1];
  return order.find((number) => plan.steps.includes(number) && !plan.signposts.has(number) && sections.some((section) => section.number === number));
}

function applySuggestion(plan: LegalPlan, suggestion: string, sections: readonly LegalSection[]): void {
  const named = Number(/§ (\d+)/.exec(suggestion)?.[1] ?? NaN);
  const text = suggestion.toLowerCase();
  if (/easier|too hard|never reach/.test(text)) {
    const target = plan.steps.includes(named) && !plan.signposts.has(named) ? named : hardestUnsignposted(plan, sections);
    if (target !== undefined) plan.signposts.add(target);
    else plan.steps = plan.steps.filter((step) => step !== 5);
  } else if (/harder|too easy/.test(text)) {
    const last = [...plan.signposts].pop();
    if (last !== undefined) plan.signposts.delete(last);
    else if (!plan.steps.includes(5)) plan.steps.push(5);
  } else if (/separate|strong rollouts do/.test(text)) {
    if (!plan.steps.includes(5)) plan.steps.push(5);
  } else if (/disagree|all score about the same/.test(text)) {
    const target = hardestUnsignposted(plan, sections);
    if (target !== undefined) plan.signposts.add(target);
  }
  plan.steps.sort((a, b) => a - b);
}

export function legalExample(documentText: string, feedback: string, rng: () => number, withReasoning: boolean): Record<string, unknown> {
  const title = /^# (.+)$/m.exec(documentText)?.[1] ?? '';
  const sections = readSections(documentText);
  const facts = /## Facts\n([\s\S]*?)\n\n/.exec(documentText)?.[1]?.trim() ?? '';
  const clientQuestion = /## Question\n(.+)/.exec(documentText)?.[1]?.trim() ?? 'How do the provisions apply to these facts?';
  const plan = unguidedPlan(title);
  const suggestions = readSuggestions(feedback);
  suggestions.forEach((suggestion, index) => {
    // The same suggestion is followed (or not) in every later round: the plan builds up.
    if ((fnv1a(`legal-follow:${title}:${index}:${suggestion}`) % 1000) / 1000 < FOLLOW_RATE) applySuggestion(plan, suggestion, sections);
  });
  const warnedAboutLength = suggestions.some((line) => line.startsWith('must fix: the question body'));
  const restate = rng() < (warnedAboutLength ? RESTATE_RATE_WARNED : RESTATE_RATE);
  const leak = rng() < LEAK_RATE;
  const used = plan.steps.map((number) => sections.find((section) => section.number === number)).filter((section): section is LegalSection => section !== undefined);

  const context = [
    ...used.map((section) => `§ ${section.number}. ${section.heading}. ${section.text}`),
    '',
    `Facts. ${facts}`,
    ...(leak ? ['', `Read together, these provisions mean that ${LEGAL_OUTCOME}.`] : []),
  ].join('\n');
  const pointers = used
    .filter((section) => plan.signposts.has(section.number))
    .map((section) => `Note that § ${section.number} (${section.heading.toLowerCase()}) matters here: ask whether the facts bring the case within it.`);
  const question = [
    clientQuestion,
    'Work through each provision quoted above that bears on the answer, explain how it applies to the facts, say whether an exception or a saving changes the position, and state the result.',
    ...pointers,
    ...(restate ? [`To restate the provisions and the facts in full: ${context.replace(/\n+/g, ' ')} With all of that in mind, answer the question as put.`] : []),
  ].join(' ');
  const reference = [...used.flatMap((section) => [PHRASES.rule(section), PHRASES.applied(section)]), PHRASES.conclusion(LEGAL_OUTCOME)].join(' ');
  const rubric = [
    ...used.flatMap((section) => [
      { criterion: `States what § ${section.number} (${section.heading.toLowerCase()}) provides.`, weight: 2, category: 'rule' },
      { criterion: `Applies § ${section.number} (${section.heading.toLowerCase()}) to the facts.`, weight: section.number === 5 ? 4 : 3, category: 'application' },
    ]),
    { criterion: `Concludes that ${LEGAL_OUTCOME}.`, weight: 4, category: 'conclusion' },
    ...used.map((section) => ({
      criterion: `Treats § ${section.number} (${section.heading.toLowerCase()}) as settling the matter on its own.`,
      weight: -3,
      category: 'misapplication',
    })),
  ];
  const example: Record<string, unknown> = {};
  if (withReasoning) {
    example.reasoning =
      `The facts engage ${used.map((section) => `§ ${section.number} (${sectionRole(section.number)})`).join(', ')}. ` +
      'The interesting step is whether the saving takes the facts back out of the exception; a good question should test it.';
  }
  Object.assign(example, {
    question_type: used.some((section) => section.number === 5) ? 'exception and saving' : 'applying a statute',
    reasoning_skills: ['rule application', 'statutory interpretation'],
    context,
    question,
    reference_answer: reference,
    rubric,
  });
  return example;
}

export const legalChallengerPersona: Persona = {
  name: 'legal-challenger',
  matches: (request: SimRequest) => schemaName(request) === 'challenger_example' && isLegalText(promptText(request)),
  respond(request: SimRequest, { rng }: PersonaContext) {
    const prompt = promptText(request);
    const documentText = tagContent(prompt, 'document') ?? prompt;
    const example = legalExample(documentText, tagContent(prompt, 'feedback') ?? '', rng, schemaHasProperty(request, 'reasoning'));
    return { content: JSON.stringify(example) };
  },
};

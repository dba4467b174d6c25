// The sim taxonomist (`autodata analyze`'s question types): reads the questions of a <questions>
// block and tells their kind from the cues of the challenger's question forms. Like several human
// readers it names the same kind differently from batch to batch (seeded), merges those names back
// when asked to consolidate, and now and then writes a label that is not one of the types it was
// given (a parse failure the analysis must count).
import type { Persona, PersonaContext, SimReply, SimRequest } from './index.ts';
import { promptText, schemaName, tagContent } from './inner-text.ts';
import { QUESTION_FORMS, type QuestionForm } from './inner-vocabulary.ts';

const PROPOSE = 'question_types_proposed';
const CONSOLIDATE = 'question_types_consolidated';
const CLASSIFY = 'question_type_labels';

/** Chance that one label in a classifying reply is a near-miss name instead of a given type. */
export const TAXONOMIST_SLIP_RATE = 0.05;

type Kind = QuestionForm | 'open';

/** The names a reader might give each kind; the first is the consolidated name. */
const NAMES: Record<Kind, string[]> = {
  counterfactual: ['Counterfactual prediction', 'what-if reasoning', 'predicting the effect of a change'],
  mechanism: ['Mechanism explanation', 'why-questions about mechanisms', 'causal explanation'],
  'trade-off': ['Trade-off analysis', 'weighing two options', 'cost-benefit comparison'],
  design: ['Design rationale', 'justifying a design choice', 'design decision'],
  recall: ['Factual recall', 'looking up a stated fact', 'listing what the paper says'],
  number: ['Quantitative result', 'asking for a reported number', 'numeric lookup'],
  generic: ['General principle', 'general knowledge question', 'broad principle'],
  open: ['Open analysis', 'open-ended analysis', 'free-form reasoning'],
};
const DESCRIPTIONS: Record<Kind, string> = {
  counterfactual: 'Predict what changes when one part of the setting is altered.',
  mechanism: 'Explain why or how an effect comes about.',
  'trade-off': 'Weigh what is gained and lost between alternatives.',
  design: 'Justify why a design or method was chosen.',
  recall: 'Restate something the document says.',
  number: 'Give a value or figure the document reports.',
  generic: 'State a principle that holds beyond the document.',
  open: 'Reason about the document without one of the forms above.',
};

/** The narrow cues first: a design or trade-off question often also says "why" or "would". */
const CUE_ORDER: QuestionForm[] = ['design', 'trade-off', 'recall', 'number', 'generic', 'counterfactual', 'mechanism'];

export function questionKind(question: string): Kind {
  const form = CUE_ORDER.find((name) => QUESTION_FORMS[name].cue.test(question));
  return form ?? 'open';
}

function readLines(block: string | null): Array<Record<string, unknown>> {
  return (block ?? '')
    .split('\n')
    .flatMap((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return value !== null && typeof value === 'object' ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
}

function propose(prompt: string, rng: () => number): object {
  const kinds = [...new Set(readLines(tagContent(prompt, 'questions')).map((entry) => questionKind(String(entry.question ?? ''))))];
  return { types: kinds.map((kind) => ({ name: NAMES[kind][Math.floor(rng() * NAMES[kind].length)]!, description: DESCRIPTIONS[kind] })) };
}

function kindOfName(name: string): Kind | undefined {
  const key = name.trim().toLowerCase();
  return (Object.keys(NAMES) as Kind[]).find((kind) => NAMES[kind].some((candidate) => candidate.toLowerCase() === key));
}

function consolidate(prompt: string): object {
  const merges = new Map<Kind, string[]>();
  for (const entry of readLines(tagContent(prompt, 'raw_types'))) {
    const name = String(entry.name ?? '');
    const kind = kindOfName(name) ?? 'open';
    merges.set(kind, [...(merges.get(kind) ?? []), name]);
  }
  return { types: [...merges.entries()].map(([kind, names]) => ({ name: NAMES[kind][0]!, description: DESCRIPTIONS[kind], merges: names })) };
}

function classify(prompt: string, rng: () => number): object {
  const given = readLines(tagContent(prompt, 'types')).map((entry) => String(entry.name ?? ''));
  const byKind = new Map(given.map((name) => [kindOfName(name), name] as const));
  const labels = readLines(tagContent(prompt, 'questions')).map((entry) => {
    const kind = questionKind(String(entry.question ?? ''));
    // A kind the consolidated list lacks goes to the catch-all if there is one, else to the first type.
    const type = byKind.get(kind) ?? byKind.get('open') ?? given[0] ?? NAMES[kind][0]!;
    return { item: Number(entry.item), type: rng() < TAXONOMIST_SLIP_RATE ? `${type} (approx.)` : type };
  });
  return { labels };
}

export const taxonomistPersona: Persona = {
  name: 'taxonomist',
  matches: (request: SimRequest) => [PROPOSE, CONSOLIDATE, CLASSIFY].includes(schemaName(request) ?? ''),
  respond(request: SimRequest, { rng }: PersonaContext): SimReply {
    const prompt = promptText(request);
    const name = schemaName(request);
    const reply = name === PROPOSE ? propose(prompt, rng) : name === CONSOLIDATE ? consolidate(prompt) : classify(prompt, rng);
    return { content: JSON.stringify(reply) };
  },
};

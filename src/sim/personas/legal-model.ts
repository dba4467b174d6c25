// What the legal personas agree on about a sim legal problem (`sim:legal`): the sections of its
// statute, read from text like `§ 4. Tenant-fault exception. ...`, how hard applying each one is,
// and the phrases answers, rubrics and the judge share. Everything is read from text.
import { LEGAL_MARKER, SECTION_ROLES } from '../legal-corpus.ts';
import { fnv1a } from './inner-text.ts';

export { LEGAL_MARKER };

export interface LegalSection {
  number: number;
  heading: string;
  text: string;
}

/**
 * Difficulty of applying each section (by number: definition, duty, time limit, exception, saving,
 * remedy) on the solvers' capability scale. Spotting that a saving cuts an exception back is the
 * hard step of every problem; a definition or a duty is read off the text.
 */
const SECTION_DIFFICULTY = [0.22, 0.3, 0.5, 0.56, 0.68, 0.54];
/** Each problem's wording makes a section a little easier or harder (+-NOISE, fixed per heading). */
const DIFFICULTY_NOISE = 0.02;
/** Stating a rule is easier than applying it. */
export const RULE_EASE = 0.2;
/** A question that points the reader at a section ("Note that § 4 ...") makes it up to this much easier (legal-solver.ts). */
export const SIGNPOST_EASE = 0.22;
/** The conclusion every problem of the corpus reaches (the saving defeats the exception). */
export const LEGAL_OUTCOME = 'the claim succeeds';
export const WRONG_OUTCOME = 'the claim fails';

const SECTION_LINE = /^§ (\d+)\. ([^.]+)\. (.+)$/gm;

export function isLegalText(text: string): boolean {
  return text.includes(LEGAL_MARKER);
}

/** The sections quoted in a text, in order of appearance (each number once). */
export function readSections(text: string): LegalSection[] {
  const seen = new Set<number>();
  const sections: LegalSection[] = [];
  for (const match of text.matchAll(SECTION_LINE)) {
    const number = Number(match[1]);
    if (seen.has(number)) continue;
    seen.add(number);
    sections.push({ number, heading: match[2] ?? '', text: match[3] ?? '' });
  }
  return sections;
}

export function sectionRole(number: number): string {
  return SECTION_ROLES[number - 1] ?? 'provision';
}

export function sectionDifficulty(section: Pick<LegalSection, 'number' | 'heading'>): number {
  const base = SECTION_DIFFICULTY[section.number - 1] ?? 0.5;
  return base + DIFFICULTY_NOISE * ((fnv1a(section.heading) % 2001) / 1000 - 1);
}

/** The sections a question points the reader at. */
export function signposted(question: string): Set<number> {
  return new Set([...question.matchAll(/Note that § (\d+)/g)].map((match) => Number(match[1])));
}

/** The phrases answers use and the judge looks for: a rule stated, a rule applied, a rule misread. */
export const PHRASES = {
  rule: (section: LegalSection) => `§ ${section.number} (${section.heading.toLowerCase()}) provides that ${lowerFirst(section.text.replace(/\.$/, ''))}.`,
  applied: (section: LegalSection) => `Applied to these facts, § ${section.number} ${APPLICATION[sectionRole(section.number)] ?? 'bears on the outcome'}.`,
  misread: (section: LegalSection) => `On its own, § ${section.number} settles the matter against the ${sectionRole(section.number) === 'exception' ? 'claimant' : 'respondent'}.`,
  conclusion: (outcome: string) => `Conclusion: ${outcome}.`,
};

const APPLICATION: Record<string, string> = {
  definition: 'is met: the situation falls within the defined term',
  duty: 'puts the respondent under the duty',
  'time limit': "comes out in the claimant's favour on the dates given",
  exception: 'looks at first as if it takes the respondent out of the duty',
  saving: 'takes the facts back out of the exception, so the duty stands',
  remedy: 'gives the claimant the remedy it describes',
};

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0]!.toLowerCase() + text.slice(1);
}

// The sim's examples read like a person wrote them about the paper: accepted examples made by the
// real inner loop through the in-process sim endpoint, checked with rules of this file's own (not
// the sim's): no keyword lists, criteria that quote the document, the paper's lengths.
import { describe, expect, it } from 'vitest';
import { loadBaseline, runEpisodes, validationDocuments } from '../../src/lab/lab-episodes.ts';

/** Three or more single words in a row, as in "small, shard and matters". */
const SINGLE_WORD_LIST = /(?:^|[\s(])(?:(?:the|a|an) )?[\w@%.+-]+, (?:(?:the|a|an) )?[\w@%.+-]+,? (?:and|or) (?:(?:the|a|an) )?[\w@%.+-]+(?=$|[\s.,;:?!)])/i;
const FUNCTION_WORDS = new Set('the a an of to in on at for by and or as that with its is are be it this from than'.split(' '));

const words = (text: string) => text.toLowerCase().match(/[a-z0-9][a-z0-9@%.+-]*[a-z0-9%]|[a-z0-9]/g) ?? [];

/** A run of two content words of the criterion that the document also has, side by side. */
function sharedPhrase(criterion: string, documentText: string): string | null {
  const documentWords = ` ${words(documentText).join(' ')} `;
  const tokens = words(criterion);
  for (let index = 0; index + 1 < tokens.length; index += 1) {
    const pair = [tokens[index]!, tokens[index + 1]!];
    if (pair.some((word) => FUNCTION_WORDS.has(word) || word.length < 3)) continue;
    if (documentWords.includes(` ${pair.join(' ')} `)) return pair.join(' ');
  }
  return null;
}

describe('readable sim text', () => {
  it('accepted examples name terms from the paper, at the paper\'s lengths', async () => {
    const documents = validationDocuments();
    const outcomes = await runEpisodes(loadBaseline(), documents, [1, 2, 3, 4]);
    const textOf = new Map(documents.map((document) => [document.id, document.text]));
    const accepted = outcomes.flatMap((outcome) =>
      outcome.result.rounds.filter((round) => round.accepted).map((round) => ({ round, text: textOf.get(outcome.result.document_id) ?? '' })),
    );
    expect(accepted.length).toBeGreaterThanOrEqual(50);
    for (const { round, text } of accepted.slice(0, 50)) {
      const question = round.question ?? '';
      const context = round.context ?? '';
      expect(SINGLE_WORD_LIST.exec(question)?.[0] ?? null, question).toBeNull();
      expect(SINGLE_WORD_LIST.exec(context)?.[0] ?? null, context).toBeNull();
      expect(context.length + question.length, `${context} ${question}`).toBeGreaterThanOrEqual(600);
      expect(context.length + question.length, `${context} ${question}`).toBeLessThanOrEqual(750);
      const rubric = round.rubric as Array<{ criterion: string }>;
      expect(rubric.length).toBeGreaterThanOrEqual(10);
      expect(rubric.length).toBeLessThanOrEqual(15);
      for (const item of rubric) expect(sharedPhrase(item.criterion, text), item.criterion).not.toBeNull();
      // No filler: every criterion of a rubric is worded differently once its document term is set aside.
      const frames = rubric.map((item) => item.criterion.replace(/\bthe [^.]*?(?= as | to | from | against | in | would |\.)/, 'the X'));
      expect(new Set(frames).size, frames.join('\n')).toBe(frames.length);
    }
  }, 120_000);
});

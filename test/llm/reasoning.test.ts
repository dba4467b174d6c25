// separateReasoning: the reply's reasoning field and the tag shapes models write into the content.
import { describe, expect, it } from 'vitest';
import { separateReasoning } from '../../src/llm/reasoning.ts';

describe('separateReasoning with the built-in tags (auto)', () => {
  const auto = (content: string | null, reasoningField?: string | null) => separateReasoning({ content, reasoningField, tags: 'auto' });

  it('cuts a leading <think> block and trims the whitespace between it and the answer', () => {
    expect(auto('<think>\nThe user asks for 2+2.\n</think>\n\n4')).toEqual({ answer: '4', reasoning: 'The user asks for 2+2.', unclosed: false });
  });

  it('allows leading whitespace before the opening tag', () => {
    expect(auto('\n  <think>a</think> b')).toEqual({ answer: 'b', reasoning: 'a', unclosed: false });
  });

  it('reads the closing tag alone as the end of reasoning the prompt opened (Qwen3.5, R1 distills)', () => {
    expect(auto('Count the letters.\n</think>\n\nThere are 3.')).toEqual({ answer: 'There are 3.', reasoning: 'Count the letters.', unclosed: false });
  });

  it('needs no line breaks around the closing tag', () => {
    expect(auto('reasoning</think>answer')).toEqual({ answer: 'answer', reasoning: 'reasoning', unclosed: false });
  });

  it("cuts Kimi's ◁think▷ block and its closing-tag-only shape", () => {
    expect(auto('◁think▷Sum them.◁/think▷The sum is 7.')).toEqual({ answer: 'The sum is 7.', reasoning: 'Sum them.', unclosed: false });
    expect(auto('Sum them.◁/think▷\nThe sum is 7.')).toEqual({ answer: 'The sum is 7.', reasoning: 'Sum them.', unclosed: false });
  });

  it('an opening tag never closed makes everything reasoning: answer empty, unclosed', () => {
    expect(auto('<think>Let me consider the first option, then')).toEqual({ answer: '', reasoning: 'Let me consider the first option, then', unclosed: true });
  });

  it('an empty think block (thinking switched off) leaves no reasoning', () => {
    expect(auto('<think>\n\n</think>\n\nParis.')).toEqual({ answer: 'Paris.', reasoning: null, unclosed: false });
  });

  it('keeps content whole when a tag appears only later in the answer', () => {
    const content = 'Use the tag like this: <think>plan</think> then answer.';
    expect(auto(content)).toEqual({ answer: content, reasoning: null, unclosed: false });
  });

  it('keeps content whole when a closing tag sits inside a JSON string', () => {
    for (const content of ['{"question": "What does </think> mean?"}', '```xml\n</think>\n```', '[1, "</think>"]']) {
      expect(auto(content)).toEqual({ answer: content, reasoning: null, unclosed: false });
    }
  });

  it('keeps a plain answer whole', () => {
    expect(auto('  Just an answer.  ')).toEqual({ answer: '  Just an answer.  ', reasoning: null, unclosed: false });
  });

  it('takes the reasoning field as reasoning and drops the blank lines that followed it', () => {
    expect(auto('\n\n9.8 is greater.', 'Compare 9.11 and 9.8.')).toEqual({ answer: '9.8 is greater.', reasoning: 'Compare 9.11 and 9.8.', unclosed: false });
  });

  it('joins a reasoning field and a tagged block', () => {
    expect(auto('<think>second</think>answer', 'first')).toEqual({ answer: 'answer', reasoning: 'first\n\nsecond', unclosed: false });
  });

  it('does not repeat reasoning that the field and the block both carry', () => {
    expect(auto('<think>same</think>answer', 'same')).toEqual({ answer: 'answer', reasoning: 'same', unclosed: false });
  });

  it('null content stays null; an empty field is no reasoning', () => {
    expect(auto(null, 'thinking only')).toEqual({ answer: null, reasoning: 'thinking only', unclosed: false });
    expect(auto(null, '')).toEqual({ answer: null, reasoning: null, unclosed: false });
    expect(auto('answer', '   ')).toEqual({ answer: 'answer', reasoning: null, unclosed: false });
  });
});

describe("separateReasoning with tags 'none' or a custom pair", () => {
  it("'none' keeps the content whole but still reads the reasoning field", () => {
    expect(separateReasoning({ content: '<think>x</think>y', reasoningField: 'r', tags: 'none' })).toEqual({
      answer: '<think>x</think>y',
      reasoning: 'r',
      unclosed: false,
    });
  });

  it('a custom pair is cut, also as its closing tag alone; the built-in ones are then left alone', () => {
    const tags = { open: '<reasoning>', close: '</reasoning>' };
    expect(separateReasoning({ content: '<reasoning>r</reasoning>\nA', tags })).toEqual({ answer: 'A', reasoning: 'r', unclosed: false });
    expect(separateReasoning({ content: 'r</reasoning>\nA', tags })).toEqual({ answer: 'A', reasoning: 'r', unclosed: false });
    expect(separateReasoning({ content: '<think>x</think>y', tags })).toEqual({ answer: '<think>x</think>y', reasoning: null, unclosed: false });
  });
});

// Splits a reply into the model's thinking and its answer. Pure: no I/O, no endpoint state.
//
// Servers hand reasoning over in two ways, sometimes both at once:
// - a field of the message (`reasoning` on vLLM >= 0.11, Ollama and OpenRouter; `reasoning_content`
//   on older vLLM, SGLang, DeepSeek, Kimi's API), which is taken as it is;
// - a block written at the start of the content, when no reasoning parser runs on the server
//   (Qwen3's `<think>...</think>`, Kimi's `◁think▷...◁/think▷`), or only its closing tag when the
//   chat template already put the opening one into the prompt (Qwen3.5, DeepSeek-R1 distills).

/** One opening / closing tag pair. */
export interface ReasoningTagPair {
  open: string;
  close: string;
}

/** The endpoint's `reasoningTags` setting. */
export type ReasoningTags = 'auto' | 'none' | ReasoningTagPair;

/** The tag styles 'auto' looks for, in this order. */
export const BUILT_IN_REASONING_TAGS: readonly ReasoningTagPair[] = [
  { open: '<think>', close: '</think>' },
  { open: '◁think▷', close: '◁/think▷' },
];

export interface SeparatedReply {
  /** The content without its reasoning block; null when the reply had no content at all. */
  answer: string | null;
  /** The reasoning field and the cut-out block, joined; null when there was none. */
  reasoning: string | null;
  /** An opening tag was never closed: everything after it is reasoning and the answer is ''. */
  unclosed: boolean;
}

export interface SeparateInput {
  content: string | null;
  /** The message's reasoning / reasoning_content text, if the server sent one. */
  reasoningField?: string | null;
  tags: ReasoningTags;
}

export function separateReasoning(input: SeparateInput): SeparatedReply {
  const field = nonEmpty(input.reasoningField?.trim());
  const pairs = input.tags === 'none' ? [] : input.tags === 'auto' ? BUILT_IN_REASONING_TAGS : [input.tags];
  const cut = input.content === null ? undefined : cutLeadingBlock(input.content, pairs);
  const reasoning = joinReasoning(field, cut?.reasoning);
  if (input.content === null) return { answer: null, reasoning, unclosed: false };
  if (cut) return { answer: cut.answer, reasoning, unclosed: cut.unclosed };
  // Nothing cut: a reasoning field still stands between thinking and answer, so the answer's
  // leading blank lines (vLLM keeps the ones that followed </think>) are dropped.
  return { answer: field === undefined ? input.content : input.content.trimStart(), reasoning, unclosed: false };
}

const LOOKS_LIKE_DATA = /^(?:[{[]|```)/;

interface Cut {
  answer: string;
  reasoning: string | undefined;
  unclosed: boolean;
}

/** The first tag style found at the start of `content`; undefined when none is. */
function cutLeadingBlock(content: string, pairs: readonly ReasoningTagPair[]): Cut | undefined {
  const body = content.trimStart();
  for (const { open, close } of pairs) {
    if (body.startsWith(open)) {
      const end = body.indexOf(close, open.length);
      if (end === -1) return { answer: '', reasoning: nonEmpty(body.slice(open.length).trim()), unclosed: true };
      return {
        answer: body.slice(end + close.length).trimStart(),
        reasoning: nonEmpty(body.slice(open.length, end).trim()),
        unclosed: false,
      };
    }
  }
  // The closing tag alone: the template opened the block inside the prompt. Not when an opening
  // tag comes before it (the tag is then only mentioned), nor when the content starts as JSON or a
  // code fence: thinking never does, while a JSON answer may quote a tag inside a string.
  if (LOOKS_LIKE_DATA.test(body)) return undefined;
  for (const { open, close } of pairs) {
    const end = body.indexOf(close);
    if (end === -1) continue;
    if (body.lastIndexOf(open, end) !== -1) continue;
    return {
      answer: body.slice(end + close.length).trimStart(),
      reasoning: nonEmpty(body.slice(0, end).trim()),
      unclosed: false,
    };
  }
  return undefined;
}

function joinReasoning(field: string | undefined, tagged: string | undefined): string | null {
  if (field !== undefined && tagged !== undefined) return field === tagged ? field : `${field}\n\n${tagged}`;
  return field ?? tagged ?? null;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

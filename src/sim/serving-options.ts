// Serving options written into the model name, e.g. `sim-weak?reasoning=think-tags&context=8192`:
// the same sim model, served the way a particular real server would serve it.

export const SIM_MODELS = ['sim-agent', 'sim-weak', 'sim-strong'] as const;

export const REASONING_SHAPES = ['think-tags', 'closing-tag', 'kimi', 'field', 'field-legacy'] as const;
export type ReasoningShape = (typeof REASONING_SHAPES)[number];

export interface ServingOptions {
  /** The model writes its thinking before the answer, in this shape (default: no thinking). */
  reasoning?: ReasoningShape;
  /** 'none': the server has no tool-call parser, so tools are refused. */
  tools?: 'none';
  /** Which response_format types the server accepts (default: all). */
  structured?: 'json_object' | 'none';
  /** 'reject': a request seed is a 400; 'ignore': accepted and not used (default: used). */
  seed?: 'reject' | 'ignore';
  /** max_model_len in tokens (default: DEFAULT_CONTEXT, not enforced). */
  context?: number;
  /**
   * 'none': a server without prefix caching; its usage has no prompt_tokens_details (default: a
   * prefix cache, prefix-cache.ts, reported as prompt_tokens_details.cached_tokens).
   */
  cache?: 'none';
}

export const DEFAULT_CONTEXT = 131_072;
const MIN_CONTEXT = 256;

/** For help texts and error messages. */
export const SERVING_OPTION_SYNTAX =
  'MODEL[?reasoning=think-tags|closing-tag|kimi|field|field-legacy][&tools=none][&structured=json_object|none][&seed=reject|ignore][&context=N][&cache=none]';

const ACCEPTED: Record<keyof ServingOptions, readonly string[]> = {
  reasoning: REASONING_SHAPES,
  tools: ['none'],
  structured: ['json_object', 'none'],
  seed: ['reject', 'ignore'],
  context: [`a whole number >= ${MIN_CONTEXT}`],
  cache: ['none'],
};

export type ServedModel =
  | { ok: true; base: (typeof SIM_MODELS)[number]; options: ServingOptions }
  | { ok: false; status: 400 | 404; message: string };

/** Splits `BASE?key=value&...` into the sim model and its options. */
export function parseServedModel(name: string): ServedModel {
  const mark = name.indexOf('?');
  const base = mark === -1 ? name : name.slice(0, mark);
  if (!(SIM_MODELS as readonly string[]).includes(base)) {
    return { ok: false, status: 404, message: `The model '${name}' does not exist; the sim serves ${SIM_MODELS.join(', ')}.` };
  }
  const options: ServingOptions = {};
  const wrong = (message: string): ServedModel => ({ ok: false, status: 400, message: `Model '${name}': ${message}` });
  for (const [key, value] of new URLSearchParams(mark === -1 ? '' : name.slice(mark + 1))) {
    if (!Object.hasOwn(ACCEPTED, key)) {
      return wrong(`unknown serving option '${key}'; the options are ${Object.keys(ACCEPTED).join(', ')} (${SERVING_OPTION_SYNTAX}).`);
    }
    const option = key as keyof ServingOptions;
    if (options[option] !== undefined) return wrong(`the option '${key}' is given twice.`);
    if (option === 'context') {
      const tokens = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
      if (!(tokens >= MIN_CONTEXT)) return wrong(`context=${value} is not accepted; context takes ${ACCEPTED.context[0]}.`);
      options.context = tokens;
      continue;
    }
    if (!ACCEPTED[option].includes(value)) {
      return wrong(`${key}=${value} is not accepted; ${key} takes ${ACCEPTED[option].join(' or ')}.`);
    }
    Object.assign(options, { [option]: value });
  }
  return { ok: true, base: base as (typeof SIM_MODELS)[number], options };
}

export function maxModelLen(options: ServingOptions): number {
  return options.context ?? DEFAULT_CONTEXT;
}

/** The parts of a request body the options look at. */
export interface OptionedFields {
  hasTools: boolean;
  toolChoice: unknown;
  responseFormatType: string | undefined;
  seed: number | null | undefined;
}

/** Why a server configured with these options refuses the request (a 400), or undefined. */
export function servingRefusal(options: ServingOptions, fields: OptionedFields): { message: string; param: string } | undefined {
  if (options.tools === 'none' && fields.hasTools && fields.toolChoice !== 'none') {
    const choice = typeof fields.toolChoice === 'string' ? `"${fields.toolChoice}"` : fields.toolChoice == null ? '"auto"' : 'a named function';
    return {
      param: 'tool_choice',
      message: `tool_choice ${choice} requires --enable-auto-tool-choice and --tool-call-parser to be set; this server was started without them (start it with --enable-auto-tool-choice --tool-call-parser NAME, or send tool_choice "none").`,
    };
  }
  const format = fields.responseFormatType;
  if (options.structured === 'json_object' && format === 'json_schema') {
    return { param: 'response_format', message: `This server supports only response_format of type "json_object" (and "text"); json_schema is not supported.` };
  }
  if (options.structured === 'none' && format !== undefined && format !== 'text') {
    return { param: 'response_format', message: `This server does not support structured output; response_format "${format}" is not supported (send "text" or none).` };
  }
  if (options.seed === 'reject' && fields.seed != null) {
    return { param: 'seed', message: `Unsupported parameter: 'seed' is not supported with this model.` };
  }
  return undefined;
}

/** vLLM's wording when a request does not fit the context window; undefined when it fits. */
export function contextRefusal(context: number, promptTokens: number, maxTokens: number | undefined): string | undefined {
  if (maxTokens === undefined) {
    if (promptTokens < context) return undefined;
    return `This model's maximum context length is ${context} tokens. However, your request has ${promptTokens} input tokens. Please reduce the length of the input messages.`;
  }
  if (promptTokens + maxTokens <= context) return undefined;
  return (
    `This model's maximum context length is ${context} tokens. However, you requested ${promptTokens + maxTokens} tokens ` +
    `(${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`
  );
}

/**
 * GET /v1/models: the sim models, then each served name (options included) that parses, once.
 * A name that does not parse is left out: a request for it gets the 400 or 404 that says why.
 */
export function listedModels(servedModels: readonly string[] = []): { id: string; maxModelLen: number }[] {
  const listed = SIM_MODELS.map((id) => ({ id: id as string, maxModelLen: DEFAULT_CONTEXT }));
  for (const name of servedModels) {
    const served = parseServedModel(name);
    if (served.ok && !listed.some((model) => model.id === name)) listed.push({ id: name, maxModelLen: maxModelLen(served.options) });
  }
  return listed;
}

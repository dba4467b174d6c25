// Request bodies shared by the sim core tests.
export const rubricSchema = {
  type: 'object',
  properties: {
    question: { type: 'string' },
    rubric: {
      type: 'array',
      minItems: 2,
      items: {
        type: 'object',
        properties: { criterion: { type: 'string' }, weight: { type: 'integer', minimum: 1, maximum: 10 } },
        required: ['criterion', 'weight'],
        additionalProperties: false,
      },
    },
  },
  required: ['question', 'rubric'],
  additionalProperties: false,
};

export function chatBody(index: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'sim-agent',
    messages: [{ role: 'user', content: `Request number ${index}: write a question with a rubric.` }],
    seed: 1000 + index,
    response_format: { type: 'json_schema', json_schema: { name: 'test_rubric', schema: rubricSchema, strict: true } },
    ...extra,
  };
}

export function textBody(index: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'sim-weak',
    messages: [{ role: 'user', content: `Plain question ${index}` }],
    seed: 7,
    temperature: 1,
    ...extra,
  };
}

export async function postJson(baseURL: string, body: unknown, fetchImpl: typeof fetch = fetch, signal?: AbortSignal) {
  return fetchImpl(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/**
 * A reply body (JSON text or parsed) without `usage.prompt_tokens_details`: the prefix cache's
 * count depends on which prompts the sim served before, everything else on the request alone.
 */
export function withoutCachedTokens<T>(body: T): T {
  const value = (typeof body === 'string' ? JSON.parse(body) : structuredClone(body)) as { usage?: Record<string, unknown> };
  if (value.usage) delete value.usage['prompt_tokens_details'];
  return (typeof body === 'string' ? JSON.stringify(value) : value) as T;
}

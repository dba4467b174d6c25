import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSimFetch } from '../../../src/sim/index.ts';
import { genericPersona } from '../../../src/sim/personas/index.ts';
import { postJson } from './requests.ts';

const verdict = z.object({ verdict: z.enum(['PASS', 'FAIL']), reason: z.string() });
const schemas: Record<string, z.ZodType> = {
  quality_verdict: z.object({
    checks: z.object({ answer_leakage: verdict, reasoning_not_recall: verdict, rubric_quality: verdict, label_match: verdict }),
    overall: z.enum(['PASS', 'FAIL']),
    feedback: z.string(),
  }),
  rubric_scores: z.object({
    scores: z.array(z.object({ index: z.number().int().min(1), met: z.union([z.literal(0), z.literal(1)]), reason: z.string() })).min(3),
  }),
  challenger_example: z.object({
    question_type: z.string(),
    reasoning_skills: z.array(z.string()).min(1),
    context: z.string().min(40),
    question: z.string(),
    reference_answer: z.string(),
    rubric: z.array(z.object({ criterion: z.string(), weight: z.unknown(), category: z.string() })).min(4).max(6),
  }),
  mixed_shapes: z.object({
    kind: z.literal('edit'),
    ratio: z.number().gt(0).lt(1),
    accepted: z.boolean(),
    note: z.string().nullable(),
    target: z.discriminatedUnion('type', [
      z.object({ type: z.literal('file'), path: z.string() }),
      z.object({ type: z.literal('setting'), key: z.string(), value: z.number().int().min(-5).max(5) }),
    ]),
    tags: z.array(z.string().max(12)).length(2),
    when: z.iso.datetime().optional(),
  }),
};

describe('generic persona', () => {
  const simFetch = createSimFetch({ seed: 5, personas: [genericPersona] });

  for (const [name, schema] of Object.entries(schemas)) {
    it(`replies with JSON valid against ${name} for many request seeds`, async () => {
      const jsonSchema = z.toJSONSchema(schema);
      for (let seed = 0; seed < 20; seed += 1) {
        const response = await postJson(
          'sim://local/v1',
          {
            model: 'sim-agent',
            seed,
            messages: [{ role: 'user', content: 'Reply in JSON.' }],
            response_format: { type: 'json_schema', json_schema: { name, schema: jsonSchema, strict: true } },
          },
          simFetch,
        );
        const body = (await response.json()) as any;
        const result = schema.safeParse(JSON.parse(body.choices[0].message.content));
        expect(result.success ? [] : result.error.issues).toEqual([]);
      }
    });
  }

  it('puts an integer in an unconstrained weight field', async () => {
    const response = await postJson(
      'sim://local/v1',
      {
        model: 'sim-agent',
        seed: 1,
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: z.toJSONSchema(z.object({ weight: z.unknown() })) } },
      },
      simFetch,
    );
    const content = JSON.parse(((await response.json()) as any).choices[0].message.content) as { weight: unknown };
    expect(Number.isInteger(content.weight)).toBe(true);
  });

  it('answers plain text for a request without a schema, even with tools', async () => {
    const response = await postJson(
      'sim://local/v1',
      {
        model: 'sim-agent',
        seed: 1,
        messages: [{ role: 'user', content: 'What now?' }],
        tools: [{ type: 'function', function: { name: 'submit', parameters: { type: 'object' } } }],
      },
      simFetch,
    );
    const body = (await response.json()) as any;
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.choices[0].message.tool_calls).toBeUndefined();
    expect(body.choices[0].message.content).toMatch(/^[A-Z][^{}]+\.$/);
  });

  it('calls an offered tool when the message says to, with arguments its schema accepts', async () => {
    const parameters = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] };
    const response = await postJson(
      'sim://local/v1',
      {
        model: 'sim-agent',
        seed: 1,
        messages: [{ role: 'user', content: 'Call the report_status tool with status "ready".' }],
        tools: [{ type: 'function', function: { name: 'report_status', parameters } }],
        tool_choice: 'auto',
      },
      simFetch,
    );
    const body = (await response.json()) as any;
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.tool_calls).toHaveLength(1);
    expect(body.choices[0].message.tool_calls[0].function.name).toBe('report_status');
    expect(typeof JSON.parse(body.choices[0].message.tool_calls[0].function.arguments).status).toBe('string');
  });
});

// `autodata sim serve` answers any client: a response_format schema is the client's text. Property
// names such as `__proto__` and `constructor` must come back as ordinary keys, and a schema that
// asks for an enormous reply must be refused without taking the server down.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../../src/sim/index.ts';
import { chatBody, postJson } from './requests.ts';

/** A request body with `schema` as its response_format; built from JSON text so `__proto__` stays an own key. */
function schemaBody(schemaJson: string, name = 'hostile_schema'): Record<string, unknown> {
  return JSON.parse(
    `{"model":"sim-agent","seed":4,"messages":[{"role":"user","content":"Reply in JSON."}],` +
      `"response_format":{"type":"json_schema","json_schema":{"name":${JSON.stringify(name)},"schema":${schemaJson}}}}`,
  ) as Record<string, unknown>;
}

describe('the sim server given hostile response_format schemas', () => {
  let server: SimServer;
  let client: OpenAI;
  beforeAll(async () => {
    // The default persona list, as `autodata sim serve` runs it.
    server = await startSimServer({ seed: 2 });
    client = new OpenAI({ baseURL: server.baseURL, apiKey: 'sim-key', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  async function expectStillServing(): Promise<void> {
    const response = await postJson(server.baseURL, chatBody(1));
    expect(response.status).toBe(200);
  }

  it('answers properties named __proto__, constructor and toString as own keys of the reply', async () => {
    const body = schemaBody(
      '{"type":"object","properties":{' +
        '"__proto__":{"type":"object","properties":{"polluted":{"type":"string"}},"required":["polluted"]},' +
        '"constructor":{"type":"integer","minimum":1,"maximum":3},' +
        '"toString":{"type":"string"},' +
        '"plain":{"type":"boolean"}},' +
        '"required":["__proto__","constructor","toString","plain"]}',
    );
    const completion = await client.chat.completions.create(body as never);
    const reply = JSON.parse(completion.choices[0]?.message.content ?? '') as Record<string, unknown>;

    expect(Object.keys(reply)).toEqual(['__proto__', 'constructor', 'toString', 'plain']);
    expect(Object.getPrototypeOf(reply)).toBe(Object.prototype);
    const proto = Object.getOwnPropertyDescriptor(reply, '__proto__')?.value as Record<string, unknown>;
    expect(typeof proto.polluted).toBe('string');
    expect(reply.constructor).toSatisfy((value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 3);
    expect(typeof reply.toString).toBe('string');
    expect(typeof reply.plain).toBe('boolean');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectStillServing();
  });

  it('does not read schema keywords from a __proto__ key of an allOf part', async () => {
    const body = schemaBody(
      '{"type":"object","properties":{"field":{"allOf":[{"__proto__":{"enum":["read from the prototype"]}}]}},"required":["field"]}',
    );
    const completion = await client.chat.completions.create(body as never);
    const reply = JSON.parse(completion.choices[0]?.message.content ?? '') as { field: unknown };
    expect(reply.field).not.toBe('read from the prototype');
    await expectStillServing();
  });

  it('answers a task schema whose properties is not an object instead of failing', async () => {
    // The challenger persona answers challenger_example and asks whether the schema declares `reasoning`.
    const response = await postJson(
      server.baseURL,
      schemaBody('{"type":"object","properties":"reasoning"}', 'challenger_example'),
    );
    expect(response.status).toBe(200);
    await expectStillServing();
  });

  it.each([
    ['five million array items', '{"type":"array","minItems":5000000,"items":{"type":"null"}}'],
    ['nested arrays that multiply past the limit', '{"type":"array","minItems":1500,"items":{"type":"array","minItems":1500,"items":{"type":"boolean"}}}'],
    ['a twenty-million-character string', '{"type":"object","properties":{"text":{"type":"string","minLength":20000000}}}'],
    ['an object that contains itself forever', '{"type":"object","properties":{"self":{"$ref":"#"}},"required":["self"]}'],
  ])('refuses %s with a clear error and keeps serving', async (_label, schema) => {
    const response = await postJson(server.baseURL, schemaBody(schema));
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('persona_error');
    expect(body.error.message).toMatch(/^Sim persona 'generic' failed: the response_format schema asks for a reply larger than the sim writes/);
    await expectStillServing();
  });
});

// Structured output: one zod schema builds the JSON schema sent to the model and validates its reply.
import { z } from 'zod';
import { OutputSchemaError } from '../errors.ts';
import { parseLenientJson } from './json-repair.ts';
import type { WireRequest } from './openai-transport.ts';
import type { ChatMessage, StructuredMode } from './types.ts';

export interface JsonSchemaResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; schema: Record<string, unknown>; strict: false };
}

/** `strict: false`: not every server supports strict mode, and our own validation is the real check. */
export function responseFormatFor(schemaName: string, schema: z.ZodType): JsonSchemaResponseFormat {
  return { type: 'json_schema', json_schema: { name: schemaName, schema: jsonSchemaOf(schema), strict: false } };
}

/** Where `auto` goes when a server refuses a mode: json_schema -> json_object -> prompt (the last one). */
export const NEXT_STRUCTURED_MODE: Record<StructuredMode, StructuredMode | undefined> = {
  json_schema: 'json_object',
  json_object: 'prompt',
  prompt: undefined,
};

/**
 * What json_object and prompt modes append to the last user message. A contract with the sim
 * (src/sim/schema-block.ts): a blank line, then exactly
 * `<response_schema name="NAME">` newline, the JSON schema on one line, newline, `</response_schema>`,
 * then one sentence.
 */
export function schemaBlock(schemaName: string, schema: z.ZodType): string {
  return (
    `\n\n<response_schema name="${schemaName}">\n${JSON.stringify(jsonSchemaOf(schema))}\n</response_schema>\n` +
    'Reply with exactly one JSON object that follows this schema, and nothing else.'
  );
}

/**
 * The request of a structured call in `mode`: json_schema sends the schema as response_format;
 * json_object sends `{type: 'json_object'}` and the schema block in the prompt; prompt sends the
 * block alone. The bodies differ, so the cache keeps each mode's replies apart.
 */
export function structuredWire(base: WireRequest, mode: StructuredMode, schemaName: string, schema: z.ZodType): WireRequest {
  if (mode === 'json_schema') return { ...base, response_format: responseFormatFor(schemaName, schema) };
  const messages = withSchemaBlock(base.messages, schemaBlock(schemaName, schema));
  return mode === 'json_object' ? { ...base, messages, response_format: { type: 'json_object' } } : { ...base, messages };
}

/** The block appended to the last user message (a new user message if there is none). */
function withSchemaBlock(messages: ChatMessage[], block: string): ChatMessage[] {
  let last = -1;
  messages.forEach((message, index) => {
    if (message.role === 'user') last = index;
  });
  if (last === -1) return [...messages, { role: 'user', content: block.trimStart() }];
  return messages.map((message, index) => (index === last ? { role: 'user', content: `${message.content as string}${block}` } : message));
}

// Every structured call sends its schema, and converting a zod schema costs far more than the rest
// of building the request, so each schema is converted once. Treat the result as read-only.
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let jsonSchema = jsonSchemas.get(schema);
  if (!jsonSchema) {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    jsonSchema = rest;
    jsonSchemas.set(schema, jsonSchema);
  }
  return jsonSchema;
}

export type StructuredParse<T> = { ok: true; value: T; repaired: boolean } | { ok: false; error: OutputSchemaError };

/** Repairs the reply's JSON if needed, then validates it against `schema`. */
export function parseStructuredReply<T>(text: string, schema: z.ZodType<T>): StructuredParse<T> {
  const json = parseLenientJson(text);
  if (!json.ok) return { ok: false, error: outputSchemaError([json.reason]) };
  const validated = schema.safeParse(json.value);
  if (!validated.success) {
    return { ok: false, error: outputSchemaError(validated.error.issues.map(describeValidationIssue)) };
  }
  return { ok: true, value: validated.data, repaired: json.repaired };
}

/** The single re-ask: the model sees its own reply, then what was wrong with it. */
export function reaskMessages(messages: ChatMessage[], replyText: string, error: OutputSchemaError): ChatMessage[] {
  return [...messages, { role: 'assistant', content: replyText }, { role: 'user', content: error.fixingInstruction }];
}

function outputSchemaError(issues: string[]): OutputSchemaError {
  const listed = issues.map((issue) => `- ${issue}`).join('\n');
  const instruction =
    'That reply cannot be used: it does not fit the required JSON schema.\n' +
    `Problems found:\n${listed}\n` +
    'Send the whole answer again as one JSON object that follows the schema exactly, with no text before or after it.';
  return new OutputSchemaError(issues, instruction);
}

function describeValidationIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length === 0 ? '(top level)' : z.core.toDotPath(issue.path);
  return `${where}: ${issue.message}`;
}

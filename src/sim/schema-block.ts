// The schema block the call path appends to the last user message when the server cannot take a
// json_schema response_format (json_object or prompt-only modes):
//   <response_schema name="NAME">\n{...JSON schema...}\n</response_schema>
// Other text may follow the block. The sim reads it back so personas answer as for json_schema.
import type { ChatMessage } from '../llm/types.ts';

const BLOCK = /<response_schema name="([^"\n]+)">\n([\s\S]*?)\n<\/response_schema>/;

export interface SchemaBlock {
  name: string;
  schema: unknown;
  /** The messages with the block cut out of the last user message. */
  messages: ChatMessage[];
}

/** The block in the last user message, if there is one whose schema is valid JSON. */
export function findSchemaBlock(messages: readonly ChatMessage[]): SchemaBlock | undefined {
  let last = -1;
  messages.forEach((message, index) => {
    if (message.role === 'user') last = index;
  });
  const message = messages[last];
  if (!message || message.role !== 'user') return undefined;
  const match = BLOCK.exec(message.content);
  if (!match) return undefined;
  let schema: unknown;
  try {
    schema = JSON.parse(match[2]!);
  } catch {
    return undefined;
  }
  const content = message.content.slice(0, match.index) + message.content.slice(match.index + match[0].length);
  const rest = messages.map((item, index) => (index === last ? { ...message, content } : item));
  return { name: match[1]!, schema, messages: rest };
}

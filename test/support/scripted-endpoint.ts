// A real OpenAI-compatible chat-completions server on loopback whose reply to each request is
// chosen by the test. Roles are recognised the way a model would see them: the response_format
// schema name, the tools, or the model name.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedRole = 'mainAgent' | 'challenger' | 'qualityVerifier' | 'judge' | 'weakSolver' | 'strongSolver' | 'unknown';

export interface ScriptedRequest {
  /** 0-based order of arrival. */
  index: number;
  role: ScriptedRole;
  model: string;
  seed: number | undefined;
  schemaName: string | undefined;
  /** The content of the last user message (the rendered prompt, or a nudge). */
  prompt: string;
  /** Every message as sent. */
  messages: Array<{ role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }>;
  body: Record<string, unknown>;
}

export type ScriptedReply =
  | { content: string; finishReason?: string }
  | { json: unknown }
  | { toolCalls: Array<{ name: string; arguments: unknown }>; content?: string }
  | { status: number; message?: string };

export type ScriptedResponder = (request: ScriptedRequest) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedEndpoint {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseURL: string;
  requests: ScriptedRequest[];
  countByRole(role: ScriptedRole): number;
  close(): Promise<void>;
}

export const TEST_MODELS = { agent: 'test-agent', weak: 'test-weak', strong: 'test-strong' } as const;

function recogniseRole(body: Record<string, unknown>): { role: ScriptedRole; schemaName: string | undefined } {
  const format = body.response_format as { json_schema?: { name?: string } } | undefined;
  const schemaName = format?.json_schema?.name;
  const bySchema: Record<string, ScriptedRole> = {
    challenger_example: 'challenger',
    quality_verdict: 'qualityVerifier',
    rubric_scores: 'judge',
    answer_verdict: 'judge',
  };
  if (schemaName) return { role: bySchema[schemaName] ?? 'unknown', schemaName };
  if (Array.isArray(body.tools) && body.tools.length > 0) return { role: 'mainAgent', schemaName };
  if (body.model === TEST_MODELS.weak) return { role: 'weakSolver', schemaName };
  if (body.model === TEST_MODELS.strong) return { role: 'strongSolver', schemaName };
  return { role: 'unknown', schemaName };
}

function completion(model: string, reply: Exclude<ScriptedReply, { status: number }>, index: number): Record<string, unknown> {
  let message: Record<string, unknown>;
  let finishReason = 'stop';
  if ('toolCalls' in reply) {
    message = {
      role: 'assistant',
      content: reply.content ?? null,
      tool_calls: reply.toolCalls.map((call, position) => ({
        id: `call_${index}_${position}`,
        type: 'function',
        function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
      })),
    };
    finishReason = 'tool_calls';
  } else if ('json' in reply) {
    message = { role: 'assistant', content: JSON.stringify(reply.json) };
  } else {
    message = { role: 'assistant', content: reply.content };
    finishReason = reply.finishReason ?? 'stop';
  }
  return {
    id: `chatcmpl-${index}`,
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

export async function startScriptedEndpoint(responder: ScriptedResponder): Promise<ScriptedEndpoint> {
  const requests: ScriptedRequest[] = [];
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        const send = (status: number, payload: unknown) => {
          outgoing.writeHead(status, { 'content-type': 'application/json' });
          outgoing.end(JSON.stringify(payload));
        };
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          const messages = (body.messages ?? []) as ScriptedRequest['messages'];
          const lastUser = [...messages].reverse().find((message) => message.role === 'user');
          const { role, schemaName } = recogniseRole(body);
          const request: ScriptedRequest = {
            index: requests.length,
            role,
            model: String(body.model),
            seed: typeof body.seed === 'number' ? body.seed : undefined,
            schemaName,
            prompt: lastUser?.content ?? '',
            messages,
            body,
          };
          requests.push(request);
          const reply = await responder(request);
          if ('status' in reply) send(reply.status, { error: { message: reply.message ?? 'scripted failure', type: 'server_error' } });
          else send(200, completion(request.model, reply, request.index));
        } catch (error) {
          send(500, { error: { message: `scripted endpoint: ${(error as Error).message}`, type: 'server_error' } });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    countByRole: (role) => requests.filter((request) => request.role === role).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Per-document usage: wraps the shared Llm and counts the paid calls and tokens of one episode
// (llm/call-count.ts: a cache hit is neither, a re-ask is a second call), as the call log counts them.
import { paidCallsOf } from '../llm/call-count.ts';
import type { Llm, LlmResult, Role } from '../llm/types.ts';
import type { RoleUsage } from './result-schema.ts';

export interface CountingLlm {
  llm: Llm;
  usage: Record<string, RoleUsage>;
}

export function countingLlm(inner: Llm): CountingLlm {
  const usage: Record<string, RoleUsage> = {};
  const count = <T>(role: Role, result: LlmResult<T>): LlmResult<T> => {
    const entry = (usage[role] ??= { calls: 0, prompt_tokens: 0, completion_tokens: 0 });
    entry.calls += paidCallsOf(result.usage);
    entry.prompt_tokens += result.usage.promptTokens;
    entry.completion_tokens += result.usage.completionTokens;
    return result;
  };
  const llm: Llm = {
    text: async (request) => count(request.role, await inner.text(request)),
    structured: async (request) => count(request.role, await inner.structured(request)),
    usageByRole: () => inner.usageByRole(),
    structuredMode: (role) => inner.structuredMode(role),
  };
  return { llm, usage };
}

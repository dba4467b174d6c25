// Every failure of one attempt becomes an LlmCallError here: what the openai client threw, and an
// error object a server put inside a 200 reply or a stream. The code decides retries and the breaker.
//
// Codes: LLM_TIMEOUT, LLM_NETWORK, LLM_RATE_LIMITED, LLM_NO_CHOICES and LLM_HTTP for 408/409/5xx are
// retryable; LLM_QUOTA (quota or credit exhausted) and LLM_AUTH (401, or a 403 not about quota)
// never heal during a run; LLM_PROTOCOL (a reply that is not a chat completion) and LLM_ABORTED
// are not retried.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Endpoint } from '../config/endpoints.ts';
import { LlmCallError } from '../errors.ts';
import { parseRateLimitReset, parseRetryAfter } from './retry.ts';
import { scrub } from './scrub.ts';

/** Where a call went and what must never appear in its messages. */
export interface CallContext {
  endpoint: Pick<Endpoint, 'baseURL' | 'model' | 'timeoutMs'>;
  /** The API key and the role's header and query values: scrubbed out of every server message. */
  secrets: readonly (string | undefined)[];
}

/** A well-formed reply whose `choices` list is empty: the server produced nothing (OpenRouter's cold starts). */
export const NO_CHOICES_CODE = 'LLM_NO_CHOICES';

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

/** Error codes and types servers use for an exhausted quota or credit (OpenAI, OpenRouter, Anthropic-style). */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'insufficient_credits']);
// "billing" only as a word of prose: OpenAI's ordinary rate-limit message links to .../account/billing.
const QUOTA_TEXT =
  /exceeded your current quota|insufficient[_ ]quota|credit balance is too low|insufficient (credits|balance|funds)|out of credits|(?<![/\w])billing\b/i;
/** Error codes and messages of a connection cut in the middle of a reply (undici, node:http). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const RESET_TEXT = /^terminated$|socket hang up|other side closed|ECONNRESET/i;

export function describeEndpoint(endpoint: CallContext['endpoint']): string {
  return `${endpoint.baseURL} (${endpoint.model})`;
}

export function timeoutError(endpoint: CallContext['endpoint']): LlmCallError {
  return new LlmCallError(`timed out after ${endpoint.timeoutMs} ms waiting for ${describeEndpoint(endpoint)}`, {
    retryable: true,
    code: 'LLM_TIMEOUT',
  });
}

/** A reply that is not what the protocol says; `what` names the part that was missing or wrong. */
export function protocolError(context: CallContext, what: string): LlmCallError {
  return new LlmCallError(`${describeEndpoint(context.endpoint)} sent a reply that is not a chat completion (${what})`, {
    retryable: false,
    code: 'LLM_PROTOCOL',
  });
}

/**
 * Classifies whatever the client threw. The message names the endpoint and the status, plus a
 * short server message scrubbed of secrets (servers sometimes quote part of a bad key back).
 */
export function toLlmCallError(error: unknown, context: CallContext): LlmCallError {
  const where = describeEndpoint(context.endpoint);
  if (error instanceof LlmCallError) return error;
  if (error instanceof APIConnectionTimeoutError) return timeoutError(context.endpoint);
  if (error instanceof APIUserAbortError) {
    return new LlmCallError(`request to ${where} was aborted`, { retryable: false, code: 'LLM_ABORTED' });
  }
  if (error instanceof APIConnectionError) {
    const detail = innermostCause(error);
    return new LlmCallError(`cannot reach ${where} (${scrub(detail, context.secrets)})`, {
      retryable: true,
      code: 'LLM_NETWORK',
    });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const serverMessage = (error.error as { message?: unknown } | undefined)?.message;
    const detail = typeof serverMessage === 'string' ? `: ${scrub(serverMessage, context.secrets)}` : '';
    const message = `HTTP ${status} from ${where}${detail}`;
    if (isQuotaError(status, stringOrUndefined(error.code), stringOrUndefined(error.type), typeof serverMessage === 'string' ? serverMessage : error.message)) {
      return new LlmCallError(message, { status, retryable: false, code: 'LLM_QUOTA' });
    }
    if (status === 401 || status === 403) return new LlmCallError(message, { status, retryable: false, code: 'LLM_AUTH' });
    // A 429 without retry-after: OpenAI's x-ratelimit-reset-* say when the exhausted limit refills.
    const retryAfterMs = parseRetryAfter(error.headers) ?? (status === 429 ? parseRateLimitReset(error.headers) : undefined);
    return new LlmCallError(message, {
      status,
      retryable: RETRYABLE_STATUS(status),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      code: status === 429 ? 'LLM_RATE_LIMITED' : 'LLM_HTTP',
    });
  }
  // The client's own stream reader throws an APIError without a status for an `error` event.
  if (error instanceof APIError && error.error !== undefined && error.error !== null) return inBodyError(error.error, context);
  const reset = connectionReset(error);
  if (reset !== undefined) {
    return new LlmCallError(`connection to ${where} was cut off in the middle of the reply (${scrub(reset, context.secrets)})`, {
      retryable: true,
      code: 'LLM_NETWORK',
    });
  }
  // Anything else from inside the client (e.g. a body that is not JSON) is a protocol fault.
  const name = error instanceof Error ? error.name : typeof error;
  return new LlmCallError(`unexpected reply from ${where} (${name})`, { retryable: false, code: 'LLM_PROTOCOL' });
}

/**
 * An `error` a server sent inside an HTTP 200 body or a stream event (OpenRouter does both once
 * the model has started). Its numeric code is read as the HTTP status it stands for: 429, 408 and
 * 5xx are retryable, 402 is LLM_QUOTA, 401/403 LLM_AUTH, any other code is not retried. Without a
 * numeric code, OpenAI-style string codes and types decide (rate_limit_exceeded, server_error,
 * the quota codes); anything else is not retried.
 */
export function inBodyError(raw: unknown, context: CallContext): LlmCallError {
  const fields = isRecord(raw) ? raw : {};
  const serverMessage = typeof raw === 'string' ? raw : stringOrUndefined(fields['message']);
  const status = numericCode(fields['code']) ?? numericCode(fields['status']);
  const code = stringOrUndefined(fields['code']);
  const type = stringOrUndefined(fields['type']);
  const detail = serverMessage !== undefined && serverMessage.trim() !== '' ? `: ${scrub(serverMessage, context.secrets)}` : '';
  const label = status !== undefined ? `error ${status}` : code !== undefined ? `error ${scrub(code, context.secrets, 40)}` : 'an error';
  const message = `${describeEndpoint(context.endpoint)} sent ${label} in its reply${detail}`;
  const withStatus = status !== undefined ? { status } : {};

  if (isQuotaError(status, code, type, serverMessage ?? '')) return new LlmCallError(message, { ...withStatus, retryable: false, code: 'LLM_QUOTA' });
  if (status === 401 || status === 403) return new LlmCallError(message, { ...withStatus, retryable: false, code: 'LLM_AUTH' });
  if (status === 429 || (status === undefined && (code === 'rate_limit_exceeded' || type === 'rate_limit_exceeded'))) {
    return new LlmCallError(message, { ...withStatus, retryable: true, code: 'LLM_RATE_LIMITED' });
  }
  if (status !== undefined) {
    return new LlmCallError(message, { status, retryable: status === 408 || status >= 500, code: 'LLM_HTTP' });
  }
  const serverFault = code === 'server_error' || type === 'server_error';
  return new LlmCallError(message, { retryable: serverFault, code: 'LLM_HTTP' });
}

/** 402 always; 429 or 403 (or no status at all) when the code, type or message says the quota or credit is spent. */
function isQuotaError(status: number | undefined, code: string | undefined, type: string | undefined, text: unknown): boolean {
  if (status === 402) return true;
  if (status !== undefined && status !== 429 && status !== 403) return false;
  if ((code !== undefined && QUOTA_CODES.has(code)) || (type !== undefined && QUOTA_CODES.has(type))) return true;
  return typeof text === 'string' && QUOTA_TEXT.test(text);
}

/** An HTTP-status-like code (a number or a string of three digits), else undefined. */
function numericCode(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(number) && number >= 100 && number <= 599 ? number : undefined;
}

/** The detail of a connection reset anywhere in the cause chain (undici: TypeError "terminated" <- SocketError). */
function connectionReset(error: unknown): string | undefined {
  let found: string | undefined;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) found = code;
    else if (RESET_TEXT.test(current.message)) found ??= current.message;
    current = current.cause;
  }
  return found;
}

/** undici wraps the useful part ("ECONNREFUSED") two causes deep under "fetch failed". */
function innermostCause(error: Error): string {
  let detail = error.message;
  let current: unknown = error.cause;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    detail = typeof code === 'string' ? code : current.message;
    current = current.cause;
  }
  return detail;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The server refused the request as sent (as opposed to failing to answer it): 400 (vLLM, llama.cpp,
 * OpenAI) or 422 (some proxies). A structured mode or a seed it does not take is refused this way.
 */
export function isRefusal(error: LlmCallError): boolean {
  return !error.retryable && error.code === 'LLM_HTTP' && (error.status === 400 || error.status === 422);
}

// The call path's public API. Roles reach a model only through `Llm` (types.ts).
export * from './types.ts';
export { createLlm, type CreateLlmOptions } from './create-llm.ts';
export { CACHE_MODES, callCacheKey, type CacheMode } from './call-cache.ts';
export { parseStructuredReply, responseFormatFor, reaskMessages } from './structured.ts';
export { parseLenientJson } from './json-repair.ts';
export { createAdaptiveLimiter, type AdaptiveLimiter, type LimiterSlot } from './adaptive-limiter.ts';
export { withRetry, retryDelayMs, parseRetryAfter, type RetryOptions, type RetryOutcome } from './retry.ts';
export { checkEndpoints, type EndpointCheck } from './check-endpoints.ts';

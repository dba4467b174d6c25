-- Reasoning models (src/llm): what each logged call spent thinking, and what the provider reported
-- with its replies. NULL: no reply of the call reported it (a cache hit, a failure before any reply,
-- a server that does not report it). The cache's reply_json now also carries the reply's
-- `reasoning` (text or null); rows written before it have none and read as null.
ALTER TABLE llm_call_log ADD COLUMN reasoning_tokens INTEGER; -- of completion_tokens (usage.completion_tokens_details.reasoning_tokens)
ALTER TABLE llm_call_log ADD COLUMN cached_tokens INTEGER;    -- of prompt_tokens, served from the provider's prompt cache
ALTER TABLE llm_call_log ADD COLUMN provider_cost REAL;       -- what the provider says the call cost (OpenRouter's usage.cost, USD)

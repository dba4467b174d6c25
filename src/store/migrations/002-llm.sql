-- The model-call cache and the per-call log (src/llm). Neither ever holds an API key; the cache
-- holds only replies that were complete and valid, the log only counts and outcomes.
CREATE TABLE llm_call_cache (
  key TEXT PRIMARY KEY,             -- sha256 of the canonical request (endpoint, model, messages, sampling, seed)
  endpoint_id TEXT NOT NULL,
  model TEXT NOT NULL,
  reply_json TEXT NOT NULL,         -- { content, toolCalls, finishReason }
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE llm_call_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  model TEXT NOT NULL,
  schema_name TEXT,                 -- structured calls only
  seed INTEGER NOT NULL,
  cache_key TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  cache_hit INTEGER NOT NULL,       -- 0 | 1
  attempts INTEGER NOT NULL,        -- requests sent over the wire for this call
  reasked INTEGER NOT NULL,         -- 0 | 1
  outcome TEXT NOT NULL,            -- 'ok' | transport | invalid-output | truncated | empty | cache-miss
  error TEXT,                       -- the failure's one-line message (no request body, no key)
  created_at TEXT NOT NULL
);

CREATE INDEX llm_call_log_role ON llm_call_log (role, outcome);

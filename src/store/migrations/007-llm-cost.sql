-- Prices (src/llm/call-cost.ts): what each logged call cost in USD at its role's price from the
-- endpoints file: (prompt - cached) x input + cached x cachedInput + completion x output, per million
-- tokens; 0 for a cache hit (nothing was paid in this run); NULL when the role has no price. Reports
-- use provider_cost instead where the provider reported one (its own bill for that call).
ALTER TABLE llm_call_log ADD COLUMN cost_usd REAL;

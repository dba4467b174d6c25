-- The final held-out test: after the last iteration the baseline and the best candidate are
-- evaluated once on the split's test documents (split part 'test'). SQLite cannot change a CHECK
-- constraint in place, so the evaluation table is rebuilt with the wider one (nothing references it).
CREATE TABLE evaluation_new (
  candidate_id TEXT NOT NULL REFERENCES candidate(id),
  iteration INTEGER NOT NULL,
  split_part TEXT NOT NULL CHECK (split_part IN ('train', 'validation', 'test')),
  repeat INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  pass_rate REAL NOT NULL,
  documents INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  outcomes_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (candidate_id, iteration, split_part)
);
INSERT INTO evaluation_new SELECT candidate_id, iteration, split_part, repeat, seed, pass_rate, documents, accepted, calls, tokens, outcomes_json, created_at FROM evaluation;
DROP TABLE evaluation;
ALTER TABLE evaluation_new RENAME TO evaluation;
CREATE INDEX evaluation_by_iteration ON evaluation(iteration);

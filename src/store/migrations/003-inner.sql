-- Inner loop: one finished document episode per (harness content, document, seed, repeat).
-- A row is written only when the episode is complete, so a killed run re-runs at most the
-- documents that were in flight and reuses every row already here.
CREATE TABLE document_result (
  harness_hash TEXT NOT NULL,
  document_id TEXT NOT NULL,
  seed INTEGER NOT NULL,
  repeat INTEGER NOT NULL,
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  accepted_round INTEGER,
  total_rounds INTEGER NOT NULL,
  weak_mean REAL,
  strong_mean REAL,
  gap REAL,
  result_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (harness_hash, document_id, seed, repeat)
);

CREATE INDEX document_result_by_harness ON document_result (harness_hash, seed, repeat);

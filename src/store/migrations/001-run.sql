-- One row per run (generate, evolve, calibrate, ...). The resolved config and its hash are kept
-- so a resumed run can prove it is the same run.
CREATE TABLE run (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  config_json TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  seed INTEGER NOT NULL,
  versions_json TEXT NOT NULL,
  status TEXT NOT NULL,
  finished_at TEXT
);

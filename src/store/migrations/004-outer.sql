-- The outer loop (meta-optimization). One run per store file, so rows carry no run id.
-- Candidate ids are c0000 (the baseline, iteration 0) and c<iteration> for the child of an iteration.

-- Every candidate is a unified diff against the baseline harness (empty for the baseline and for
-- a refused edit, which never produced files).
CREATE TABLE candidate (
  id TEXT PRIMARY KEY,
  parent_id TEXT REFERENCES candidate(id),
  iteration INTEGER NOT NULL,
  diff TEXT NOT NULL,
  content_hash TEXT,
  status TEXT NOT NULL CHECK (status IN ('evaluating', 'accepted', 'rejected', 'refused')),
  reason TEXT NOT NULL DEFAULT '',
  edit_summary TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX candidate_by_iteration ON candidate(iteration);

-- One evaluation of one candidate on one split part in one iteration. A candidate picked as a
-- parent again is re-evaluated (a new repeat), and its score averages all its validation rows.
CREATE TABLE evaluation (
  candidate_id TEXT NOT NULL REFERENCES candidate(id),
  iteration INTEGER NOT NULL,
  split_part TEXT NOT NULL CHECK (split_part IN ('train', 'validation')),
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
CREATE INDEX evaluation_by_iteration ON evaluation(iteration);

-- The analyzer's root-cause analysis of the parent's failed training trajectories.
CREATE TABLE analysis (
  iteration INTEGER PRIMARY KEY,
  parent_id TEXT NOT NULL REFERENCES candidate(id),
  headline TEXT NOT NULL,
  analysis_json TEXT,
  error TEXT,
  trajectories INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

-- Every implementer attempt of an iteration, applied or refused (with the refusal reason).
CREATE TABLE edit_attempt (
  iteration INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  summary TEXT NOT NULL,
  edits_json TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refused')),
  refusal_reason TEXT,
  message TEXT NOT NULL DEFAULT '',
  calls INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (iteration, attempt)
);

-- The history log: one row per completed iteration, written last, in the same transaction that
-- settles the child's status. A resumed run redoes every iteration that has no row here.
CREATE TABLE iteration (
  iteration INTEGER PRIMARY KEY,
  parent_id TEXT NOT NULL,
  child_id TEXT,
  analysis_headline TEXT NOT NULL DEFAULT '',
  edit_summary TEXT NOT NULL DEFAULT '',
  parent_score REAL,
  child_score REAL,
  decision TEXT NOT NULL CHECK (decision IN ('baseline', 'accepted', 'rejected', 'refused', 'failed')),
  reason TEXT NOT NULL,
  calls INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  finished_at TEXT NOT NULL
);

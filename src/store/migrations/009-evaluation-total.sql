-- optional for readers: a read-only open of a store without this migration still works (the reader
-- sums the evaluation rows instead, outer/events.ts acceptedExamples).
--
-- The examples accepted over every evaluation row, kept up to date by triggers, so status and
-- evolve's progress read one row instead of summing a million. A migration that rebuilds the
-- evaluation table (as 005 did) must create these triggers again.
CREATE TABLE evaluation_total (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  accepted INTEGER NOT NULL
);
INSERT INTO evaluation_total (id, accepted) SELECT 1, COALESCE(SUM(accepted), 0) FROM evaluation;
CREATE TRIGGER evaluation_total_insert AFTER INSERT ON evaluation BEGIN
  UPDATE evaluation_total SET accepted = accepted + NEW.accepted WHERE id = 1;
END;
CREATE TRIGGER evaluation_total_delete AFTER DELETE ON evaluation BEGIN
  UPDATE evaluation_total SET accepted = accepted - OLD.accepted WHERE id = 1;
END;
CREATE TRIGGER evaluation_total_update AFTER UPDATE OF accepted ON evaluation BEGIN
  UPDATE evaluation_total SET accepted = accepted - OLD.accepted + NEW.accepted WHERE id = 1;
END;

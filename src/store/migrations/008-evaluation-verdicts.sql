-- optional for readers: a read-only open of a store without this migration still works (the score
-- readers fall back to deriving verdicts per row, outer/best-candidate.ts), so old run folders stay
-- readable by status and curve without being migrated.
--
-- Each evaluation row's verdicts (documents that reached a verdict) stored once, so the score
-- readers (outer/best-candidate.ts) need not derive them per row on every read, plus a covering
-- index over what they read: a candidate's pooled score is one range of this index, and status,
-- curve and parent selection never touch the table's rows (with their outcome JSON).
-- The expression is best-candidate.ts's verdictsSql: accepted / pass_rate gives the verdicts back
-- exactly; a row with nothing accepted counts its documents less the errored ones.
ALTER TABLE evaluation ADD COLUMN verdicts INTEGER;
UPDATE evaluation SET verdicts = CASE WHEN accepted > 0 THEN ROUND(accepted / pass_rate)
  ELSE documents - (SELECT COUNT(*) FROM json_each(outcomes_json) WHERE json_type(value, '$.error') IS NOT NULL) END;
CREATE INDEX evaluation_scores ON evaluation(split_part, candidate_id, iteration, accepted, verdicts);

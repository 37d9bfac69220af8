-- Up Migration

-- A letter's status changes twice or more on its way (queued, delivered, acknowledged). An index
-- that names `status` or `updated_at` makes every such UPDATE write a new entry into each of the
-- letters' eight indexes; `letters_failed` was the only one. It now names `failed_at`, set only
-- when a letter fails (and cleared when it is replayed), so the other changes can be HOT updates:
-- the new row version on the same page, no index touched. Room on the page for those versions:
-- a fill factor of 70 (for pages written from now on).
ALTER TABLE letters ADD COLUMN failed_at timestamptz;
UPDATE letters SET failed_at = updated_at WHERE status = 'failed';
DROP INDEX letters_failed;
CREATE INDEX letters_failed ON letters (failed_at DESC, id DESC) WHERE failed_at IS NOT NULL;
ALTER TABLE letters SET (fillfactor = 70);

-- Down Migration
ALTER TABLE letters RESET (fillfactor);
DROP INDEX letters_failed;
CREATE INDEX letters_failed ON letters (updated_at DESC, id DESC) WHERE status = 'failed';
ALTER TABLE letters DROP COLUMN failed_at;

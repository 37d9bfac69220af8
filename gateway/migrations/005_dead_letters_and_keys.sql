-- Up Migration

-- Dead-letter replay: a replayed letter starts a new delivery round whose adapter
-- attempts count from 1 again, so a receipt is unique per round, not per letter.
ALTER TABLE letters ADD COLUMN delivery_round integer NOT NULL DEFAULT 0;
ALTER TABLE delivery_attempts ADD COLUMN round integer NOT NULL DEFAULT 0;
DROP INDEX delivery_attempts_once;
CREATE UNIQUE INDEX delivery_attempts_once ON delivery_attempts (letter_id, round, attempt, outcome);
CREATE INDEX letters_failed ON letters (updated_at DESC, id DESC) WHERE status = 'failed';

-- Back-pressure counts a sector's unpublished outbox rows on every submission.
CREATE INDEX outbox_pending_sector ON outbox (sector) WHERE published_at IS NULL;

-- Key rotation: a key rotated away must never come back, not even through
-- POSTBUD_BOOTSTRAP_ADMIN_KEY at the next start, so its hash is kept here.
ALTER TABLE api_clients ADD COLUMN key_rotated_at timestamptz;
CREATE TABLE retired_api_keys (
  key_hash    text PRIMARY KEY,
  client_id   uuid NOT NULL REFERENCES api_clients (id),
  retired_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE retired_api_keys;
ALTER TABLE api_clients DROP COLUMN key_rotated_at;
DROP INDEX outbox_pending_sector, letters_failed, delivery_attempts_once;
ALTER TABLE delivery_attempts DROP COLUMN round;
CREATE UNIQUE INDEX delivery_attempts_once ON delivery_attempts (letter_id, attempt, outcome);
ALTER TABLE letters DROP COLUMN delivery_round;

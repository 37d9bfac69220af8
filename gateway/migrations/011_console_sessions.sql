-- Up Migration

-- Sessions of the browser console: an API key typed once at sign-in is exchanged for a random
-- session token held in an HttpOnly cookie. Only the token's SHA-256 is stored. The session
-- keeps the hash of the key it was opened with: a rotated or revoked key ends its sessions,
-- because a session is valid only while its client still has that key.
CREATE TABLE console_sessions (
  token_hash    text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  client_id     uuid NOT NULL REFERENCES api_clients (id),
  key_hash      text NOT NULL,
  csrf_token    text NOT NULL CHECK (csrf_token ~ '^[A-Za-z0-9_-]{32}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz
);
CREATE INDEX console_sessions_client ON console_sessions (client_id);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- Down Migration
DROP TABLE console_sessions;

-- Up Migration

CREATE TABLE api_clients (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  -- SHA-256 of the key: keys are 256 random bits, so a slow hash adds nothing.
  key_hash    text NOT NULL UNIQUE,
  roles       text[] NOT NULL CHECK (roles <@ ARRAY['sender', 'admin', 'auditor', 'adapter']::text[]),
  senders     text[] NOT NULL DEFAULT '{}',
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE mailboxes (
  sor_id           text PRIMARY KEY CHECK (sor_id ~ '^[0-9]{6,18}$'),
  ean              text CHECK (ean ~ '^[0-9]{13}$'),
  name             text NOT NULL,
  display_name     text,
  parent_sor_id    text,
  kind             text NOT NULL DEFAULT 'unit' CHECK (kind IN ('owner', 'institution', 'unit')),
  sector           text NOT NULL CHECK (sector IN ('region', 'municipality', 'gp')),
  municipality_code text CHECK (municipality_code ~ '^[0-9]{3}$'),
  region_code      text CHECK (region_code ~ '^[0-9]{4}$'),
  unit_type        text,
  address          text,
  accepts          text[] NOT NULL DEFAULT '{}',
  endpoint         text,
  valid_from       date,
  valid_to         date,
  active           boolean NOT NULL DEFAULT true,
  successor_sor_id text,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mailboxes_parent ON mailboxes (parent_sor_id);

CREATE TABLE mailbox_history (
  id          bigserial PRIMARY KEY,
  sor_id      text NOT NULL REFERENCES mailboxes (sor_id),
  version     integer NOT NULL,
  changed_by  uuid,
  changed_at  timestamptz NOT NULL DEFAULT now(),
  change      text NOT NULL,
  before      jsonb,
  after       jsonb NOT NULL
);
CREATE INDEX mailbox_history_sor ON mailbox_history (sor_id, id);

CREATE TABLE letters (
  id                uuid PRIMARY KEY,
  client_id         uuid NOT NULL REFERENCES api_clients (id),
  sender_sor_id     text NOT NULL REFERENCES mailboxes (sor_id),
  recipient_sor_id  text NOT NULL REFERENCES mailboxes (sor_id),
  recipient_ean     text NOT NULL,
  sector            text NOT NULL CHECK (sector IN ('region', 'municipality', 'gp')),
  category          text NOT NULL,
  communication_id  uuid NOT NULL,
  status            text NOT NULL CHECK (status IN
                      ('accepted', 'queued', 'delivered', 'acknowledged', 'rejected', 'misrouted', 'failed')),
  -- The XML with attachment placeholders, AES-256-GCM encrypted under key_id.
  xml_template      bytea NOT NULL,
  -- The submitted letter (without attachment bytes), sealed like the XML: a reroute rebuilds
  -- the letter for another recipient from it.
  envelope          bytea NOT NULL,
  key_id            text NOT NULL,
  -- Keyed hash of the CPR so auditors can find a letter without CPR stored in clear.
  cpr_hmac          text NOT NULL,
  rerouted_from     uuid REFERENCES letters (id),
  idempotency_key   text,
  request_hash      text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX letters_idempotency ON letters (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX letters_sender_recipient ON letters (sender_sor_id, recipient_sor_id);
CREATE INDEX letters_cpr ON letters (cpr_hmac);

CREATE TABLE attachments (
  letter_id     uuid NOT NULL REFERENCES letters (id),
  position      smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
  title         text NOT NULL,
  content_type  text NOT NULL,
  size          bigint NOT NULL,
  sha256        text NOT NULL,
  PRIMARY KEY (letter_id, position)
);

CREATE TABLE attachment_chunks (
  letter_id  uuid NOT NULL,
  position   smallint NOT NULL,
  chunk      integer NOT NULL,
  key_id     text NOT NULL,
  data       bytea NOT NULL,
  PRIMARY KEY (letter_id, position, chunk),
  -- Deferred: chunks stream in before the attachment row, whose size and SHA-256 are known last.
  FOREIGN KEY (letter_id, position) REFERENCES attachments (letter_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE audit_events (
  seq         bigint PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor_id    uuid,
  actor_name  text NOT NULL,
  action      text NOT NULL,
  letter_id   uuid,
  sor_id      text,
  details     jsonb NOT NULL DEFAULT '{}',
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX audit_events_letter ON audit_events (letter_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);

-- The trail is append-only: edits and deletions are refused in the database itself.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  letter_id     uuid NOT NULL REFERENCES letters (id),
  sector        text NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;

CREATE TABLE delivery_attempts (
  id           bigserial PRIMARY KEY,
  letter_id    uuid NOT NULL REFERENCES letters (id),
  attempt      integer NOT NULL,
  endpoint     text NOT NULL,
  outcome      text NOT NULL,
  http_status  integer,
  duration_ms  integer,
  error        text,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_attempts_letter ON delivery_attempts (letter_id, id);
-- Receipts may be redelivered; one row per attempt and outcome.
CREATE UNIQUE INDEX delivery_attempts_once ON delivery_attempts (letter_id, attempt, outcome);

CREATE TABLE misroutes (
  id              uuid PRIMARY KEY,
  letter_id       uuid NOT NULL REFERENCES letters (id),
  source          text NOT NULL CHECK (source IN ('report', 'acknowledgement')),
  reported_by     uuid REFERENCES api_clients (id),
  reported_at     timestamptz NOT NULL DEFAULT now(),
  note            text,
  correct_sor_id  text,
  rerouted_to     uuid REFERENCES letters (id)
);
CREATE INDEX misroutes_letter ON misroutes (letter_id);

-- Down Migration
DROP TABLE misroutes, delivery_attempts, outbox, audit_events, attachment_chunks, attachments,
  letters, mailbox_history, mailboxes, api_clients;
DROP FUNCTION audit_events_append_only();

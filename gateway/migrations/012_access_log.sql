-- Up Migration

-- Who looked at a patient: one row for every read of patient data (a letter's status, XML, events,
-- thread or acknowledgement, an auditor's search by CPR, export or trace, a console page). The CPR
-- is kept only as the keyed hash the letters and the audit search use, never as itself. Rows are
-- not chained: a read must stay one cheap INSERT; the trigger and the grants below keep it append-only.
CREATE TABLE access_events (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  client_id       uuid NOT NULL REFERENCES api_clients (id),
  action          text NOT NULL CHECK (action ~ '^[a-z]+(\.[a-z-]+)+$'),
  letter_id       uuid,
  cpr_hmac        text CHECK (cpr_hmac ~ '^[0-9a-f]{64}$'),
  remote_address  text NOT NULL,
  request_id      text NOT NULL
);
CREATE INDEX access_events_letter ON access_events (letter_id, at) WHERE letter_id IS NOT NULL;
CREATE INDEX access_events_cpr ON access_events (cpr_hmac, at) WHERE cpr_hmac IS NOT NULL;
CREATE INDEX access_events_at ON access_events (at);

CREATE FUNCTION access_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER access_events_no_update BEFORE UPDATE OR DELETE ON access_events
  FOR EACH ROW EXECUTE FUNCTION access_events_append_only();
CREATE TRIGGER access_events_no_truncate BEFORE TRUNCATE ON access_events
  FOR EACH STATEMENT EXECUTE FUNCTION access_events_append_only();

-- The default privileges of 004 gave the application role every right on new tables: take back
-- the ones that would let it rewrite who looked.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postbud_app') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON access_events FROM postbud_app;
  END IF;
END $$;

-- Down Migration
DROP TABLE access_events;
DROP FUNCTION access_events_append_only();

-- Up Migration

-- Events are written unsealed inside the transaction of the change they record, and one sealer
-- at a time gives them their place in the chain (seq, prev_hash, hash) in batches, in the order
-- their transactions committed. Letter transactions no longer wait for each other on the chain's
-- end. `id` is the order events were written in; old rows keep it NULL (no table rewrite).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events ALTER COLUMN seq DROP NOT NULL,
  ALTER COLUMN prev_hash DROP NOT NULL,
  ALTER COLUMN hash DROP NOT NULL,
  ADD COLUMN id bigint;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_key UNIQUE (seq);
CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id;
ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq');
-- A seal is whole or absent.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_sealed_whole
  CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL));
-- What the sealer takes next, and how old the oldest of it is (the sealing lag).
CREATE INDEX audit_events_unsealed ON audit_events (id) INCLUDE (at) WHERE seq IS NULL;

-- Still append-only: a sealed event never changes, and an unsealed one only receives its seal.
CREATE FUNCTION audit_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
     AND NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.at = OLD.at
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.actor_name = OLD.actor_name
     AND NEW.action = OLD.action AND NEW.letter_id IS NOT DISTINCT FROM OLD.letter_id
     AND NEW.sor_id IS NOT DISTINCT FROM OLD.sor_id AND NEW.details = OLD.details THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER audit_events_no_update ON audit_events;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_seal_only();

-- The application role may write the seal columns, and nothing else of an event.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postbud_app') THEN
    GRANT UPDATE (seq, prev_hash, hash) ON audit_events TO postbud_app;
    GRANT USAGE, SELECT ON SEQUENCE audit_events_id_seq TO postbud_app;
  END IF;
END $$;

-- Down Migration
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postbud_app') THEN
    REVOKE UPDATE (seq, prev_hash, hash) ON audit_events FROM postbud_app;
  END IF;
END $$;
DROP TRIGGER audit_events_no_update ON audit_events;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
DROP FUNCTION audit_events_seal_only();
DROP INDEX audit_events_unsealed;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_sealed_whole, DROP CONSTRAINT audit_events_seq_key;
ALTER TABLE audit_events DROP COLUMN id;
ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
  ALTER COLUMN hash SET NOT NULL, ADD PRIMARY KEY (seq);

-- Up Migration

-- Retention (postbud purge): when a letter's sealed XML, envelope and attachment chunks were
-- removed. Its audit events and attachment metadata (size, SHA-256) stay.
ALTER TABLE letters ADD COLUMN purged_at timestamptz;
CREATE INDEX letters_purge_due ON letters (created_at) WHERE purged_at IS NULL;

-- The auditors' filters: events by time and by mailbox; letters by recipient (sender is the
-- leading column of letters_sender_recipient); both directions of a reroute for the trace.
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_sor ON audit_events (sor_id, seq) WHERE sor_id IS NOT NULL;
CREATE INDEX letters_recipient ON letters (recipient_sor_id);
CREATE INDEX letters_rerouted_from ON letters (rerouted_from) WHERE rerouted_from IS NOT NULL;
CREATE INDEX misroutes_reported_at ON misroutes (reported_at);
CREATE INDEX misroutes_rerouted_to ON misroutes (rerouted_to) WHERE rerouted_to IS NOT NULL;

-- A role the gateway can run as (GRANT postbud_app TO <login role>) while migrations run as the
-- owner: it may append to the audit trail but holds no right to change or remove an event, so
-- even a bug or injected SQL in the application cannot rewrite history. The trigger of 001
-- stays as the second wall, for owners and superusers. Roles are cluster-wide and need
-- CREATEROLE, so a migrating user without it skips this with a notice.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postbud_app') THEN
    BEGIN
      CREATE ROLE postbud_app NOLOGIN;
    EXCEPTION
      -- Another database of the same cluster migrating at the same moment created it.
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'postbud_app not created: the migrating role lacks CREATEROLE';
        RETURN;
    END;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO postbud_app', current_database());
  GRANT USAGE ON SCHEMA public TO postbud_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO postbud_app;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO postbud_app;
  REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM postbud_app;
  REVOKE ALL ON pgmigrations FROM postbud_app;
  GRANT SELECT ON pgmigrations TO postbud_app;
  -- Tables of later migrations; a later one must repeat the REVOKE if it adds an append-only table.
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO postbud_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO postbud_app;
END $$;

-- Down Migration
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postbud_app') THEN
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM postbud_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM postbud_app;
    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM postbud_app;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM postbud_app;
    REVOKE ALL ON SCHEMA public FROM postbud_app;
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM postbud_app', current_database());
  END IF;
END $$;
DROP INDEX misroutes_rerouted_to, misroutes_reported_at, letters_rerouted_from, letters_recipient,
  audit_events_sor, audit_events_at, letters_purge_due;
ALTER TABLE letters DROP COLUMN purged_at;

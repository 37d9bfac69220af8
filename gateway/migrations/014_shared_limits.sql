-- Up Migration

-- Token buckets shared by every gateway instance, so a client's budget holds for the client as a
-- whole and not once per instance behind the load balancer. One row per bucket key ('client:<id>',
-- 'adapter:<id>', 'auth:<address>'); a request is one upsert. UNLOGGED: no WAL for a row that
-- changes on every request; after a crash PostgreSQL empties the table, which only hands every
-- client a full bucket, and the table is not replicated, so a standby starts with full buckets too.
-- No index on `at`: updates stay HOT; the occasional prune scans this small table.
CREATE UNLOGGED TABLE rate_limit_buckets (
  key      text PRIMARY KEY,
  tokens   double precision NOT NULL,
  at       timestamptz NOT NULL,
  granted  boolean NOT NULL
);

-- Down Migration
DROP TABLE rate_limit_buckets;

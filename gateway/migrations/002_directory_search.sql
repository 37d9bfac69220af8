-- Up Migration

-- Both are trusted extensions: a database owner may create them without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

-- The normalised name of routing/names.ts (normaliseName), so pg_trgm's similarity() here and
-- nameSimilarity() there agree. Declared IMMUTABLE although unaccent() is only STABLE: its
-- dictionary changes only with the extension, and a generated column needs an immutable function.
-- Schema-qualified because generated columns are also computed under an empty search_path.
CREATE FUNCTION postbud_name_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.btrim(pg_catalog.regexp_replace(
    pg_catalog.lower(public.unaccent('public.unaccent'::regdictionary,
      -- Before unaccent, which would make "å" a plain "a" and "ø" an "o".
      pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
        pg_catalog.replace(pg_catalog.replace(name, 'Æ', 'ae'), 'æ', 'ae'), 'Ø', 'oe'), 'ø', 'oe'),
        'Å', 'aa'), 'å', 'aa'), 'ß', 'ss'))),
    '[^a-z0-9]+', ' ', 'g'));

ALTER TABLE mailboxes ADD COLUMN name_key text GENERATED ALWAYS AS (postbud_name_key(name)) STORED;

-- GiST rather than GIN: it serves nearest-name ordering (`<->`) with LIMIT, which needs no
-- session threshold setting, as well as `%` and ILIKE for the directory search.
CREATE INDEX mailboxes_name_key_trgm ON mailboxes USING gist (name_key public.gist_trgm_ops);

-- Down Migration
DROP INDEX mailboxes_name_key_trgm;
ALTER TABLE mailboxes DROP COLUMN name_key;
DROP FUNCTION postbud_name_key(text);
DROP EXTENSION IF EXISTS unaccent;
DROP EXTENSION IF EXISTS pg_trgm;

-- Up Migration

-- The search form of a name: postbud_name_key (names.ts), then the Danish two-letter spellings
-- folded to one letter, so "Århus", "Aarhus" and "Arhus", or "Gødstrup" and "Godstrup", meet.
-- Lossy on purpose and applied to documents and queries alike; the guards keep using name_key.
CREATE FUNCTION postbud_search_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
    public.postbud_name_key(name), 'aa', 'a'), 'ae', 'a'), 'oe', 'o');

-- Derived from each mailbox and its ancestors, so that search never walks the hierarchy. A table
-- of its own, so that recomputing it never rewrites mailbox rows and their indexes:
-- path           the plain-words path, owner first (display name where set, as mailboxPath());
-- effective_ean  the own EAN or the nearest ancestor's (as effectiveEan());
-- doc            own names and ids weight A, ancestors' names B, unit type and address C;
-- key            the words of doc, each once: for matching parts of words (Danish compounds:
--                "psykiatri" inside "Socialpsykiatri") and misspellings by trigrams;
-- own_key        the mailbox's own names folded, for "how much of the name did the query say".
CREATE TABLE mailbox_search (
  sor_id         text PRIMARY KEY REFERENCES mailboxes (sor_id) ON DELETE CASCADE,
  path           text[] NOT NULL,
  effective_ean  text,
  doc            tsvector NOT NULL,
  key            text NOT NULL,
  own_key        text NOT NULL
);
CREATE INDEX mailbox_search_doc ON mailbox_search USING gin (doc);
CREATE INDEX mailbox_search_key_trgm ON mailbox_search USING gin (key public.gin_trgm_ops);
CREATE INDEX mailboxes_sector_municipality ON mailboxes (sector, municipality_code);

-- Who changed a mailbox when no API client did (the CLI import, the demo seed).
ALTER TABLE mailbox_history ADD COLUMN changed_by_name text;

-- Recomputes the search rows of `roots` and everything below them: renaming an owner changes the
-- path of every unit under it. Works top-down from the highest roots, folding each name once and
-- handing it to the children, so 100,000 roots cost one pass. The depth limit stops a parent
-- cycle written behind the directory's back from looping. Unchanged rows are not written.
CREATE FUNCTION postbud_refresh_mailbox_search(roots text[]) RETURNS void
  LANGUAGE sql VOLATILE
BEGIN ATOMIC
  WITH RECURSIVE root AS (
    SELECT DISTINCT r AS sor_id FROM unnest(roots) AS r
  ),
  top AS (
    SELECT m.sor_id, m.parent_sor_id FROM root r JOIN public.mailboxes m ON m.sor_id = r.sor_id
    WHERE m.parent_sor_id IS NULL OR NOT EXISTS (SELECT 1 FROM root p WHERE p.sor_id = m.parent_sor_id)
  ),
  up (top_id, parent_sor_id, label, folded, ean, depth) AS (
    SELECT t.sor_id, p.parent_sor_id, coalesce(p.display_name, p.name),
           public.postbud_search_key(p.name || ' ' || coalesce(p.display_name, '')), p.ean, 1
    FROM top t JOIN public.mailboxes p ON p.sor_id = t.parent_sor_id
    UNION ALL
    SELECT u.top_id, p.parent_sor_id, coalesce(p.display_name, p.name),
           public.postbud_search_key(p.name || ' ' || coalesce(p.display_name, '')), p.ean, u.depth + 1
    FROM up u JOIN public.mailboxes p ON p.sor_id = u.parent_sor_id
    WHERE u.depth < 64
  ),
  prefix AS (
    SELECT t.sor_id,
           coalesce(array_agg(u.label ORDER BY u.depth DESC) FILTER (WHERE u.top_id IS NOT NULL), '{}') AS path,
           (array_agg(u.ean ORDER BY u.depth) FILTER (WHERE u.ean IS NOT NULL))[1] AS ean,
           coalesce(string_agg(u.folded, ' ' ORDER BY u.depth), '') AS names
    FROM top t LEFT JOIN up u ON u.top_id = t.sor_id
    GROUP BY t.sor_id
  ),
  down (sor_id, path, ean, names, own, depth) AS (
    SELECT m.sor_id, p.path || coalesce(m.display_name, m.name), coalesce(m.ean, p.ean), p.names,
           public.postbud_search_key(m.name || ' ' || coalesce(m.display_name, '')), 0
    FROM prefix p JOIN public.mailboxes m ON m.sor_id = p.sor_id
    UNION ALL
    SELECT c.sor_id, d.path || coalesce(c.display_name, c.name), coalesce(c.ean, d.ean), d.names || ' ' || d.own,
           public.postbud_search_key(c.name || ' ' || coalesce(c.display_name, '')), d.depth + 1
    FROM down d JOIN public.mailboxes c ON c.parent_sor_id = d.sor_id
    WHERE d.depth < 64
  ),
  nearest AS (
    SELECT DISTINCT ON (sor_id) * FROM down ORDER BY sor_id, depth
  ),
  computed AS (
    SELECT n.sor_id, n.path, n.ean, n.own,
           setweight(to_tsvector('simple'::regconfig, n.own || ' ' || n.sor_id || ' ' || coalesce(m.ean, '')), 'A')
           || setweight(to_tsvector('simple'::regconfig, n.names), 'B')
           || setweight(to_tsvector('simple'::regconfig,
                public.postbud_search_key(coalesce(m.unit_type, '') || ' ' || coalesce(m.address, ''))), 'C') AS doc
    FROM nearest n JOIN public.mailboxes m ON m.sor_id = n.sor_id
  )
  INSERT INTO public.mailbox_search (sor_id, path, effective_ean, doc, key, own_key)
  SELECT sor_id, path, ean, doc, array_to_string(tsvector_to_array(doc), ' '), own FROM computed
  ON CONFLICT (sor_id) DO UPDATE
  SET path = excluded.path, effective_ean = excluded.effective_ean, doc = excluded.doc, key = excluded.key, own_key = excluded.own_key
  WHERE (mailbox_search.path, mailbox_search.effective_ean, mailbox_search.doc, mailbox_search.key, mailbox_search.own_key)
        IS DISTINCT FROM (excluded.path, excluded.effective_ean, excluded.doc, excluded.key, excluded.own_key);
END;

-- Statement-level, so a bulk import recomputes its rows in one set-based pass instead of one
-- recursive query per row. Statement triggers fire even for zero rows; those have nothing to do.
CREATE FUNCTION mailboxes_search_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  roots text[] := ARRAY(SELECT sor_id FROM inserted_rows);
BEGIN
  IF cardinality(roots) > 0 THEN
    PERFORM public.postbud_refresh_mailbox_search(roots);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION mailboxes_search_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  roots text[] := ARRAY(
    SELECT n.sor_id FROM new_rows n JOIN old_rows o ON o.sor_id = n.sor_id
    WHERE (n.name, n.display_name, n.parent_sor_id, n.ean, n.unit_type, n.address)
          IS DISTINCT FROM (o.name, o.display_name, o.parent_sor_id, o.ean, o.unit_type, o.address));
BEGIN
  IF cardinality(roots) > 0 THEN
    PERFORM public.postbud_refresh_mailbox_search(roots);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER mailboxes_search_insert AFTER INSERT ON mailboxes
  REFERENCING NEW TABLE AS inserted_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mailboxes_search_after_insert();
CREATE TRIGGER mailboxes_search_update AFTER UPDATE ON mailboxes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mailboxes_search_after_update();

SELECT postbud_refresh_mailbox_search(ARRAY(SELECT sor_id FROM mailboxes));

-- Down Migration
DROP TRIGGER mailboxes_search_update ON mailboxes;
DROP TRIGGER mailboxes_search_insert ON mailboxes;
DROP FUNCTION mailboxes_search_after_update();
DROP FUNCTION mailboxes_search_after_insert();
DROP FUNCTION postbud_refresh_mailbox_search(text[]);
ALTER TABLE mailbox_history DROP COLUMN changed_by_name;
DROP INDEX mailboxes_sector_municipality;
DROP TABLE mailbox_search;
DROP FUNCTION postbud_search_key(text);

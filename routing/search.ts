import type { Sector } from '../schemas/categories.ts';
import { careCommunicationMessageType } from '../schemas/categories.ts';
import type { MailboxSearchHit } from '../schemas/directory.ts';
import type { Mailbox } from '../schemas/mailbox.ts';
import type { Queryable } from './directory.ts';
import { copenhagenDate, mailboxStateOn } from './validity.ts';

/**
 * Finding a mailbox the way a clinician asks for one: "socialpsykiatri aarhus", "sundhedspleje
 * silkeborg", "psykiatrisk afd viborg". Every word of the query may match any level of the
 * hierarchy path (migration 003 stores it per mailbox, folded so that å/aa/a, ø/oe/o and æ/ae
 * meet): as a word prefix by full text search, as part of a word (Danish compounds: "psykiatri"
 * inside "Socialpsykiatri") by LIKE on the trigram index, or, misspelt, by trigram similarity.
 *
 * Ranking, strongest first: how many of the query's words the mailbox matches anywhere; how many
 * its own name matches (a unit over its parent and its teams); how close its own name is to the
 * whole query (shorter, plainer names first); whether it receives letters today.
 */

export interface MailboxSearch {
  q?: string;
  sector?: Sector;
  municipalityCode?: string;
  regionCode?: string;
  /** A message type (`CareCommunication`) or type with version (`CareCommunication;1.0`). */
  accepts?: string;
  /** `true`: only mailboxes that receive letters today; `false`: only those that do not. */
  active?: boolean;
  limit: number;
  offset: number;
  today?: Date;
}

export interface MailboxSearchResult {
  items: MailboxSearchHit[];
  total: number;
}

/** More words than this add little but cost a scan each; the rest are ignored. */
export const maxQueryWords = 8;

/** A misspelt word's credit: its trigram similarity, counted from 0.5 (below that it is noise). */
const fuzzy = (similarity: string) =>
  `(SELECT CASE WHEN s >= 0.5 THEN 0.9 * s ELSE 0 END FROM (SELECT ${similarity} AS s) x)`;

interface HitRow {
  sor_id: string;
  name: string;
  display_name: string | null;
  search_path: string[];
  kind: Mailbox['kind'];
  sector: Sector;
  municipality_code: string | null;
  region_code: string | null;
  effective_ean: string | null;
  accepts: string[];
  active: boolean;
  valid_from: string | null;
  valid_to: string | null;
  successor_sor_id: string | null;
  score: number;
  total: number;
}

export interface SearchWord {
  /** Folded as migration 003 folds names. */
  word: string;
  /** Whether it occurs in some mailbox's search key, as a whole word or a part of one. */
  known: boolean;
}

/**
 * The query's words, folded in PostgreSQL itself so both sides agree, each with whether the
 * directory knows it. A word found nowhere is a misspelling (or not in the directory at all):
 * only such words get the costly trigram word similarity; the others match by prefix or infix.
 */
export async function searchWords(q: Queryable, text: string): Promise<SearchWord[]> {
  const result = await q.query<SearchWord>(
    `SELECT w AS word, EXISTS (SELECT 1 FROM mailbox_search s WHERE s.key LIKE '%' || w || '%') AS known
     FROM unnest(string_to_array(postbud_search_key($1), ' ')) WITH ORDINALITY AS t (w, i)
     WHERE w <> '' GROUP BY w ORDER BY min(i) LIMIT ${maxQueryWords}`,
    [text],
  );
  return result.rows;
}

export async function searchMailboxes(q: Queryable, search: MailboxSearch): Promise<MailboxSearchResult> {
  const today = search.today ?? new Date();
  const words = search.q ? await searchWords(q, search.q) : [];
  // Candidates match every word; only when no mailbox does, any word will do (a query with one
  // word the directory cannot place still finds what the other words name).
  const all = await runSearch(q, search, words, 'every', today);
  if (all.total > 0 || words.length < 2) return all;
  return runSearch(q, search, words, 'any', today);
}

async function runSearch(
  q: Queryable,
  search: MailboxSearch,
  words: SearchWord[],
  match: 'every' | 'any',
  today: Date,
): Promise<MailboxSearchResult> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  // Parameters exist only once used: PostgreSQL refuses a parameter the text never mentions.
  let day: string | undefined;
  const inOperation = () => {
    day ??= param(copenhagenDate(today));
    return `(m.active AND (m.valid_from IS NULL OR m.valid_from <= ${day}::date) AND (m.valid_to IS NULL OR m.valid_to >= ${day}::date))`;
  };
  const acceptsCare = () =>
    `EXISTS (SELECT 1 FROM unnest(m.accepts) a WHERE lower(split_part(a, ';', 1)) = ${param(careCommunicationMessageType.toLowerCase())})`;

  const filters: string[] = [];
  if (search.sector) filters.push(`m.sector = ${param(search.sector)}`);
  if (search.municipalityCode) filters.push(`m.municipality_code = ${param(search.municipalityCode)}`);
  if (search.regionCode) filters.push(`m.region_code = ${param(search.regionCode)}`);
  if (search.accepts) {
    const [type = '', version] = search.accepts.split(';');
    const typeParam = param(type.toLowerCase());
    filters.push(
      `EXISTS (SELECT 1 FROM unnest(m.accepts) a WHERE lower(split_part(a, ';', 1)) = ${typeParam}` +
        (version === undefined ? ')' : ` AND split_part(a, ';', 2) IN ('', ${param(version)}))`),
    );
  }
  if (search.active !== undefined) filters.push(search.active ? inOperation() : `NOT ${inOperation()}`);

  let score = '0';
  let order = 'm.search_path, m.sor_id';
  if (words.length > 0) {
    const any = param(words.map(({ word }) => `${word}:*`).join(' | '));
    const anywhere: string[] = [];
    const own: string[] = [];
    const candidates: string[] = [];
    for (const { word, known } of words) {
      if (known) {
        // A word prefix counts in full, a part of a word ("psykiatri" in "socialpsykiatri") a little less.
        const prefix = `s.doc @@ to_tsquery('simple', ${param(`${word}:*`)})`;
        const infix = param(`%${word}%`);
        anywhere.push(`CASE WHEN ${prefix} THEN 1.0 WHEN s.key LIKE ${infix} THEN 0.8 ELSE 0 END`);
        own.push(
          `CASE WHEN s.doc @@ to_tsquery('simple', ${param(`${word}:*A`)}) THEN 1.0 WHEN s.own_key LIKE ${infix} THEN 0.8 ELSE 0 END`,
        );
        // Both are answered by GIN indexes; words under three letters have no trigram to look up.
        candidates.push(word.length >= 3 ? `(${prefix} OR s.key LIKE ${infix})` : prefix);
      } else {
        // The GIN trigram index answers `<%` (word similarity at least pg_trgm's threshold, 0.6).
        const w = param(word);
        anywhere.push(fuzzy(`word_similarity(${w}, s.key)`));
        own.push(fuzzy(`word_similarity(${w}, s.own_key)`));
        candidates.push(`${w} <% s.key`);
      }
    }
    filters.push(`(${candidates.join(match === 'every' ? ' AND ' : ' OR ')})`);
    const n = words.length;
    score = `4 * (${anywhere.join(' + ')}) / ${n}
      + (${own.join(' + ')}) / ${n}
      + similarity(${param(words.map(({ word }) => word).join(' '))}, s.own_key)
      + 0.3 * ts_rank('{0.1, 0.2, 0.4, 1.0}', s.doc, to_tsquery('simple', ${any}), 1)
      + CASE WHEN ${inOperation()} THEN 0.3 ELSE 0 END
      + CASE WHEN ${acceptsCare()} THEN 0.2 ELSE 0 END`;
    order = 'm.score DESC, m.search_path, m.sor_id';
  }

  // The count comes from the same candidates, and the page is joined to it, so a page past the
  // end still answers the total.
  const result = await q.query<HitRow>(
    `WITH hits AS (
       SELECT m.sor_id, m.name, m.display_name, s.path AS search_path, m.kind, m.sector, m.municipality_code, m.region_code,
              s.effective_ean, m.accepts, m.active, to_char(m.valid_from, 'YYYY-MM-DD') AS valid_from,
              to_char(m.valid_to, 'YYYY-MM-DD') AS valid_to, m.successor_sor_id, (${score})::float8 AS score
       FROM mailboxes m JOIN mailbox_search s ON s.sor_id = m.sor_id
       ${filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : ''}
     )
     SELECT counted.total, page.*
     FROM (SELECT count(*)::int AS total FROM hits) counted
     LEFT JOIN LATERAL (
       SELECT * FROM hits m ORDER BY ${order} LIMIT ${param(search.limit)} OFFSET ${param(search.offset)}
     ) page ON true`,
    params,
  );
  const total = result.rows[0]?.total ?? 0;
  return { items: result.rows.filter((row) => row.sor_id !== null).map((row) => toHit(row, today)), total };
}

function toHit(row: HitRow, today: Date): MailboxSearchHit {
  const validity = { active: row.active, validFrom: row.valid_from, validTo: row.valid_to };
  return {
    sorId: row.sor_id,
    name: row.name,
    displayName: row.display_name,
    path: row.search_path,
    kind: row.kind,
    sector: row.sector,
    municipalityCode: row.municipality_code,
    regionCode: row.region_code,
    ean: row.effective_ean,
    accepts: row.accepts,
    acceptsCareCommunication: row.accepts.some(
      (entry) => (entry.split(';')[0] ?? '').toLowerCase() === careCommunicationMessageType.toLowerCase(),
    ),
    active: row.active,
    state: mailboxStateOn(validity, today),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    successorSorId: row.successor_sor_id,
    score: Math.round(row.score * 1000) / 1000,
  };
}

// Full-text search over two indexes of line text (the line's id is the key): people's text
// (the current transcription) and the model's newest reading. On the desktop they are FTS5
// tables (migrations 2 and 7; rowid = line id), on the server store tsvector tables with a
// GIN index (pg/migrations.ts 4; line_id), both kept by triggers. Raw SQL: FTS5's MATCH,
// highlight() and rank, and PostgreSQL's @@, ts_headline and ts_rank, are each their own.
//
// The query is a list of terms, each a phrase whose last word is a prefix ("bapt" finds
// "baptism", "l'égl" finds "l'église"), all of which a line must hold: FTS5's `"term"*`, and
// on PostgreSQL quire_search_query, which cuts the terms into words as the index does.
// Matches come back as character ranges of the text: the stores mark them in a copy of it
// with two control characters (MARK_START, MARK_END), which no transcription holds (XML
// cannot carry them), and the marks are read off here. Marking them with brackets, as
// before, broke on the text's own: [[ ]] is the Leiden sign of an erasure.
import { sql } from 'kysely';
import type { SearchHit } from '../../shared/api.ts';
import { perform, type Db } from './execute.ts';
import { all as rows, map, PerDialect } from './ops.ts';
import { activeDocument } from './line-sets.ts';
import * as pgx from './pg/execute.ts';

export type SearchIndex = 'line_text_fts' | 'prediction_text_fts';

const SERVER_TABLE = { line_text_fts: 'line_text_search', prediction_text_fts: 'prediction_text_search' } as const;

const MARK_START = '\u0002';
const MARK_END = '\u0003';

/** A row as the stores answer it: the text marked in `marked`. */
type MarkedHit = Omit<SearchHit, 'marks'> & { marked: string };

/**
 * The ranges [start, end) of `text` that `marked` (the text with MARK_START/MARK_END around
 * each match) marks; none where the two do not agree, e.g. a text that holds a mark itself.
 */
export function markRanges(text: string, marked: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let plain = '';
  let start = -1;
  for (const ch of marked) {
    if (ch === MARK_START && start < 0) start = plain.length;
    else if (ch === MARK_END && start >= 0) {
      if (plain.length > start) ranges.push([start, plain.length]);
      start = -1;
    } else plain += ch;
  }
  return plain === text && start < 0 ? ranges : [];
}

const toHit = ({ marked, ...hit }: MarkedHit): SearchHit => ({ ...hit, marks: markRanges(hit.text, marked) });

const source = (index: SearchIndex): SearchHit['source'] => (index === 'line_text_fts' ? 'human' : 'model');

/** The FTS5 query for `terms`: each a quoted phrase (FTS5's syntax inert) whose last word is a prefix. */
const ftsMatch = (terms: readonly string[]) => terms.map((t) => `"${t.replace(/"/g, '')}"*`).join(' ');

function desktopQuery(index: SearchIndex, terms: readonly string[], limit: number, untranscribedOnly: boolean) {
  const table = sql.table(index);
  const untranscribed = untranscribedOnly ? sql`AND NOT EXISTS (SELECT 1 FROM line_text_fts h WHERE h.rowid = f.rowid)` : sql``;
  return sql<MarkedHit>`SELECT f.rowid AS lineId, l.page_id AS pageId, p.document_id AS documentId, d.name AS documentName,
      p.page_index AS pageIndex, f.text, highlight(${table}, 0, ${MARK_START}, ${MARK_END}) AS marked, ${sql.lit(source(index))} AS source
    FROM ${table} f JOIN lines l ON l.id = f.rowid JOIN pages p ON p.id = l.page_id JOIN documents d ON d.id = p.document_id
    WHERE ${table} MATCH ${ftsMatch(terms)} ${untranscribed} AND ${activeDocument('d')} ORDER BY rank LIMIT ${limit}`;
}

function serverQuery(index: SearchIndex, terms: readonly string[], limit: number, untranscribedOnly: boolean) {
  const table = sql.table(SERVER_TABLE[index]);
  const untranscribed = untranscribedOnly ? sql`AND NOT EXISTS (SELECT 1 FROM line_text_search h WHERE h.line_id = f.line_id)` : sql``;
  // HighlightAll: the whole text, as FTS5's highlight() gives it, not fragments.
  return sql<MarkedHit>`SELECT f.line_id AS "lineId", l.page_id AS "pageId", p.document_id AS "documentId", d.name AS "documentName",
      p.page_index AS "pageIndex", f.text, ts_headline('quire_search', f.text, q.q, ${`StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`}) AS marked,
      ${sql.lit(source(index))} AS source
    FROM quire_search_query(${[...terms]}::text[]) AS q(q) JOIN ${table} f ON f.words @@ q.q
      JOIN lines l ON l.id = f.line_id JOIN pages p ON p.id = l.page_id JOIN documents d ON d.id = p.document_id
    WHERE TRUE ${untranscribed} AND ${activeDocument('d')}
    ORDER BY ts_rank(f.words, q.q) DESC, f.line_id LIMIT ${limit}`;
}

/**
 * Lines of documents in the project whose indexed text holds every term, best first (FTS5's bm25
 * on the desktop; ts_rank, then the line, on the server). `untranscribedOnly`: leave out
 * lines that people's index holds. An operation for either store (ops.ts).
 */
export const searchIndexOp = (index: SearchIndex, terms: readonly string[], limit: number, untranscribedOnly = false) =>
  map(
    rows(new PerDialect(desktopQuery(index, terms, limit, untranscribedOnly), serverQuery(index, terms, limit, untranscribedOnly))),
    (hits) => hits.map(toHit),
  );

/** searchIndexOp on a desktop database. */
export const searchIndex = (db: Db, index: SearchIndex, terms: readonly string[], limit: number, untranscribedOnly = false): SearchHit[] =>
  perform(db, searchIndexOp(index, terms, limit, untranscribedOnly));

/** searchIndexOp on the server store. */
export const searchIndexPg = (
  db: pgx.PgDb,
  index: SearchIndex,
  terms: readonly string[],
  limit: number,
  untranscribedOnly = false,
): Promise<SearchHit[]> => pgx.performPg(db, searchIndexOp(index, terms, limit, untranscribedOnly));

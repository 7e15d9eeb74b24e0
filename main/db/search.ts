// Full-text search over the FTS5 indexes (migrations 2 and 7; rowid = line id): people's
// text (line_text_fts) and the model's newest readings (prediction_text_fts). Raw SQL: FTS5's
// MATCH, highlight() and rank are SQLite's own; on PostgreSQL this module becomes tsvector
// queries (README.md).
import { sql } from 'kysely';
import type { SearchHit } from '../../shared/api.ts';
import { all, type Db } from './execute.ts';
import { finishedDocument } from './line-sets.ts';

export type SearchIndex = 'line_text_fts' | 'prediction_text_fts';

/**
 * Lines of finished documents whose indexed text matches `match` (FTS5 query syntax), best
 * first (bm25). `untranscribedOnly`: leave out lines that people's index holds.
 */
export function searchIndex(db: Db, index: SearchIndex, match: string, limit: number, untranscribedOnly = false): SearchHit[] {
  const source: SearchHit['source'] = index === 'line_text_fts' ? 'human' : 'model';
  const table = sql.table(index);
  const untranscribed = untranscribedOnly ? sql`AND NOT EXISTS (SELECT 1 FROM line_text_fts h WHERE h.rowid = f.rowid)` : sql``;
  return all(
    db,
    sql<SearchHit>`SELECT f.rowid AS lineId, l.page_id AS pageId, p.document_id AS documentId, d.name AS documentName,
      p.page_index AS pageIndex, f.text, highlight(${table}, 0, '[[', ']]') AS snippet, ${sql.lit(source)} AS source
    FROM ${table} f JOIN lines l ON l.id = f.rowid JOIN pages p ON p.id = l.page_id JOIN documents d ON d.id = p.document_id
    WHERE ${table} MATCH ${match} ${untranscribed} AND ${finishedDocument(sql.ref('d.source_hash'))} ORDER BY rank LIMIT ${limit}`,
  );
}

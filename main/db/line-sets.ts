// The one definition of which lines count as what, for counts, suggestions, review, search,
// exports and training: conditions on a line (by its table alias in the query, `l` unless
// told) that the query modules put in their WHERE clauses.
import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import { qb } from './execute.ts';
import type { Database } from './schema.ts';

const eb = expressionBuilder<Database, never>();

/** The prefix of a document's source_hash while its import runs (document-writer.ts). */
export const PENDING_IMPORT = 'importing:';
/** The first string after every `importing:…` one (';' follows ':'). */
const PENDING_END = 'importing;';

/** `activeDocument` as SQL text on the documents table's columns, for raw SQL (tests' own checks). */
export const ACTIVE_DOCUMENT = `NOT (source_hash >= '${PENDING_IMPORT}' AND source_hash < '${PENDING_END}') AND removed_at IS NULL`;

const column = (table: string | undefined, name: 'source_hash' | 'removed_at') => sql.ref<string>(table ? `${table}.${name}` : name);

/**
 * The document (its source_hash column) is still importing. A large import commits in
 * slices, so its lines exist before it is done, and a failed one is deleted. A range on the
 * unique index, not LIKE, so the index serves it.
 */
export const importingDocument = (table?: string): Expression<SqlBool> => {
  const hash = column(table, 'source_hash');
  return eb.and([eb(hash, '>=', PENDING_IMPORT), eb(hash, '<', PENDING_END)]);
};

/**
 * The document (a row of documents, `table` its alias) is in the project: it has finished
 * importing and no one has removed it (a removed document is set aside, restorable). Lists,
 * counts, search, exports and training see only such documents.
 */
export const activeDocument = (table?: string): Expression<SqlBool> =>
  eb.and([eb.not(importingDocument(table)), eb(column(table, 'removed_at'), 'is', null)]);

/** The page (its id) belongs to a document in the project (activeDocument). */
export const pageInActiveDocument = (pageId: Expression<number>): Expression<SqlBool> =>
  eb(
    pageId,
    'in',
    qb
      .selectFrom('pages as fp')
      .select('fp.id')
      .where('fp.document_id', 'in', qb.selectFrom('documents as fd').select('fd.id').where(activeDocument('fd'))),
  );

/** The line belongs to a document in the project (activeDocument). */
export const inActiveDocument = (line = 'l') => pageInActiveDocument(sql.ref<number>(`${line}.page_id`));

/**
 * The line is not in a region excluded from transcription. Such lines (stamps, printed
 * letterheads, a clerk's notes the archive does not want) stay on the page and in exports,
 * but transcription jobs, suggestions, review, line counts and training data skip them.
 */
export const notExcluded = (line = 'l'): Expression<SqlBool> =>
  eb.not(
    eb.exists(
      qb
        .selectFrom('regions as rx')
        .select('rx.id')
        .where('rx.id', '=', sql.ref<number>(`${line}.region_id`))
        .where('rx.excluded', '=', 1),
    ),
  );

/**
 * The line has a current human or imported transcription: "labeled". An empty transcription
 * is a label too: a person said the line holds no text (a band of noise, a ruled line), and
 * training on it teaches the model to read such bands as nothing.
 */
export const labeled = (line = 'l'): Expression<SqlBool> =>
  eb.exists(
    qb
      .selectFrom('current_transcriptions as ct')
      .select('ct.id')
      .where('ct.line_id', '=', sql.ref<number>(`${line}.id`)),
  );

export const unlabeled = (line = 'l'): Expression<SqlBool> => eb.not(labeled(line));

/** The line has a model's reading (any model). */
export const hasReading = (line = 'l'): Expression<SqlBool> =>
  eb.exists(
    qb
      .selectFrom('predictions as pr')
      .select('pr.id')
      .where('pr.line_id', '=', sql.ref<number>(`${line}.id`)),
  );

/** "Predicted": a line no one has labeled that a model has read. */
export const predicted = (line = 'l'): Expression<SqlBool> => eb.and([unlabeled(line), hasReading(line)]);

/** A line to transcribe and train on: in a document in the project, outside excluded regions. */
export const inDataset = (line = 'l'): Expression<SqlBool> => eb.and([inActiveDocument(line), notExcluded(line)]);

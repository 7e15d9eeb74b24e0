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

/** `finishedDocument` as SQL text on documents.source_hash, for raw SQL (tests' own checks). */
export const FINISHED_DOCUMENT = `NOT (source_hash >= '${PENDING_IMPORT}' AND source_hash < '${PENDING_END}')`;

/**
 * The document (its source_hash column) has finished importing. A large import commits in
 * slices, so its lines exist before it is done, and a failed one is deleted: lists, counts
 * and training leave it out. A range on the unique index, not LIKE, so the index serves it.
 */
export const finishedDocument = (sourceHash: Expression<string> = sql.ref<string>('source_hash')): Expression<SqlBool> =>
  eb.not(eb.and([eb(sourceHash, '>=', PENDING_IMPORT), eb(sourceHash, '<', PENDING_END)]));

/** The page (its id) belongs to a document whose import has finished. */
export const pageInFinishedDocument = (pageId: Expression<number>): Expression<SqlBool> =>
  eb(
    pageId,
    'in',
    qb
      .selectFrom('pages as fp')
      .select('fp.id')
      .where(
        'fp.document_id',
        'in',
        qb
          .selectFrom('documents as fd')
          .select('fd.id')
          .where(finishedDocument(sql.ref('fd.source_hash'))),
      ),
  );

/** The line belongs to a document whose import has finished. */
export const inFinishedDocument = (line = 'l') => pageInFinishedDocument(sql.ref<number>(`${line}.page_id`));

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

/** A line to transcribe and train on: in a finished document, outside excluded regions. */
export const inDataset = (line = 'l'): Expression<SqlBool> => eb.and([inFinishedDocument(line), notExcluded(line)]);

// Transcriptions: every save is a new row, never an update; the current label of a line is
// its newest row a person made or imported and did not withdraw (current_transcriptions).
import { all, first, qb, run, template, type Db } from './execute.ts';

// Built once: imports add transcriptions line by line.
const addQuery = template<{ lineId: number; text: string; author: string; source: string }>((p) =>
  qb.insertInto('transcriptions').values({ line_id: p('lineId'), text: p('text'), author: p('author'), source: p('source') }),
);

/** Adds a transcription row; `source` is 'human', 'import:<file>' or 'model:<id>'. Returns its id. */
export const addTranscription = (db: Db, lineId: number, text: string, author: string, source: string): number =>
  run(db, addQuery({ lineId, text, author, source })).lastId;

export const transcriptionRow = (db: Db, id: number) => first(db, qb.selectFrom('transcriptions').selectAll().where('id', '=', id));

/** A line's transcription rows, newest first. */
export const transcriptionsOf = (db: Db, lineId: number) =>
  all(db, qb.selectFrom('transcriptions').selectAll().where('line_id', '=', lineId).orderBy('id', 'desc'));

/** The line's current label, or null. */
export const currentText = (db: Db, lineId: number): string | null =>
  first(db, qb.selectFrom('current_transcriptions').select('text').where('line_id', '=', lineId))?.text ?? null;

// Transcriptions: every save is a new row, never an update; the current label of a line is
// its newest row a person made or imported and did not withdraw (current_transcriptions).
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below.
import { onDesktop, qb, template } from './execute.ts';
import { all, first, lastId, map, run } from './ops.ts';

// Built once: imports add transcriptions line by line.
const addQuery = template<{ lineId: number; text: string; author: string; source: string }>((p) =>
  qb.insertInto('transcriptions').values({ line_id: p('lineId'), text: p('text'), author: p('author'), source: p('source') }),
);

export const transcriptions = {
  /** Adds a transcription row; `source` is 'human', 'import:<file>' or 'model:<id>'. Answers its id. */
  addTranscription: (lineId: number, text: string, author: string, source: string) =>
    map(run(addQuery({ lineId, text, author, source })), lastId),

  transcriptionRow: (id: number) => first(qb.selectFrom('transcriptions').selectAll().where('id', '=', id)),

  /** A line's transcription rows, newest first. */
  transcriptionsOf: (lineId: number) =>
    all(qb.selectFrom('transcriptions').selectAll().where('line_id', '=', lineId).orderBy('id', 'desc')),

  /** The line's current label, or null. */
  currentText: (lineId: number) =>
    map(first(qb.selectFrom('current_transcriptions').select('text').where('line_id', '=', lineId)), (r) => r?.text ?? null),
};

export const { addTranscription, transcriptionRow, transcriptionsOf, currentText } = onDesktop(transcriptions);

// The project's lines as data, by the definitions of line-sets.ts: labeled lines with their
// current label (training, evaluation), all lines to transcribe, unlabeled ones
// (self-training), predicted lines to suggest or review, and corrected pages (segmenter
// training). Each list is ordered, so a run sees the same lines in the same order.
// Store-neutral operations (ops.ts), run on the desktop by the functions exported below and
// on the server store by the team server.
import type { Split } from '../../shared/api.ts';
import { sql } from 'kysely';
import { onDesktop, qb } from './execute.ts';
import { inChunks } from './id-chunks.ts';
import { all, map } from './ops.ts';
import { activeDocument, inDataset, labeled, notExcluded, unlabeled } from './line-sets.ts';

const ids = (rows: Array<{ id: number }>) => rows.map((r) => r.id);

/** Lines joined with a model's reading: the named model's, or without one each line's newest. */
const withReading = (modelId: number | null) =>
  qb.selectFrom('lines as l').innerJoin('predictions as pr', (join) =>
    modelId === null
      ? join.on('pr.id', '=', (eb) =>
          eb
            .selectFrom('predictions as q')
            .select((q) => q.fn.max('q.id').as('id'))
            .whereRef('q.line_id', '=', 'l.id'),
        )
      : join.onRef('pr.line_id', '=', 'l.id').on('pr.model_id', '=', modelId),
  );

export const dataset = {
  /** Labeled lines of documents in the project outside excluded regions, with the transcription row used, by line id. */
  labeledLineRows: () =>
    all<{ lineId: number; text: string; transcriptionId: number; split: Split }>(
      qb
        .selectFrom('lines as l')
        .innerJoin('current_transcriptions as ct', 'ct.line_id', 'l.id')
        .select(['l.id as lineId', 'ct.text', 'ct.id as transcriptionId', 'l.split'])
        .where(inDataset())
        .orderBy('l.id'),
    ),

  /** Which of these lines are labeled (as labeledLineRows), with their label and split, in no order: an evaluation's part. */
  labeledAmong: (lineIds: readonly number[]) =>
    inChunks(lineIds, (slice) =>
      all<{ lineId: number; text: string; split: Split }>(
        qb
          .selectFrom('lines as l')
          .innerJoin('current_transcriptions as ct', 'ct.line_id', 'l.id')
          .select(['l.id as lineId', 'ct.text', 'l.split'])
          .where(inDataset())
          .where('l.id', 'in', slice),
      ),
    ),

  /** Every line of documents in the project outside excluded regions, by id. */
  datasetLineIds: () => map(all(qb.selectFrom('lines as l').select('l.id').where(inDataset()).orderBy('l.id')), ids),

  /** Unlabeled lines of documents in the project outside excluded regions, by id. */
  unlabeledLineRows: () =>
    all<{ id: number; split: Split }>(
      qb.selectFrom('lines as l').select(['l.id', 'l.split']).where(unlabeled()).where(inDataset()).orderBy('l.id'),
    ),

  /** Lines of documents in the project, outside excluded regions, in page and reading order: what a transcription job reads. */
  linesToRead: () =>
    all<{ id: number; page_id: number }>(
      qb
        .selectFrom('lines as l')
        .select(['l.id', 'l.page_id'])
        .where(inDataset())
        .orderBy('l.page_id')
        .orderBy('l.reading_order')
        .orderBy('l.id'),
    ),

  /** Which of these lines a transcription job reads (as linesToRead), with their pages, in no order. */
  linesToReadAmong: (lineIds: readonly number[]) =>
    inChunks(lineIds, (slice) =>
      all(qb.selectFrom('lines as l').select(['l.id', 'l.page_id']).where(inDataset()).where('l.id', 'in', slice)),
    ),

  /** Scanned pages of documents in the project with lines, every one of them outside excluded regions labeled. */
  correctedPageIds: () =>
    map(
      all(
        qb
          .selectFrom('pages as p')
          .select('p.id')
          .where('p.document_id', 'in', (eb) =>
            eb.selectFrom('documents as d').select('d.id').where('d.kind', '=', 'scan').where(activeDocument('d')),
          )
          .where(({ exists, selectFrom }) =>
            exists(selectFrom('lines as l').select('l.id').whereRef('l.page_id', '=', 'p.id').where(notExcluded())),
          )
          .where(({ exists, not, selectFrom }) =>
            not(exists(selectFrom('lines as l').select('l.id').whereRef('l.page_id', '=', 'p.id').where(notExcluded()).where(unlabeled()))),
          )
          .orderBy('p.id'),
      ),
      ids,
    ),

  /**
   * Unlabeled lines of documents in the project, outside excluded regions, that a model has
   * read: the line, its page and its reading's least confident character, the named model's
   * reading or without one each line's newest. Unordered: callers rank them
   * (main/jobs/suggest.ts), then ask predictedLineRows for the few they show.
   */
  predictedCandidates: (modelId: number | null) =>
    all<{ lineId: number; pageId: number; confidence: number }>(
      withReading(modelId)
        .select(['l.id as lineId', 'l.page_id as pageId', sql<number>`COALESCE(pr.min_confidence, pr.confidence)`.as('confidence')])
        .where(unlabeled())
        .where(inDataset()),
    ),

  /** These lines with the reading predictedCandidates ranked them by, to show; in no order, and only those still predicted. */
  predictedLineRows: (modelId: number | null, lineIds: readonly number[]) =>
    inChunks(lineIds, (slice) =>
      all(
        withReading(modelId)
          .innerJoin('pages as p', 'p.id', 'l.page_id')
          .innerJoin('documents as d', 'd.id', 'p.document_id')
          .select([
            'l.id as lineId',
            'l.page_id as pageId',
            'p.document_id as documentId',
            'd.name as documentName',
            'p.page_index as pageIndex',
            'p.image_hash',
            'l.polygon',
            sql<number>`COALESCE(pr.min_confidence, pr.confidence)`.as('confidence'),
            'pr.text as prediction',
          ])
          .where('l.id', 'in', slice)
          .where(unlabeled())
          .where(inDataset()),
      ),
    ),
};

export const {
  labeledLineRows,
  datasetLineIds,
  unlabeledLineRows,
  linesToRead,
  linesToReadAmong,
  correctedPageIds,
  predictedCandidates,
  predictedLineRows,
} = onDesktop(dataset);

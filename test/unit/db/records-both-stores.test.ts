// The modules of a project's records beside its pages (settings, model versions, their
// readings of lines, jobs, the lines as data for them, and what exports read), written once as operations (main/db/ops.ts): every operation of
// each is called with the same arguments on the desktop's SQLite and on a real PostgreSQL,
// and must answer the same (test/helpers/both-stores.ts). Skipped where PostgreSQL is not
// installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataset } from '../../../main/db/dataset.ts';
import { documents } from '../../../main/db/documents.ts';
import { exportReads } from '../../../main/db/exports.ts';
import { jobs } from '../../../main/db/jobs.ts';
import { lines } from '../../../main/db/lines.ts';
import { models } from '../../../main/db/models.ts';
import { pages } from '../../../main/db/pages.ts';
import { predictions } from '../../../main/db/predictions.ts';
import { regions } from '../../../main/db/regions.ts';
import { settings } from '../../../main/db/settings.ts';
import { transcriptions } from '../../../main/db/transcriptions.ts';
import { bothStores, moduleCaller } from '../../helpers/both-stores.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';

const database = postgresForThisFile();
const skip = postgresMissing;

const MODULES = { settings, models, predictions, jobs, dataset, exportReads };
/** Rows in no defined order. */
const UNORDERED = new Set(['dataset.predictedCandidates', 'dataset.predictedLineRows', 'dataset.linesToReadAmong']);

const reading = (text: string, confidence: number) => ({
  text,
  confidence,
  charConfidence: JSON.stringify([...text].map(() => confidence)),
});

test(
  'every operation of settings, models, predictions, jobs, dataset and exports answers the same on SQLite and PostgreSQL',
  { skip },
  async () => {
    const s = await bothStores(await database());
    const { call, uncalled } = moduleCaller(s, MODULES, UNORDERED);
    try {
      // A page of three lines, the third in a region excluded from transcription.
      const doc = await s.both('document', () => documents.insertDocument({ name: 'R', kind: 'scan', sourcePath: '/r', sourceHash: 'r' }));
      const page = await s.both('page', () =>
        pages.insertPage({ documentId: doc, index: 0, imageHash: 'a'.repeat(64), width: 100, height: 100, dpi: null }),
      );
      const [excluded] = await s.both('region', () =>
        regions.insertRegions(page, [
          {
            type: 'paragraph',
            polygon: [
              [0, 60],
              [100, 60],
              [100, 90],
            ],
          },
        ]),
      );
      await s.both('excluded', () => regions.setRegionExcluded(excluded, true));
      const line = (order: number, regionId: number | null = null) =>
        s.both(`line ${order}`, () =>
          lines.insertLine({
            pageId: page,
            order,
            polygon: '[[0,0],[10,0],[10,5]]',
            baseline: null,
            box: { x: 0, y: order * 10, w: 10, h: 5 },
            sourceName: `l${order}.png`,
            split: 'train',
            regionId,
          }),
        );
      const [a, b, c] = [await line(0), await line(1), await line(2, excluded)];

      // Settings: JSON values by key, replaced, removed.
      assert.equal(await call('settings', 'getSetting', 'trainingChoices'), undefined);
      await call('settings', 'setSetting', 'trainingChoices', { epochs: 3, lm: true });
      await call('settings', 'setSetting', 'currentModel', 1);
      await call('settings', 'setSetting', 'currentModel', 2);
      assert.equal(await call('settings', 'getSetting', 'currentModel'), 2);
      assert.deepEqual(await call('settings', 'getSetting', 'trainingChoices'), { epochs: 3, lm: true });
      await call('settings', 'setSetting', 'currentModel', undefined);
      assert.equal(await call('settings', 'getSetting', 'currentModel'), undefined);

      // Models: two versions, the second fine-tuned from the first.
      const version = (name: string, parentId: number | null, hash: string) => ({
        name,
        kind: 'finetune' as const,
        parentId,
        config: JSON.stringify({ network: { layers: 2 } }),
        metrics: JSON.stringify({ cer: 0.12 }),
        trainingSet: JSON.stringify({ labeled: [a, b] }),
        weightsHash: hash,
        backend: 'wasm',
        durationS: 12.5,
      });
      const m1 = await call('models', 'insertModel', version('base', null, 'h1'));
      const m2 = await call('models', 'insertModel', version('tuned', m1, 'h2'));
      await call('models', 'setModelName', m2, 'tuned twice');
      await call('models', 'setModelMetrics', m2, JSON.stringify({ cer: 0.08 }));
      assert.equal((await call('models', 'modelRow', m2))?.name, 'tuned twice');
      assert.equal(await call('models', 'modelExists', m1), true);
      assert.equal(await call('models', 'weightsInUse', 'h2'), true);

      // Readings: stored, replaced, kept when the same job stored them already.
      const job = await call('jobs', 'insertJob', 'transcribe', 'running', JSON.stringify({ modelId: m2 }), '{}');
      assert.equal(await call('predictions', 'upsertPrediction', a, m2, reading('Item', 0.9), job), true);
      assert.equal(await call('predictions', 'upsertPrediction', a, m2, reading('Item', 0.9), job), false, 'the same job: kept');
      assert.equal(await call('predictions', 'upsertPrediction', b, m2, reading('for', 0.5)), true);
      assert.equal(await call('predictions', 'upsertPrediction', b, m2, reading('fur', 0.6)), true, 'no job: replaced');
      await call('predictions', 'upsertPrediction', c, m2, reading('margin', 0.7), job);
      await call('predictions', 'upsertPrediction', a, m1, reading('Itcm', 0.4));
      assert.deepEqual([...(await call('predictions', 'linesReadByJob', job, [a, b, c, 999]))].sort(), [a, c].sort());
      assert.equal(await call('predictions', 'jobReadingCount', job), 2);
      assert.deepEqual(
        (await call('predictions', 'modelReadings', m2)).map((r) => [r.lineId, r.text]),
        [
          [a, 'Item'],
          [b, 'fur'],
        ],
        'the excluded line is left out',
      );
      assert.deepEqual([...(await call('models', 'readingCounts'))].sort(), [
        [m1, 1],
        [m2, 3],
      ]);
      assert.equal(await call('models', 'readingCount', m2), 3);

      // Jobs: updated in part, the log appended; finished segmenter jobs newest first.
      await call('jobs', 'updateJobRow', job, { state: null, progress: '{"done":2}', error: null, modelId: null, log: 'read 2 lines\n' });
      await call('jobs', 'updateJobRow', job, { state: 'done', progress: null, error: null, modelId: m2, log: null });
      const row = await call('jobs', 'jobRow', job);
      assert.deepEqual([row?.state, row?.progress, row?.model_id, row?.log], ['done', '{"done":2}', m2, 'read 2 lines\n']);
      // A claim moves the job only from the states named, once.
      assert.equal(await call('jobs', 'claimJobRow', job, ['queued'], 'running', '{"pid":1}', null), false);
      assert.equal(await call('jobs', 'claimJobRow', job, ['done', 'failed'], 'queued', null, 'again\n'), true);
      assert.equal(await call('jobs', 'claimJobRow', job, ['done', 'failed'], 'queued', null, 'again\n'), false);
      assert.deepEqual(
        [(await call('jobs', 'jobRow', job))?.state, (await call('jobs', 'jobRow', job))?.log],
        ['queued', 'read 2 lines\nagain\n'],
      );
      await call('jobs', 'updateJobRow', job, { state: 'done', progress: null, error: null, modelId: null, log: null });
      const seg = await call('jobs', 'insertJob', 'segment', 'done', '{}', '{"pages":1}');
      await call('jobs', 'insertJob', 'segment', 'failed', '{}', '{}');
      assert.deepEqual(
        (await call('jobs', 'doneSegmenterJobs')).map((j) => j.id),
        [seg],
      );
      assert.equal((await call('jobs', 'jobRows')).length, 3);
      // The store's clock, in its timestamps' format (run-lease.ts compares rows' updated_at with it).
      const now = await call('jobs', 'storeTime');
      assert.match(now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(now >= row!.updated_at, `${now} is not before the row's ${row!.updated_at}`);

      // The lines as data: a labeled, an unlabeled and an excluded line; the first two read by m2.
      await s.both('a label', () => transcriptions.addTranscription(a, 'Item', 'me', 'human'));
      assert.deepEqual(
        (await call('dataset', 'labeledLineRows')).map((r) => [r.lineId, r.text]),
        [[a, 'Item']],
      );
      assert.deepEqual(await call('dataset', 'datasetLineIds'), [a, b]);
      assert.deepEqual(
        (await call('dataset', 'unlabeledLineRows')).map((r) => r.id),
        [b],
      );
      assert.deepEqual(
        (await call('dataset', 'linesToRead')).map((r) => r.id),
        [a, b],
      );
      assert.equal((await call('dataset', 'linesToReadAmong', [c, b, a, 999])).length, 2);
      assert.deepEqual(
        (await call('dataset', 'labeledAmong', [c, b, a, 999])).map((r) => [r.lineId, r.text]),
        [[a, 'Item']],
      );
      assert.deepEqual(await call('dataset', 'correctedPageIds'), []);
      assert.deepEqual(
        (await call('dataset', 'predictedCandidates', m2)).map((r) => r.lineId),
        [b],
      );
      assert.equal((await call('dataset', 'predictedCandidates', null)).length, 1);
      assert.deepEqual(
        (await call('dataset', 'predictedLineRows', m2, [a, b, c])).map((r) => [r.lineId, r.prediction]),
        [[b, 'fur']],
      );
      await s.both('b labeled', () => transcriptions.addTranscription(b, 'fur', 'me', 'human'));
      assert.deepEqual(await call('dataset', 'correctedPageIds'), [page], 'every line for transcription labeled');

      // What exports read: pages, lines with their label or a model's reading, regions.
      assert.deepEqual(
        (await call('exportReads', 'pagesWithDocuments')).map((p) => [p.id, p.document, p.pages]),
        [[page, 'R', 1]],
      );
      assert.deepEqual(
        (await call('exportReads', 'linesToExport', page, m2)).map((l) => [l.id, l.human, l.predicted]),
        [
          [a, 'Item', 'Item'],
          [b, 'fur', 'fur'],
          [c, null, 'margin'],
        ],
      );
      assert.equal((await call('exportReads', 'linesToExport', page, undefined))[0].predicted, null);
      assert.deepEqual(
        (await call('exportReads', 'regionsToExport', page)).map((r) => r.id),
        [excluded],
      );
      assert.equal(await call('exportReads', 'documentName', doc), 'R');

      // Deleting the parent: the child loses it; the readings go with their model.
      await call('models', 'deleteModel', m1);
      assert.equal((await call('models', 'modelRows')).map((m) => m.parent_id).join(), '');
      assert.deepEqual(uncalled(), [], 'every operation is compared');
    } finally {
      await s.close();
    }
  },
);

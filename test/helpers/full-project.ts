// A tiny project with a row in every table and a file in every folder a project keeps: a
// scanned page and a folder of line images, lines and a region, texts with their history
// (a withdrawn one, an undo), an edited shape, an archived line, a saved model version with
// its weights, readings, jobs with a checkpoint, and settings. For tests that move or copy
// whole projects.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '../../main/api/service.ts';
import { insertJob } from '../../main/db/jobs.ts';
import { upsertPrediction } from '../../main/db/predictions.ts';
import { setSetting } from '../../main/db/settings.ts';
import { initBackend } from '../../main/ml/backend.ts';
import { Codec } from '../../main/ml/codec.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { saveVersion } from '../../main/models/registry.ts';
import { Project } from '../../main/project/project.ts';
import { rect } from './edit-page.ts';
import { png } from './images.ts';
import { writeLineFolder } from './line-project.ts';
import { tempDir } from './project.ts';
import { TINY } from './tiny-model.ts';

export async function fullProject(): Promise<string> {
  const root = tempDir();
  const dir = join(root, 'project');
  const project = Project.init(dir);
  const api = createService(project);
  writeFileSync(join(root, 'folio.png'), await png(400, 300));
  await api.importFiles({ paths: [join(root, 'folio.png')] });
  await api.importLineFolder({ folder: await writeLineFolder(3, 2) });
  const [scan] = await api.listDocuments({});
  const [page] = await api.listPages({ documentId: scan.id });
  const line = async (y: number) =>
    (
      await api.addLine({
        pageId: page.id,
        polygon: rect(20, y, 300, 30),
        baseline: [
          [20, y + 25],
          [320, y + 25],
        ],
      })
    ).lineId;
  const [a, b, c] = [await line(20), await line(80), await line(140)];
  await api.addRegion({ pageId: page.id, polygon: rect(10, 10, 380, 200), type: 'marginalia' });
  await api.saveTranscription({ lineId: a, text: 'Item für Kerzen — ſ 𝔄' });
  await api.saveTranscription({ lineId: a, text: 'Item for bread' });
  await api.undo({});
  await api.saveTranscription({ lineId: b, text: "l'an 1624" });
  await api.updateLineGeometry({ lineId: b, polygon: rect(22, 82, 290, 28), baseline: null });
  await api.deleteLine({ lineId: c, confirmed: true });

  await initBackend();
  const codec = new Codec([...'abcdefg ']);
  const model = saveVersion(project, new Recognizer({ ...TINY, classes: codec.classes }, 1), codec, {
    name: 'tiny',
    kind: 'finetune',
    parentId: null,
    config: { note: 1 },
    metrics: { cer: 0.4123456789012345 },
    trainingSet: [[a, 1]],
    backend: 'wasm',
    durationS: 1.25,
  });
  upsertPrediction(project.db, a, model.id, { text: 'Item for bred', confidence: 0.8765432109876543, charConfidence: '[0.9,0.5]' });
  upsertPrediction(project.db, b, model.id, { text: 'lan 1624', confidence: 0.5, charConfidence: '[1]' });
  insertJob(project.db, 'finetune', 'interrupted', JSON.stringify({ steps: 10 }), JSON.stringify({ step: 4 }));
  insertJob(project.db, 'transcribe', 'failed', '{}', '{}');
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  writeFileSync(join(dir, 'checkpoints', 'job-1.qmodel'), Buffer.from([0, 1, 2, 255]));
  setSetting(project.db, 'currentModel', model.id);
  setSetting(project.db, 'training', { epochs: 3, note: 'ünïcode' });
  project.close();
  return dir;
}

// A tiny project with a row in every table and a file in every folder a project keeps: a
// scanned page (editPage's) and a folder of line images, lines and a region, texts with
// their history (a withdrawn one, an undo), an edited shape, an archived line, a saved model
// version with its weights, readings, jobs with a checkpoint, and settings. For tests that
// move or copy whole projects.
import { addUser } from '../../main/accounts/accounts.ts';
import { FailureLimit } from '../../main/accounts/rate-limit.ts';
import { Sessions } from '../../main/accounts/sessions.ts';
import { desktopRunner } from '../../main/db/execute.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { insertJob } from '../../main/db/jobs.ts';
import { upsertPrediction } from '../../main/db/predictions.ts';
import { setSetting } from '../../main/db/settings.ts';
import { initBackend } from '../../main/ml/backend.ts';
import { Codec } from '../../main/ml/codec.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { saveVersion } from '../../main/models/registry.ts';
import { editPage, rect } from './edit-page.ts';
import { writeLineFolder } from './line-project.ts';
import { TINY } from './tiny-model.ts';

export async function fullProject(): Promise<string> {
  const { project, api, pageId, add } = await editPage();
  const dir = project.root;
  await api.importLineFolder({ folder: await writeLineFolder(3, 2) });
  const [a, b, c] = [await add(20), await add(80), await add(140)];
  await api.addRegion({ pageId, polygon: rect(10, 10, 380, 200), type: 'marginalia' });
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
  // A team server's account, a session of it and a failed log-in.
  await addUser(project.db, 'ada', 'admin', 'password-1');
  await new Sessions(desktopRunner(() => project.db)).start('ada');
  await new FailureLimit(
    desktopRunner(() => project.db),
    5,
    15 * 60_000,
  ).fail('user:eve');
  project.close();
  return dir;
}

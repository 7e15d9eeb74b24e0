// The base model that ships in resources/models: imported once per project, and it reads
// generated handwriting in hands it never saw in training (bench/real/train-base.ts made it;
// its training lines include generated ones in other hands, docs/results/base-real.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../main/ml/backend.ts';
import { toLineTensor } from '../../../main/ml/line-image.ts';
import { evaluate } from '../../../main/ml/recognize.ts';
import { join } from 'node:path';
import { ensureBaseModel, isBaseModel } from '../../../main/models/base-model.ts';
import { deleteVersion, exportVersion, importVersion, listVersions, loadVersion } from '../../../main/models/registry.ts';
import { HELD_OUT_FONTS, synthLine } from '../../../bench/synth/handwriting.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

await initBackend();

test('the bundled base model is imported once and reads unseen hands', () => {
  const project = newProject();
  const version = ensureBaseModel(project);
  assert.equal(ensureBaseModel(project).id, version.id);
  assert.equal(listVersions(project).length, 1);
  const { model, codec } = loadVersion(project, version.id);
  // Seeds other than the training run's validation and held-out sets.
  const lines = Array.from({ length: 40 }, (_, i) => synthLine(4242, i, { fonts: HELD_OUT_FONTS, digitShare: 0 }));
  const report = evaluate(
    model,
    codec,
    lines.map((l) => ({ text: l.text, image: toLineTensor(l.image, model.config.height) })),
  );
  assert.ok(report.cer < 0.25, `CER ${report.cer.toFixed(3)} on 40 lines of the held-out hands`);
  project.close();
});

test("the base model exported and imported again is the person's own copy, which can be deleted", () => {
  const project = newProject();
  const base = ensureBaseModel(project);
  const file = join(tempDir(), 'base-copy.qmodel');
  exportVersion(project, base.id, file);
  const copy = importVersion(project, file);
  assert.ok(isBaseModel(base));
  assert.ok(!isBaseModel(copy));
  deleteVersion(project, copy.id);
  assert.deepEqual(
    listVersions(project).map((v) => v.id),
    [base.id],
  );
  project.close();
});

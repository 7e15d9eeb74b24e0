// The base model that ships in resources/models: imported once per project, and it reads
// generated handwriting in hands it never saw in training (bench/real/train-base.ts made it;
// its training lines include generated ones in other hands, docs/results/base-real.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../main/ml/backend.ts';
import { toLineTensor } from '../../../main/ml/line-image.ts';
import { evaluate } from '../../../main/ml/recognize.ts';
import { ensureBaseModel } from '../../../main/models/base-model.ts';
import { listVersions, loadVersion } from '../../../main/models/registry.ts';
import { HELD_OUT_FONTS, synthLine } from '../../../bench/synth/handwriting.ts';
import { newProject } from '../../helpers/project.ts';

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

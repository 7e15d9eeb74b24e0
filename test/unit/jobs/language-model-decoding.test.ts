// A transcription job with the language model: the decoding reaches the readers (the
// readings differ from best path's), every line is read once, human text is untouched, and
// the project's language comes from its training and validation lines, never its test split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLineSplit } from '../../../main/db/lines.ts';
import { modelReadings } from '../../../main/db/predictions.ts';
import { currentText } from '../../../main/db/transcriptions.ts';
import { BASE_LANGUAGE_MODEL_FILE, decodingFor, decodingOp } from '../../../main/jobs/decoding-spec.ts';
import { perform } from '../../../main/db/execute.ts';
import { lineIdsOf, transcribe } from '../../../main/jobs/transcription.ts';
import { Project } from '../../../main/project/project.ts';
import { LANGUAGE_MODEL_DEFAULTS } from '../../../shared/decoding-options.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';

test("decoding with the language model mixes in the project's training and validation texts only", async () => {
  const made = await manyLinesProject(12, { pages: 1, labeled: 4 });
  const project = Project.open(made.dir);
  try {
    assert.equal(decodingFor(project, {}), 1);
    assert.equal(decodingFor(project, { beamWidth: 5 }), 5);
    const [held, ...rest] = [...made.labeled];
    setLineSplit(project.db, held[0], 'test');
    const d = decodingFor(project, { languageModel: true, beamWidth: 2 }, { ...LANGUAGE_MODEL_DEFAULTS, projectShare: 0.3 });
    assert.ok(typeof d === 'object');
    const spec = d.languageModel;
    assert.equal(spec.file, BASE_LANGUAGE_MODEL_FILE);
    assert.deepEqual([...spec.projectTexts].sort(), rest.map(([, text]) => text).sort());
    assert.equal(spec.beamWidth, LANGUAGE_MODEL_DEFAULTS.beamWidth, 'at least the default beam');
    assert.equal(spec.weight, LANGUAGE_MODEL_DEFAULTS.weight);
    // A self-training teacher's: the train split's texts only.
    const [valid, ...train] = rest;
    setLineSplit(project.db, valid[0], 'validation');
    const teacher = perform(project.db, decodingOp({ languageModel: true }, { ...LANGUAGE_MODEL_DEFAULTS, projectShare: 0.3 }, ['train']));
    assert.ok(typeof teacher === 'object');
    assert.deepEqual([...teacher.languageModel.projectTexts].sort(), train.map(([, text]) => text).sort());
    // Not mixed in (the default share, 0): the texts are not sent to the readers at all.
    const plain = decodingFor(project, { languageModel: true }, { ...LANGUAGE_MODEL_DEFAULTS, projectShare: 0 });
    assert.ok(typeof plain === 'object');
    assert.deepEqual(plain.languageModel.projectTexts, []);
  } finally {
    project.close();
  }
});

test('a transcription job decodes with the language model when asked, reading every line once', async () => {
  const made = await manyLinesProject(24, { pages: 2, labeled: 3 });
  const project = Project.open(made.dir);
  try {
    const plain = await transcribe(project, made.modelId, { threads: 1 });
    const fused = await transcribe(project, made.modelId, { threads: 1, languageModel: true });
    assert.equal(fused.length, lineIdsOf(project).length);
    assert.equal(new Set(fused.map((r) => r.lineId)).size, fused.length);
    const before = new Map(plain.map((r) => [r.lineId, r.text]));
    assert.ok(
      fused.some((r) => r.text !== before.get(r.lineId)),
      'the language model changed some readings of the untrained model (the decoding reached the reader)',
    );
    assert.ok(fused.every((r) => r.charConfidence.length === [...r.text].length));
    const stored = new Map(modelReadings(project.db, made.modelId).map((r) => [r.lineId, r.text]));
    for (const r of fused) assert.equal(stored.get(r.lineId), r.text, 'the last job’s readings are stored');
    for (const [lineId, text] of made.labeled) assert.equal(currentText(project.db, lineId), text, 'human text untouched');
  } finally {
    project.close();
  }
});

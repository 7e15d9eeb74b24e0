// Model versions: save, rename, delete (weights kept while shared), export and import
// into another project with format checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../../main/ml/backend.ts';
import { Codec } from '../../../main/ml/codec.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import {
  deleteVersion,
  exportVersion,
  getVersion,
  importVersion,
  listVersions,
  loadVersion,
  renameVersion,
  saveVersion,
} from '../../../main/models/registry.ts';
import { TINY } from '../../helpers/tiny-model.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

await initBackend();
const codec = new Codec([...'abcdefg ']);
const record = {
  name: 'm',
  kind: 'finetune' as const,
  parentId: null,
  config: { note: 1 },
  metrics: { cer: 0.5 },
  trainingSet: [[1, 2]],
  backend: 'wasm',
  durationS: 1,
};

test('versions are saved content-addressed, renamed, and deleted without losing shared weights', () => {
  const project = newProject();
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 1);
  const a = saveVersion(project, model, codec, record);
  const b = saveVersion(project, model, codec, { ...record, name: 'same weights', parentId: a.id });
  assert.equal(a.weightsHash, b.weightsHash);
  assert.equal(readdirSync(join(project.root, 'models')).length, 1);
  assert.equal(renameVersion(project, a.id, 'first').name, 'first');
  deleteVersion(project, a.id);
  assert.equal(getVersion(project, b.id).parentId, null);
  assert.equal(readdirSync(join(project.root, 'models')).length, 1, 'still used by b');
  deleteVersion(project, b.id);
  assert.equal(readdirSync(join(project.root, 'models')).length, 0);
  assert.deepEqual(listVersions(project), []);
});

test('a damaged weights file is detected when loading', () => {
  const project = newProject();
  const v = saveVersion(project, new Recognizer({ ...TINY, classes: codec.classes }, 1), codec, record);
  const file = join(project.root, 'models', `${v.weightsHash}.qmodel`);
  writeFileSync(file, 'garbage');
  assert.throws(() => loadVersion(project, v.id), /damaged/);
});

test('export from one project and import into another; foreign files are refused', () => {
  const from = newProject();
  const v = saveVersion(from, new Recognizer({ ...TINY, classes: codec.classes }, 1), codec, record);
  const file = join(tempDir(), 'shared.qmodel');
  exportVersion(from, v.id, file);
  const to = newProject();
  const imported = importVersion(to, file);
  assert.equal(imported.name, 'm');
  assert.deepEqual(imported.metrics, { cer: 0.5 });
  assert.deepEqual([imported.backend, imported.durationS], ['wasm', 1], 'where and how long it trained travel with it');
  assert.deepEqual(loadVersion(to, imported.id).codec.chars, codec.chars);
  const bogus = join(tempDir(), 'bogus.qmodel');
  writeFileSync(bogus, 'not a model');
  assert.throws(() => importVersion(to, bogus), /bogus\.qmodel: not a Quire model file/);
  assert.equal(listVersions(to).length, 1, 'nothing added by the refused import');
  assert.ok(!existsSync(join(to.root, '..', 'bogus.qmodel')));
});

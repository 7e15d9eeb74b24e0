// A damaged or foreign .qmodel is refused with an error naming the file and saying why, and
// the project is left as it was (no version, no file under models/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_MODEL_FILE } from '../../../main/models/base-model.ts';
import { importVersion, listVersions } from '../../../main/models/registry.ts';
import { newProject, tempDir } from '../../helpers/project.ts';

const bytes = readFileSync(BASE_MODEL_FILE);
const jsonLength = bytes.readUInt32LE(12);
const header = JSON.parse(bytes.toString('utf8', 16, 16 + jsonLength));

/** The base model with its header changed by `mutate`. */
function withHeader(mutate: (h: Record<string, unknown>) => void): Buffer {
  const h = structuredClone(header);
  mutate(h);
  const json = Buffer.from(JSON.stringify(h));
  const pad = (n: number) => (4 - ((16 + n) % 4)) % 4;
  const prefix = Buffer.from(bytes.subarray(0, 16));
  prefix.writeUInt32LE(json.length, 12);
  return Buffer.concat([prefix, json, Buffer.alloc(pad(json.length)), bytes.subarray(16 + jsonLength + pad(jsonLength))]);
}

const cases: Array<[string, Buffer]> = [
  ['truncated', bytes.subarray(0, bytes.length - 3)],
  ['no-config', withHeader((h) => delete h.config)],
  ['bad-charset', withHeader((h) => ((h.charset as string[])[0] = 'ab'))],
  ['bad-height', withHeader((h) => ((h.config as { height: number }).height = 33))],
];

for (const [name, content] of cases) {
  test(`a ${name} model file is refused naming the file, the project unchanged`, async () => {
    const project = newProject();
    const file = join(tempDir(), `${name}.qmodel`);
    writeFileSync(file, content);
    assert.throws(
      () => importVersion(project, file),
      (e: Error) => e.message.startsWith(`${file}: not a Quire model file (`),
    );
    assert.deepEqual(listVersions(project), []);
    const models = join(project.root, 'models');
    assert.deepEqual(existsSync(models) ? readdirSync(models) : [], []);
    project.close();
  });
}

test('a folder given as the model file is refused naming it', () => {
  const project = newProject();
  const folder = tempDir();
  assert.throws(
    () => importVersion(project, folder),
    (e: Error) => e.message === `${folder}: not a Quire model file (a folder)`,
  );
  assert.equal(listVersions(project).length, 0);
});

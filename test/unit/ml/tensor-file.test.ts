// The container shared by recognizer and segmenter files: each kind refuses the other, a
// newer version and a truncated file, naming the file and the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { loadModel } from '../../../main/ml/checkpoint.ts';
import { loadSegmenter } from '../../../main/layout/seg-model-file.ts';
import { readTensorFile, writeTensorFile, type TensorEntry } from '../../../main/ml/tensor-file.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { tempDir } from '../../helpers/project.ts';

const recognizer = new URL('../../fixtures/models/format-v1.qmodel', import.meta.url).pathname;

test('tensor files: round trip, other kinds, newer versions and truncation are refused by name', async () => {
  await initBackend('cpu');
  const dir = tempDir();
  const file = join(dir, 'x.bin');
  const sha = writeTensorFile(
    file,
    'TESTFILE',
    2,
    [
      [
        'a',
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ],
      ['n', tf.scalar(7, 'int32')],
    ],
    (tensors) => ({ note: 'hi', tensors }),
  );
  assert.match(sha, /^[0-9a-f]{64}$/);
  const read = readTensorFile(file, 'TESTFILE', 2, 'test file');
  const header = read.header as { note: string; tensors: Array<{ name: string; shape: number[]; offset: number }> };
  assert.equal(header.note, 'hi');
  assert.deepEqual([...read.tensor(header.tensors[0])], [1, 2, 3, 4]);
  assert.deepEqual([...read.tensor(header.tensors[1])], [7]);
  assert.throws(
    () => readTensorFile(file, 'TESTFILE', 1, 'test file'),
    /x\.bin: not a test file \(format version 2 is newer than this Quire \(1\)\)/,
  );
  const cut = join(dir, 'cut.bin');
  writeFileSync(cut, readFileSync(file).subarray(0, readFileSync(file).length - 4));
  const truncated = readTensorFile(cut, 'TESTFILE', 2, 'test file');
  assert.throws(
    () => truncated.tensor((truncated.header as typeof header).tensors[1]),
    /cut\.bin: not a test file \(weights of n are truncated\)/,
  );
  const asSegmenter = join(dir, 'recognizer.qseg');
  copyFileSync(recognizer, asSegmenter);
  assert.throws(() => loadSegmenter(asSegmenter), /recognizer\.qseg: not a Quire segmentation model \(bad magic bytes\)/);
  assert.throws(() => loadModel(file), /x\.bin: not a Quire model file \(bad magic bytes\)/);
});

test('a segmenter file whose header cannot make a segmenter is refused by name, saying what is wrong', async () => {
  await initBackend('cpu');
  const dir = tempDir();
  const net = new SegNet({ levels: [4, 8], outputs: 4 }, 1);
  const write = (name: string, header: (tensors: TensorEntry[]) => object) => {
    const file = join(dir, name);
    writeTensorFile(file, 'QUIRESEG', 1, [...net.weights], header);
    return file;
  };
  const good = { format: 'quire-segmenter', version: 1, config: net.config, pageSize: 256, metrics: {} };
  assert.ok(loadSegmenter(write('good.qseg', (tensors) => ({ ...good, tensors }))).net);
  for (const [name, header, why] of [
    [
      'levels.qseg',
      (tensors: TensorEntry[]) => ({ ...good, config: { levels: 'many', outputs: 4 }, tensors }),
      /levels\.qseg: .*bad network config/,
    ],
    [
      'two.qseg',
      (tensors: TensorEntry[]) => ({ ...good, config: { levels: [4, 8], outputs: 2 }, tensors }),
      /two\.qseg: .*gives 2 maps, not the 4/,
    ],
    ['page.qseg', (tensors: TensorEntry[]) => ({ ...good, pageSize: 'big', tensors }), /page\.qseg: .*bad page size/],
    ['list.qseg', () => ({ ...good }), /list\.qseg: .*no tensor list/],
  ] as const) {
    const before = tf.memory().numTensors;
    assert.throws(() => loadSegmenter(write(name, header)), why);
    assert.equal(tf.memory().numTensors, before, `${name}: nothing left behind`);
  }
  net.dispose();
});

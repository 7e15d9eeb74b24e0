// Segmenter files (.qseg) that are damaged in their tensor list or weights are refused,
// naming the file and what is wrong, and leave no tensors behind: a loader that took them
// would segment with weights it never read, or fail later with a message naming nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../main/ml/backend.ts';
import { loadSegmenter } from '../../../main/layout/seg-model-file.ts';
import { writeTensorFile, type TensorEntry } from '../../../main/ml/tensor-file.ts';
import { SegNet } from '../../../main/ml/seg-net.ts';
import { tempDir } from '../../helpers/project.ts';

test('a segmenter file with a damaged header, tensor list or weights is refused by name', async () => {
  await initBackend('cpu');
  const dir = tempDir();
  const net = new SegNet({ levels: [4, 8], outputs: 4 }, 1);
  const good = { format: 'quire-segmenter', version: 1, config: net.config, pageSize: 256, metrics: {} };
  const write = (name: string, header: (tensors: TensorEntry[]) => unknown, tensors: Array<[string, tf.Tensor]> = [...net.weights]) => {
    const file = join(dir, name);
    writeTensorFile(file, 'QUIRESEG', 1, tensors, header as (t: TensorEntry[]) => object);
    return file;
  };
  // Building and disposing a network leaves nothing counted (its initial values went to its variables).
  const bare = tf.memory().numTensors;
  new SegNet(net.config, 0).dispose();
  assert.equal(tf.memory().numTensors, bare, 'a disposed network leaves no tensor');
  const poisoned = [...net.weights].map(([name, w], i): [string, tf.Tensor] => [name, i === 0 ? tf.fill(w.shape, NaN) : w]);
  for (const [name, file, why] of [
    ['null.qseg', write('null.qseg', () => null), /null\.qseg: not a Quire segmentation model \(.*header/],
    [
      'twice.qseg',
      // The first weight listed twice in place of the second: as many entries as weights.
      write('twice.qseg', (t) => ({ ...good, tensors: [t[0], t[0], ...t.slice(2)] })),
      /twice\.qseg: not a Quire segmentation model \(tensor .* listed twice\)/,
    ],
    [
      'offset.qseg',
      write('offset.qseg', (t) => ({ ...good, tensors: [{ ...t[0], offset: -4 }, ...t.slice(1)] })),
      /offset\.qseg: not a Quire segmentation model \(tensor .* bad offset/,
    ],
    [
      'moments.qseg',
      write('moments.qseg', (t) => ({ ...good, tensors: [...t, { name: 'optimizer/m', shape: [-1, 2], offset: 0 }] })),
      /moments\.qseg: not a Quire segmentation model \(tensor optimizer\/m .*bad shape/,
    ],
    [
      'nan.qseg',
      write('nan.qseg', (t) => ({ ...good, tensors: t }), poisoned),
      /nan\.qseg: not a Quire segmentation model \(tensor .* holds values that are not finite\)/,
    ],
  ] as const) {
    const before = tf.memory().numTensors;
    assert.throws(() => loadSegmenter(file), why, name);
    assert.equal(tf.memory().numTensors, before, `${name}: nothing left behind`);
  }
  net.dispose();
});

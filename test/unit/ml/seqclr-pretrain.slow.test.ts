// SeqCLR pretraining on generated lines: the contrastive loss falls, only the encoder
// changes, and a resumed run continues exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTrainingCheckpoint, saveTrainingCheckpoint } from '../../../main/ml/checkpoint.ts';
import { tempDir } from '../../helpers/project.ts';
import { initBackend } from '../../../main/ml/backend.ts';
import { ArraySource } from '../../../main/ml/data.ts';
import { Recognizer } from '../../../main/ml/model.ts';
import { pretrain } from '../../../main/ml/seqclr/pretrain.ts';
import type { Mapping } from '../../../main/ml/seqclr/instances.ts';
import { TINY, tinyCodec, tinyLines } from '../../helpers/tiny-model.ts';

await initBackend();
const codec = tinyCodec();
const lines = new ArraySource(tinyLines(48, 21));
const snapshot = (m: Recognizer) => new Map([...m.weights].map(([k, v]) => [k, (v.dataSync() as Float32Array).slice()]));
const changed = (a: Map<string, Float32Array>, b: Map<string, Float32Array>, prefix: string) =>
  [...a.keys()].filter((k) => k.startsWith(prefix)).some((k) => a.get(k)!.some((x, i) => x !== b.get(k)![i]));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

for (const [mapping, head] of [
  [{ kind: 'window', instances: 5 }, 'mlp'],
  [{ kind: 'frame' }, 'bilstm'],
  [{ kind: 'all' }, 'none'],
] as Array<[Mapping, 'mlp' | 'bilstm' | 'none']>) {
  test(`pretraining with ${mapping.kind}-to-instance and a ${head} head lowers the loss and changes only the encoder`, async () => {
    const model = new Recognizer({ ...TINY, classes: codec.classes }, 2);
    const before = snapshot(model);
    const r = await pretrain(model, lines, {
      steps: 60,
      batchSize: 8,
      learningRate: 2e-3,
      warmupSteps: 5,
      mapping,
      head,
      headSize: 32,
      checkpointEvery: 0,
      seed: 3,
    });
    const losses = r.state.history.map((h) => h.loss);
    assert.ok(
      mean(losses.slice(-10)) < mean(losses.slice(0, 10)),
      `loss ${mean(losses.slice(0, 10)).toFixed(3)} → ${mean(losses.slice(-10)).toFixed(3)}`,
    );
    const after = snapshot(model);
    assert.ok(changed(before, after, 'conv') && changed(before, after, 'lstm'), 'encoder trained');
    assert.ok(!changed(before, after, 'head'), 'CTC head untouched');
    r.head.dispose();
    model.dispose();
  });
}

test('visual-feature pretraining leaves the BiLSTM alone', async () => {
  const model = new Recognizer({ ...TINY, classes: codec.classes }, 2);
  const before = snapshot(model);
  const r = await pretrain(model, lines, { steps: 3, batchSize: 4, features: 'visual', checkpointEvery: 0 });
  const after = snapshot(model);
  assert.ok(changed(before, after, 'conv'));
  assert.ok(!changed(before, after, 'lstm'));
  r.head.dispose();
});

test('a pretraining run resumed from its checkpoint matches the uninterrupted run', async () => {
  const opts = { steps: 8, batchSize: 4, checkpointEvery: 0, seed: 4, warmupSteps: 2 };
  const straight = new Recognizer({ ...TINY, classes: codec.classes }, 6);
  (await pretrain(straight, lines, opts)).head.dispose();
  const first = new Recognizer({ ...TINY, classes: codec.classes }, 6);
  const controller = new AbortController();
  // The checkpoint carries the projection head too, and round-trips through a file.
  const file = join(tempDir(), 'pretrain.qmodel');
  const r1 = await pretrain(first, lines, {
    ...opts,
    checkpointEvery: 4,
    signal: controller.signal,
    onCheckpoint: (s) => {
      saveTrainingCheckpoint(file, first, codec, s);
      controller.abort();
    },
  });
  assert.equal(r1.status, 'cancelled');
  const restored = loadTrainingCheckpoint(file);
  const r2 = await pretrain(restored.model, lines, { ...opts, resume: restored.state });
  assert.equal(r2.state.step, 8);
  const a = snapshot(straight);
  const b = snapshot(restored.model);
  for (const [k, v] of a) {
    let worst = 0;
    v.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(x - b.get(k)![i]));
    });
    assert.ok(worst < 1e-5, `${k} differs by ${worst}`);
  }
});

test('decoder evaluation trains only the decoder: the head (and the BiLSTM for visual features)', async () => {
  const { train } = await import('../../../main/ml/train.ts');
  for (const [frozen, trains] of [
    [['conv', 'rnn'], ['head']],
    [['conv'], ['lstm', 'head']],
  ] as const) {
    const model = new Recognizer({ ...TINY, classes: codec.classes }, 8);
    const before = snapshot(model);
    await train(model, codec, { train: lines }, { steps: 3, batchSize: 4, frozen: [...frozen], validateEvery: 0, checkpointEvery: 0 });
    const after = snapshot(model);
    for (const prefix of ['conv', 'lstm', 'head']) {
      assert.equal(changed(before, after, prefix), (trains as readonly string[]).includes(prefix), `${prefix} with ${frozen} frozen`);
    }
  }
});

// What supervised and semi-supervised fine-tuning jobs share: where checkpoints go, and the
// network, charset, frozen parts and labeled lines a fine-tuning run starts from. Read from
// either store (a ProjectStore: a project folder, or a team server's PostgreSQL store whose
// training runs in a queue worker), so the desktop and the server train with the same code.
import { join } from 'node:path';
import type { Sample } from '../ml/data.ts';
import { extendCharset } from '../ml/extend-charset.ts';
import { DEFAULT_CONFIG, Recognizer, type Part } from '../ml/model.ts';
import { Codec } from '../ml/codec.ts';
import type { loadTrainingCheckpoint } from '../ml/checkpoint.ts';
import { encoderParts } from '../ml/seqclr/pretrain.ts';
import { loadWeights, registry } from '../models/registry.ts';
import { labeledLinesAt, samplesAt, type LabeledLine } from '../project/dataset.ts';
import type { TrainingContext } from './training-context.ts';
import type { FinetuneRequest } from '../../shared/job-configs.ts';

/**
 * A training job's checkpoint, under the folder that holds the store's files: a project
 * folder's, or a team server's shared --files folder, which every queue worker reaches at the
 * same path, so a worker that takes over a stalled training task continues from it.
 */
export const checkpointPath = (root: string, jobId: number) => join(root, 'checkpoints', `job-${jobId}.qmodel`);

export type Checkpoint = ReturnType<typeof loadTrainingCheckpoint>;

export interface FinetuneSetup {
  model: Recognizer;
  codec: Codec;
  frozen: Part[];
  /** Labeled lines of the train split, with the transcription revisions used. */
  labeled: LabeledLine[];
  trainSamples: Sample[];
  validSamples: Sample[];
}

/**
 * The network to train (from the checkpoint, the parent version with its charset grown to
 * the labeled texts, or new) and the labeled train and validation lines.
 */
export async function prepareFinetune(
  { store, write }: Pick<TrainingContext, 'store' | 'write'>,
  r: FinetuneRequest,
  ckpt: Checkpoint | undefined,
): Promise<FinetuneSetup> {
  let labeled = await labeledLinesAt(store, ['train']);
  const validation = await labeledLinesAt(store, ['validation']);
  const loadVersion = async (id: number) => loadWeights(store.root, await store.run(registry.version(id)));
  if (labeled.length === 0) throw new Error('no labeled lines in the train split: transcribe some lines first');
  let model: Recognizer;
  let codec: Codec;
  let frozen: Part[] = [];
  const log: string[] = [];
  if (ckpt) {
    ({ model, codec } = ckpt);
    // Labels saved since the checkpoint may hold characters its network has no output for.
    // Growing the network now would make the resumed run another one (its optimizer slots and
    // data order are the checkpoint's), so such lines are left out of this run; their labels
    // stay, and the next fine-tune learns them.
    // (Validation lines are only read and compared, never encoded: they stay.)
    const known = (l: LabeledLine) => codec.missing(l.text).length === 0;
    const left = labeled.filter((l) => !known(l));
    if (left.length) {
      const chars = [...new Set(left.flatMap((l) => codec.missing(l.text)))];
      labeled = labeled.filter(known);
      log.push(
        `left out ${left.length} labeled ${left.length === 1 ? 'line' : 'lines'} (${left.map((l) => l.lineId).join(', ')}) with ${chars.map((c) => JSON.stringify(c)).join(' ')}, not in the charset of the checkpoint this run resumes from; the labels are kept for the next fine-tune`,
      );
    }
  } else if (r.from !== undefined) {
    const parent = await loadVersion(r.from);
    codec = parent.codec;
    model = parent.model;
    const missing = codec.missing(labeled.map((l) => l.text).join(''));
    if (missing.length) {
      const grown = codec.extendedWith(missing);
      model = extendCharset(model, codec, grown, r.seed);
      codec = grown;
      log.push(
        `the charset of model ${r.from} lacked ${missing.map((c) => JSON.stringify(c)).join(' ')}; its output layer was extended (learned weights kept)`,
      );
    }
  } else {
    codec = Codec.fromTexts(labeled.map((l) => l.text));
    model = new Recognizer({ ...DEFAULT_CONFIG, classes: codec.classes }, r.seed);
  }
  if (labeled.length === 0) throw new Error('no labeled lines in the train split that the checkpoint resumed from can read');
  if (r.freezeEncoder) {
    if (r.from === undefined) throw new Error('--freeze-encoder needs --from MODEL_ID (an encoder to keep)');
    const parentConfig = (await store.run(registry.version(r.from))).config as { features?: 'visual' | 'contextual' };
    frozen = encoderParts(parentConfig.features ?? 'contextual');
  }
  for (const line of log) write({ log: line });
  const height = model.config.height;
  const trainSamples = await samplesAt(store, labeled, height);
  const validSamples = validation.length ? await samplesAt(store, validation, height) : trainSamples.slice(0, 64);
  return { model, codec, frozen, labeled, trainSamples, validSamples };
}

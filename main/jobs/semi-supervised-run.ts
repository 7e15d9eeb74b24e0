// A semi-supervised fine-tuning job: self-training rounds (main/ml/self-training.ts) on the
// labeled lines of the train split and its unlabeled lines, checkpointed like any training
// job, ending in a model version that records which lines were pseudo-labeled in which
// round and with what reading. Readings used as targets live only in the checkpoint and
// that record: they are never written as transcriptions, so they never count as labels (on a
// team server's store as on a project folder: the run only reads the store, through its
// TrainingContext, and writes the job's row).
import { TRAINING_DEFAULTS, validateEvery } from '../../shared/training-defaults.ts';
import { saveTrainingCheckpoint } from '../ml/checkpoint.ts';
import {
  fromCheckpointState,
  roundSteps,
  sampleUnlabeled,
  selfTrain,
  stepsBefore,
  toCheckpointState,
  type RoundRecord,
} from '../ml/self-training.ts';
import { MAX_UNLABELED_LINES } from '../../shared/self-training-options.ts';
import { samplesAt, unlabeledLineIdsAt } from '../project/dataset.ts';
import { checkpointPath, prepareFinetune, type Checkpoint } from './finetune-setup.ts';
import { decodingOp } from './decoding-spec.ts';
import type { FinetuneRequest } from '../../shared/job-configs.ts';
import type { TrainingContext } from './training-context.ts';

type SemiRequest = FinetuneRequest & { semiSupervised: NonNullable<FinetuneRequest['semiSupervised']> };

/** Pseudo-labels as the model version keeps them: per round, [line id, reading, confidence]. */
const pseudoRecord = (rounds: RoundRecord[]) =>
  rounds.map((r) => ({ round: r.round + 1, lines: r.pseudoLabels.map((p) => [p.id, p.text, Number(p.confidence.toFixed(4))]) }));

export async function runSemiSupervised(
  { store, jobId, report, write, signal }: TrainingContext,
  r: SemiRequest,
  ckpt: Checkpoint | undefined,
) {
  const { model, codec, frozen, labeled, trainSamples, validSamples } = await prepareFinetune({ store, write }, r, ckpt);
  const resume = ckpt ? fromCheckpointState(ckpt.state) : undefined;
  const { rounds, threshold, pseudoWeight, languageModel } = r.semiSupervised;
  // Only the train split: an unlabeled validation or test line trained on with the model's
  // own reading would flatter the model once someone transcribes it there.
  const all = await unlabeledLineIdsAt(store, ['train']);
  const ids = sampleUnlabeled(all, r.seed, MAX_UNLABELED_LINES);
  if (resume) {
    const present = new Set(ids);
    // Only the round in progress trains on its readings again; finished rounds are history.
    const current = resume.rounds[resume.round]?.pseudoLabels ?? [];
    const withdrawn = current.filter((p) => !present.has(p.id as number)).length;
    if (withdrawn)
      write({
        log: `${withdrawn} pseudo-labeled line(s) of round ${resume.round + 1} were transcribed, removed or left the unlabeled sample meanwhile: their readings are withdrawn (a transcription replaces the reading)`,
      });
  }
  const images = await samplesAt(
    store,
    ids.map((lineId) => ({ lineId, text: '' })),
    model.config.height,
  );
  const unlabeled = ids.map((id, i) => ({ id, image: images[i].image }));
  if (!resume)
    write({
      log: `semi-supervised: ${labeled.length} labeled and ${ids.length} unlabeled lines${ids.length < all.length ? ` (a sample of ${all.length})` : ''}, ${rounds} rounds, read ${languageModel ? 'with the language model' : 'by best path'}`,
    });
  // The teacher reads as a transcription job with the language model does; where the
  // project's own transcriptions are mixed in (LANGUAGE_MODEL_DEFAULTS.projectShare > 0),
  // those of the train split only: the validation lines judge the student, their words must
  // not steer its targets.
  const decoding = await store.run(decodingOp({ languageModel }, undefined, ['train']));
  // The requested steps are the whole run's, so switching semi-supervision on does not multiply its cost.
  const stepsPerRound = roundSteps(r.steps, rounds);
  const total = stepsBefore(stepsPerRound, rounds);
  let lastLoss = 0;
  let secondsPerStep = 0;
  const readStarted = new Map<number, number>();
  const result = await selfTrain(
    model,
    codec,
    { labeled: trainSamples, unlabeled, validation: validSamples },
    {
      rounds,
      threshold,
      pseudoWeight,
      stepsPerRound,
      decoding,
      resume,
      signal,
      checkpointEvery: r.checkpointEvery ?? TRAINING_DEFAULTS.checkpointEvery,
      train: {
        batchSize: r.batchSize,
        seed: r.seed,
        threads: r.threads,
        frozen,
        // Rounds are short: ten validations each.
        validateEvery: validateEvery(stepsPerRound[0], 10),
      },
      onCheckpoint: (state) => {
        saveTrainingCheckpoint(checkpointPath(store.root, jobId), model, codec, toCheckpointState(state));
        const record = state.rounds[state.round];
        if (record && state.train.step === 0)
          write({
            log: `round ${state.round + 1}: ${record.pseudoLabels.length} of ${record.read} unlabeled lines pseudo-labeled (confidence ≥ ${threshold})`,
          });
      },
      onProgress: (p) => {
        const phase = `round ${p.round + 1}/${rounds}`;
        if (p.phase === 'read') {
          // Reading has its own bar (lines read of all unlabeled lines), then training continues the step count.
          const started = readStarted.get(p.round) ?? performance.now();
          readStarted.set(p.round, started);
          const rate = p.done / Math.max(1e-3, (performance.now() - started) / 1000);
          report({
            phase: `${phase}: reading unlabeled lines`,
            step: p.done,
            steps: p.total,
            loss: lastLoss,
            linesPerSecond: rate,
            etaSeconds: rate > 0 ? (p.total - p.done) / rate : 0,
          });
        } else {
          lastLoss = p.loss;
          const step = stepsBefore(stepsPerRound, p.round) + p.step;
          // Training steps left in all rounds at this round's pace, from its own estimate of its
          // steps left (the reading of later rounds not counted).
          if (p.step < p.steps) secondsPerStep = p.etaSeconds / (p.steps - p.step);
          const etaSeconds = (total - step) * secondsPerStep;
          report({
            phase,
            step,
            steps: total,
            loss: p.loss,
            linesPerSecond: p.linesPerSecond,
            etaSeconds,
            validationCer: p.validation?.cer,
          });
        }
      },
    },
  );
  const steps = result.rounds.reduce((a, x) => a + (x.steps ?? 0), 0);
  return {
    model,
    codec,
    record: {
      name: r.from !== undefined ? `semi-supervised from model ${r.from}` : 'semi-supervised from scratch',
      kind: 'finetune' as const,
      parentId: r.from ?? null,
      config: {
        ...r,
        frozen,
        network: model.config,
        selfTraining: { rounds, threshold, pseudoWeight, languageModel, stepsPerRound, labeledAugmentation: 'strong' },
      },
      metrics: {
        validationCer: result.validation?.cer ?? null,
        validationWer: result.validation?.wer ?? null,
        steps,
        stopped: result.train?.status ?? result.status,
        pseudoLabeled: result.rounds.map((x) => x.pseudoLabels.length),
        roundValidationCer: result.rounds.map((x) => x.validationCer ?? null),
      },
      trainingSet: { labeled: labeled.map((l) => [l.lineId, l.transcriptionId]), pseudoLabeled: pseudoRecord(result.rounds) },
    },
  };
}

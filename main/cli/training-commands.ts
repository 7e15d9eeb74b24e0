// CLI commands that train recognizers, and resume a job: each starts its job through the
// API (startTraining, resumeJob), prints its progress and ends with the model it made.
import { Option, type Command } from 'commander';
import { AUGMENTATION_PIPELINES, FEATURE_KINDS, HEAD_KINDS, MAPPING_KINDS } from '../../shared/pretraining-options.ts';
import type { FeatureKind, HeadKind, MappingKind, PipelineName } from '../../shared/pretraining-options.ts';
import { SELF_TRAINING_DEFAULTS } from '../../shared/self-training-options.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';
import { defaultTrainingThreads } from '../ml/parallel.ts';
import { withClient, type Input } from './client.ts';
import { printFinished, printModel } from './job-results.ts';
import { fraction, int, modelRef } from './option-values.ts';
import { progressPrinter } from './progress.ts';
import { queueSettings, withQueueOptions, type QueueOptions } from './queue-options.ts';

interface Common {
  steps: number;
  batch: number;
  threads: number;
  seed: number;
  checkpointEvery: number;
  json?: boolean;
}

interface PretrainOptions extends Common {
  mapping: MappingKind;
  instances: number;
  head: HeadKind;
  features: FeatureKind;
  augmentations: PipelineName;
}

interface TrainOptions extends Common {
  from?: number | 'base';
  freezeEncoder?: boolean;
  semiSupervised?: boolean;
  rounds?: number;
  threshold?: number;
  pseudoWeight?: number;
  /** false with --no-lm (commander's negated option; true otherwise). */
  lm: boolean;
}

/** Options every training command has. */
function commonOptions(command: Command, what: string): Command {
  return command
    .option('--steps <n>', 'training steps', int('--steps'), TRAINING_DEFAULTS.steps)
    .option('--batch <n>', 'lines per batch', int('--batch'), TRAINING_DEFAULTS.batchSize)
    .option('--threads <n>', `CPU threads for data-parallel ${what}`, int('--threads'), defaultTrainingThreads())
    .option('--seed <n>', 'random seed', int('--seed', 0), TRAINING_DEFAULTS.seed)
    .option(
      '--checkpoint-every <n>',
      'save a resumable checkpoint every n steps',
      int('--checkpoint-every'),
      TRAINING_DEFAULTS.checkpointEvery,
    )
    .option('--json', 'print progress and the result as JSON lines');
}

const common = (o: Common) => ({
  steps: o.steps,
  batchSize: o.batch,
  seed: o.seed,
  threads: o.threads,
  checkpointEvery: o.checkpointEvery,
});

/** Starts a training job through the API, waits for it, and prints its model. */
async function train(dir: string, json: boolean, request: Input<'startTraining'>): Promise<void> {
  await withClient(dir, async (client) => {
    const { jobId } = await client.call('startTraining', request);
    await printModel(client, json, await client.waitForJob(jobId, progressPrinter(json)));
  });
}

function addPretrain(program: Command): void {
  const command = program
    .command('pretrain')
    .description('SeqCLR self-supervised pretraining of the encoder on all lines of the project')
    .argument('<dir>', 'project folder')
    .addOption(new Option('--mapping <kind>', 'instance mapping').choices(MAPPING_KINDS).default('window'))
    .option('--instances <n>', 'instances per line for window mapping', int('--instances'), TRAINING_DEFAULTS.instances)
    .addOption(new Option('--head <kind>', 'projection head').choices(HEAD_KINDS).default('mlp'))
    .addOption(
      new Option('--features <kind>', 'contrast visual (conv) or contextual (BiLSTM) features')
        .choices(FEATURE_KINDS)
        .default('contextual'),
    )
    .addOption(new Option('--augmentations <kind>', 'how the two views of a line differ').choices(AUGMENTATION_PIPELINES).default('mild'));
  commonOptions(command, 'pretraining').action((dir: string, o: PretrainOptions) =>
    train(dir, !!o.json, {
      kind: 'pretrain',
      mapping: o.mapping,
      instances: o.instances,
      head: o.head,
      features: o.features,
      augmentations: o.augmentations,
      ...common(o),
    }),
  );
}

function addTrain(program: Command): void {
  const command = program
    .command('train')
    .description(
      'train a recognizer on the labeled lines of the train split (validation split for early stopping); with --semi-supervised, on its unlabeled lines too',
    )
    .argument('<dir>', 'project folder')
    .option('--from <id>', 'start from this model version (e.g. a SeqCLR-pretrained one), or "base"', modelRef)
    .option('--freeze-encoder', 'keep the encoder of --from fixed and train only the decoder');
  commonOptions(command, 'training')
    .option(
      '--semi-supervised',
      'self-training: confident readings of the unlabeled lines train too, weighted below human labels (--steps is the total over all rounds)',
    )
    .option(
      '--rounds <n>',
      `semi-supervised: rounds, the first on the labeled lines alone, each later one reading the unlabeled lines first (default ${SELF_TRAINING_DEFAULTS.rounds})`,
      int('--rounds'),
    )
    .option(
      '--threshold <c>',
      `semi-supervised: least confidence of a reading used as a target (default ${SELF_TRAINING_DEFAULTS.threshold})`,
      fraction('--threshold'),
    )
    .option(
      '--pseudo-weight <w>',
      `semi-supervised: loss weight of a machine reading, human lines weigh 1 (default ${SELF_TRAINING_DEFAULTS.pseudoWeight})`,
      fraction('--pseudo-weight'),
    )
    .option('--no-lm', 'semi-supervised: read the unlabeled lines by best path, without the bundled language model')
    .action((dir: string, o: TrainOptions) => {
      const semi = [o.rounds, o.threshold, o.pseudoWeight].some((v) => v !== undefined) || !o.lm;
      if (semi && !o.semiSupervised) throw new Error('--rounds, --threshold, --pseudo-weight and --no-lm need --semi-supervised');
      // "base" is the API's too: the bundled model joins the project only if the request is accepted.
      const request: Input<'startTraining'> = {
        kind: 'finetune',
        from: o.from,
        freezeEncoder: !!o.freezeEncoder,
        ...common(o),
        // The API fills in the defaults of what is left out.
        semiSupervised: o.semiSupervised
          ? { rounds: o.rounds, threshold: o.threshold, pseudoWeight: o.pseudoWeight, languageModel: o.lm }
          : undefined,
      };
      return train(dir, !!o.json, request);
    });
}

function addResume(program: Command): void {
  withQueueOptions(program.command('resume'))
    .description(
      'continue an interrupted training job from its last checkpoint; a transcription job reads the lines it has not read yet (with --redis, on `quire worker` processes), an evaluation job runs again, as Resume does in the app',
    )
    .argument('<dir>', 'project folder')
    .argument('<job>', 'job id', int('job'))
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (dir: string, jobId: number, o: QueueOptions & { json?: boolean }) => {
      await withClient(
        dir,
        async (client) => {
          const kind = (await client.call('listJobs', {})).find((j) => j.id === jobId)?.kind;
          await client.call('resumeJob', { jobId });
          // Readings and reports go to stdout: only a training job's progress joins them there.
          const training = kind === 'pretrain' || kind === 'finetune';
          const job = await client.waitForJob(jobId, progressPrinter(!!o.json && training));
          await printFinished(client, !!o.json, job);
        },
        { queue: queueSettings(o) },
      );
    });
}

export function addTrainingCommands(program: Command): void {
  addPretrain(program);
  addTrain(program);
  addResume(program);
}

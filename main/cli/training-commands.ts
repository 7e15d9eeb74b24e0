// CLI commands that train and list models and jobs.
import { Option, type Command } from 'commander';
import { SPLITS, type Split } from '../../shared/api.ts';
import { listJobs, markInterrupted, requestCancel } from '../jobs/jobs.ts';
import { defaultTrainingThreads, resumeJob, startTraining } from '../jobs/training-runs.ts';
import { evaluateModel, transcribe } from '../jobs/transcription.ts';
import { suggestLines } from '../jobs/suggest.ts';
import { ensureBaseModel, exportVersion, importVersion, listVersions, renameVersion } from '../models/registry.ts';
import { deleteModel } from '../models/model-admin.ts';
import {
  AUGMENTATION_PIPELINES,
  FEATURE_KINDS,
  HEAD_KINDS,
  MAPPING_KINDS,
  type FeatureKind,
  type HeadKind,
  type MappingKind,
  type PipelineName,
} from '../../shared/pretraining-options.ts';
import { Project } from '../project/project.ts';
import { SELF_TRAINING_DEFAULTS } from '../../shared/self-training-options.ts';
import { printResult, table } from './output.ts';
import { fraction, int, modelRef } from './option-values.ts';
import { progressPrinter } from './progress.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';

const resolveModel = (project: Project, ref: number | 'base') => (ref === 'base' ? ensureBaseModel(project).id : ref);

async function withProject<T>(dir: string, fn: (project: Project) => Promise<T>): Promise<T> {
  const project = Project.open(dir);
  try {
    markInterrupted(project);
    return await fn(project);
  } finally {
    project.close();
  }
}

/** Ends a training command: the new model id last, as its own line (JSON lines with --json). */
/**
 * Ctrl+C or SIGTERM (what `quire cancel` sends) stops training at the end of the current
 * step with a checkpoint; the job is then cancelled and resumable. A second Ctrl+C quits at once.
 */
function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

function done(json: boolean, version: { id: number; name: string; metrics: Record<string, unknown> }) {
  if (json)
    process.stdout.write(JSON.stringify({ type: 'result', model_id: version.id, name: version.name, metrics: version.metrics }) + '\n');
  else process.stdout.write(`model ${version.id}: ${version.name}\n${JSON.stringify(version.metrics)}\n${version.id}\n`);
}

interface TrainOptions {
  checkpointEvery: number;
  from?: number | 'base';
  freezeEncoder?: boolean;
  steps: number;
  batch: number;
  threads: number;
  seed: number;
  json?: boolean;
  semiSupervised?: boolean;
  rounds?: number;
  threshold?: number;
  pseudoWeight?: number;
}

export function addTrainingCommands(program: Command): void {
  program
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
    .addOption(new Option('--augmentations <kind>', 'how the two views of a line differ').choices(AUGMENTATION_PIPELINES).default('mild'))
    .option('--steps <n>', 'training steps', int('--steps'), TRAINING_DEFAULTS.steps)
    .option('--batch <n>', 'lines per batch', int('--batch'), TRAINING_DEFAULTS.batchSize)
    .option('--threads <n>', 'CPU threads for data-parallel pretraining', int('--threads'), defaultTrainingThreads())
    .option('--seed <n>', 'random seed', int('--seed', 0), TRAINING_DEFAULTS.seed)
    .option(
      '--checkpoint-every <n>',
      'save a resumable checkpoint every n steps',
      int('--checkpoint-every'),
      TRAINING_DEFAULTS.checkpointEvery,
    )
    .option('--json', 'print progress and the result as JSON lines')
    .action(
      async (
        dir: string,
        o: {
          checkpointEvery: number;
          mapping: MappingKind;
          instances: number;
          head: HeadKind;
          features: FeatureKind;
          augmentations: PipelineName;
          steps: number;
          batch: number;
          threads: number;
          seed: number;
          json?: boolean;
        },
      ) => {
        await withProject(dir, async (project) => {
          const version = await startTraining(
            project,
            {
              kind: 'pretrain',
              mapping: o.mapping,
              instances: o.instances,
              head: o.head,
              features: o.features,
              augmentations: o.augmentations,
              steps: o.steps,
              batchSize: o.batch,
              seed: o.seed,
              threads: o.threads,
              checkpointEvery: o.checkpointEvery,
            },
            progressPrinter(!!o.json),
            stopOnSignal(),
          );
          done(!!o.json, version);
        });
      },
    );

  program
    .command('train')
    .description(
      'train a recognizer on the labeled lines of the train split (validation split for early stopping); with --semi-supervised, on its unlabeled lines too',
    )
    .argument('<dir>', 'project folder')
    .option('--from <id>', 'start from this model version (e.g. a SeqCLR-pretrained one), or "base"', modelRef)
    .option('--freeze-encoder', 'keep the encoder of --from fixed and train only the decoder')
    .option('--steps <n>', 'training steps', int('--steps'), TRAINING_DEFAULTS.steps)
    .option('--batch <n>', 'lines per batch', int('--batch'), TRAINING_DEFAULTS.batchSize)
    .option('--threads <n>', 'CPU threads for data-parallel training', int('--threads'), defaultTrainingThreads())
    .option('--seed <n>', 'random seed', int('--seed', 0), TRAINING_DEFAULTS.seed)
    .option(
      '--checkpoint-every <n>',
      'save a resumable checkpoint every n steps',
      int('--checkpoint-every'),
      TRAINING_DEFAULTS.checkpointEvery,
    )
    .option(
      '--semi-supervised',
      'self-training: confident readings of the unlabeled lines train too, weighted below human labels (--steps is the total over all rounds)',
    )
    .option('--rounds <n>', `semi-supervised: read-and-train rounds (default ${SELF_TRAINING_DEFAULTS.rounds})`, int('--rounds'))
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
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (dir: string, o: TrainOptions) => {
      const semi = [o.rounds, o.threshold, o.pseudoWeight].some((v) => v !== undefined);
      if (semi && !o.semiSupervised) throw new Error('--rounds, --threshold and --pseudo-weight need --semi-supervised');
      await withProject(dir, async (project) => {
        const version = await startTraining(
          project,
          {
            kind: 'finetune',
            from: o.from === undefined ? undefined : resolveModel(project, o.from),
            freezeEncoder: !!o.freezeEncoder,
            steps: o.steps,
            batchSize: o.batch,
            seed: o.seed,
            threads: o.threads,
            checkpointEvery: o.checkpointEvery,
            semiSupervised: o.semiSupervised
              ? {
                  rounds: o.rounds ?? SELF_TRAINING_DEFAULTS.rounds,
                  threshold: o.threshold ?? SELF_TRAINING_DEFAULTS.threshold,
                  pseudoWeight: o.pseudoWeight ?? SELF_TRAINING_DEFAULTS.pseudoWeight,
                }
              : undefined,
          },
          progressPrinter(!!o.json),
          stopOnSignal(),
        );
        done(!!o.json, version);
      });
    });

  program
    .command('resume')
    .description('continue an interrupted training job from its last checkpoint')
    .argument('<dir>', 'project folder')
    .argument('<job>', 'job id', int('job'))
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (dir: string, jobId: number, o: { json?: boolean }) => {
      await withProject(dir, async (project) => done(!!o.json, await resumeJob(project, jobId, progressPrinter(!!o.json), stopOnSignal())));
    });

  program
    .command('transcribe')
    .description('read lines with a model version; readings are stored as predictions, never over human text')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version id, or "base" for the bundled model', modelRef)
    .option('--pages <ids...>', 'only these page ids')
    .option('--beam <width>', 'beam search width (1: best path)', int('--beam'), 1)
    .option('--json', 'one JSON record per line: line id, source file name, text, confidence')
    .action(async (dir: string, o: { model: number | 'base'; pages?: string[]; beam: number; json?: boolean }) => {
      await withProject(dir, async (project) => {
        const readings = await transcribe(project, resolveModel(project, o.model), { pageIds: o.pages?.map(Number), beamWidth: o.beam });
        for (const r of readings) {
          process.stdout.write(
            o.json
              ? JSON.stringify({ line_id: r.lineId, source: r.sourceName, text: r.text, confidence: Number(r.confidence.toFixed(4)) }) +
                  '\n'
              : `${r.lineId}\t${r.confidence.toFixed(2)}\t${r.text}\n`,
          );
        }
      });
    });

  program
    .command('eval')
    .description('character and word error rates of a model version on labeled lines (like ketos test)')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version id, or "base" for the bundled model', modelRef)
    .addOption(new Option('--split <split>', 'which labeled lines').choices(SPLITS).default('test'))
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { model: number | 'base'; split: Split; json?: boolean }) => {
      await withProject(dir, async (project) => {
        const r = await evaluateModel(project, resolveModel(project, o.model), o.split);
        printResult(!!o.json, r, () =>
          [
            `${r.lines} lines, ${r.chars} characters, ${r.words} words (${o.split} split)`,
            `CER ${(100 * r.cer).toFixed(2)} % (${r.charErrors} errors)   WER ${(100 * r.wer).toFixed(2)} % (${r.wordErrors} errors)`,
            'top confusions (reference → reading):',
            ...r.confusions.map((c) => `  ${JSON.stringify(c.ref || '∅')} → ${JSON.stringify(c.hyp || '∅')}  ×${c.count}`),
          ].join('\n'),
        );
      });
    });

  program
    .command('suggest')
    .description('unlabeled lines to transcribe next: the most uncertain readings, spread across pages')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version whose predictions rank the lines (run transcribe first)', modelRef)
    .option('-n, --count <n>', 'how many lines', int('--count'), 50)
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { model: number | 'base'; count: number; json?: boolean }) => {
      await withProject(dir, async (project) => {
        const suggestions = suggestLines(project, resolveModel(project, o.model), o.count);
        printResult(!!o.json, suggestions, () =>
          table(suggestions.map((x) => ({ line: x.lineId, page: x.pageId, confidence: x.confidence.toFixed(3), reading: x.prediction }))),
        );
      });
    });

  program
    .command('models')
    .description('list model versions with their kind, parent and metrics')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withProject(dir, async (project) => {
        const versions = listVersions(project);
        printResult(!!o.json, versions, () =>
          table(
            versions.map((v) => ({
              id: v.id,
              name: v.name,
              kind: v.kind,
              parent: v.parentId ?? '-',
              metrics: JSON.stringify(v.metrics),
              created: v.createdAt,
            })),
          ),
        );
      });
    });

  const model = program.command('model').description('manage model versions: rename, delete, export, import');
  model
    .command('rename')
    .description('give a model version a new name')
    .argument('<dir>')
    .argument('<id>', 'model id', int('id'))
    .argument('<name>')
    .action(async (dir: string, id: number, name: string) =>
      withProject(dir, async (project) => {
        renameVersion(project, id, name);
      }),
    );
  model
    .command('delete')
    .description(
      'delete a model version and its readings (its weights file too, when no other version uses it); not the base model, nor one a job needs',
    )
    .argument('<dir>')
    .argument('<id>', 'model id', int('id'))
    .action(async (dir: string, id: number) =>
      withProject(dir, async (project) => {
        deleteModel(project, id);
      }),
    );
  model
    .command('export')
    .description('write a model version as one file')
    .argument('<dir>')
    .argument('<id>', 'model id', int('id'))
    .argument('<file>')
    .action(async (dir: string, id: number, file: string) =>
      withProject(dir, async (project) => {
        exportVersion(project, id, file);
      }),
    );
  model
    .command('import')
    .description('add a model file (from another project, or the bundled base model: "base") as a new version')
    .argument('<dir>')
    .argument('<file>')
    .option('--json', 'print JSON')
    .action(async (dir: string, file: string, o: { json?: boolean }) =>
      withProject(dir, async (project) => {
        const v = file === 'base' ? ensureBaseModel(project) : importVersion(project, file);
        printResult(!!o.json, v, () => `model ${v.id}: ${v.name}`);
      }),
    );

  program
    .command('cancel')
    .description('stop a queued or running training job; it keeps its checkpoint and can be resumed')
    .argument('<dir>', 'project folder')
    .argument('<job>', 'job id', int('job'))
    .action(async (dir: string, jobId: number) => {
      await withProject(dir, async (project) => {
        if (requestCancel(project, jobId) === 'cancelled') return void process.stdout.write(`job ${jobId} cancelled\n`);
        // The training process checkpoints and records the cancel itself; wait for it.
        const deadline = Date.now() + 120_000;
        while (listJobs(project).find((j) => j.id === jobId)?.state === 'running') {
          if (Date.now() > deadline) throw new Error(`job ${jobId} did not stop within 2 minutes`);
          await new Promise((r) => setTimeout(r, 200));
        }
        process.stdout.write(
          `job ${jobId} ${listJobs(project).find((j) => j.id === jobId)?.state}; resume with: quire resume ${dir} ${jobId}\n`,
        );
      });
    });

  program
    .command('jobs')
    .description('list training jobs and their state')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withProject(dir, async (project) => {
        const jobs = listJobs(project);
        printResult(!!o.json, jobs, () =>
          table(
            jobs.map((j) => ({
              id: j.id,
              kind: j.kind,
              state: j.state,
              step: `${j.progress.step ?? 0}/${j.progress.steps ?? '?'}`,
              model: j.modelId ?? '-',
              error: j.error ?? '',
            })),
          ),
        );
      });
    });
}

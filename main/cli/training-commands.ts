// CLI commands that train and list models and jobs.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { listJobs, markInterrupted } from '../jobs/jobs.ts';
import { resumeJob, startTraining } from '../jobs/training-runs.ts';
import { listVersions } from '../models/registry.ts';
import { Project } from '../project/project.ts';
import { printResult, table } from './output.ts';
import { progressPrinter } from './progress.ts';

const int = (name: string, min = 1) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}`);
  return n;
};

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
function done(json: boolean, version: { id: number; name: string; metrics: Record<string, unknown> }) {
  if (json) process.stdout.write(JSON.stringify({ type: 'result', model_id: version.id, name: version.name, metrics: version.metrics }) + '\n');
  else process.stdout.write(`model ${version.id}: ${version.name}\n${JSON.stringify(version.metrics)}\n${version.id}\n`);
}

export function addTrainingCommands(program: Command): void {
  program.command('pretrain')
    .description('SeqCLR self-supervised pretraining of the encoder on all lines of the project')
    .argument('<dir>', 'project folder')
    .option('--mapping <kind>', 'instance mapping: window, frame or all', 'window')
    .option('--instances <n>', 'instances per line for window mapping', int('--instances'), 5)
    .option('--head <kind>', 'projection head: mlp, bilstm or none', 'mlp')
    .option('--features <kind>', 'contrast visual (conv) or contextual (BiLSTM) features', 'contextual')
    .option('--steps <n>', 'training steps', int('--steps'), 2000)
    .option('--batch <n>', 'lines per batch', int('--batch'), 16)
    .option('--seed <n>', 'random seed', int('--seed', 0), 1)
    .option('--checkpoint-every <n>', 'save a resumable checkpoint every n steps', int('--checkpoint-every'), 50)
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (dir: string, o: { checkpointEvery: number; mapping: string; instances: number; head: string; features: string; steps: number; batch: number; seed: number; json?: boolean }) => {
      if (!['window', 'frame', 'all'].includes(o.mapping)) throw new Error('--mapping must be window, frame or all');
      if (!['mlp', 'bilstm', 'none'].includes(o.head)) throw new Error('--head must be mlp, bilstm or none');
      if (!['visual', 'contextual'].includes(o.features)) throw new Error('--features must be visual or contextual');
      await withProject(dir, async (project) => {
        const version = await startTraining(project, {
          kind: 'pretrain', mapping: o.mapping as 'window', instances: o.instances, head: o.head as 'mlp', features: o.features as 'visual',
          steps: o.steps, batchSize: o.batch, seed: o.seed, checkpointEvery: o.checkpointEvery,
        }, progressPrinter(!!o.json));
        done(!!o.json, version);
      });
    });

  program.command('train')
    .description('train a recognizer on the labeled lines of the train split (validation split for early stopping)')
    .argument('<dir>', 'project folder')
    .option('--from <id>', 'start from this model version (e.g. a SeqCLR-pretrained one)', int('--from'))
    .option('--freeze-encoder', 'keep the encoder of --from fixed and train only the decoder')
    .option('--steps <n>', 'training steps', int('--steps'), 2000)
    .option('--batch <n>', 'lines per batch', int('--batch'), 16)
    .option('--threads <n>', 'CPU threads for data-parallel training', int('--threads'), availableParallelism())
    .option('--seed <n>', 'random seed', int('--seed', 0), 1)
    .option('--checkpoint-every <n>', 'save a resumable checkpoint every n steps', int('--checkpoint-every'), 50)
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (dir: string, o: { checkpointEvery: number; from?: number; freezeEncoder?: boolean; steps: number; batch: number; threads: number; seed: number; json?: boolean }) => {
      await withProject(dir, async (project) => {
        const version = await startTraining(project, {
          kind: 'finetune', from: o.from, freezeEncoder: !!o.freezeEncoder, steps: o.steps, batchSize: o.batch, seed: o.seed, threads: o.threads,
          checkpointEvery: o.checkpointEvery,
        }, progressPrinter(!!o.json));
        done(!!o.json, version);
      });
    });

  program.command('resume')
    .description('continue an interrupted training job from its last checkpoint')
    .argument('<dir>', 'project folder')
    .argument('<job>', 'job id', int('job'))
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (dir: string, jobId: number, o: { json?: boolean }) => {
      await withProject(dir, async (project) => done(!!o.json, await resumeJob(project, jobId, progressPrinter(!!o.json))));
    });

  program.command('models')
    .description('list model versions with their kind, parent and metrics')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withProject(dir, async (project) => {
        const versions = listVersions(project);
        printResult(!!o.json, versions, () => table(versions.map((v) => ({
          id: v.id, name: v.name, kind: v.kind, parent: v.parentId ?? '-', metrics: JSON.stringify(v.metrics), created: v.createdAt,
        }))));
      });
    });

  program.command('jobs')
    .description('list training jobs and their state')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withProject(dir, async (project) => {
        const jobs = listJobs(project);
        printResult(!!o.json, jobs, () => table(jobs.map((j) => ({
          id: j.id, kind: j.kind, state: j.state, step: `${j.progress.step ?? 0}/${j.progress.steps ?? '?'}`, model: j.modelId ?? '-', error: j.error ?? '',
        }))));
      });
    });
}

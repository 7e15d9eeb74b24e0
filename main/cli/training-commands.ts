// CLI commands that train and list models and jobs.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { listJobs, markInterrupted } from '../jobs/jobs.ts';
import { resumeJob, startTraining } from '../jobs/training-runs.ts';
import { evaluateModel, transcribe } from '../jobs/transcription.ts';
import { suggestLines } from '../jobs/suggest.ts';
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

  program.command('transcribe')
    .description('read lines with a model version; readings are stored as predictions, never over human text')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version', int('--model'))
    .option('--pages <ids...>', 'only these page ids')
    .option('--beam <width>', 'beam search width (1: best path)', int('--beam'), 1)
    .option('--json', 'one JSON record per line: line id, source file name, text, confidence')
    .action(async (dir: string, o: { model: number; pages?: string[]; beam: number; json?: boolean }) => {
      await withProject(dir, async (project) => {
        const readings = await transcribe(project, o.model, { pageIds: o.pages?.map(Number), beamWidth: o.beam });
        for (const r of readings) {
          process.stdout.write(o.json
            ? JSON.stringify({ line_id: r.lineId, source: r.sourceName, text: r.text, confidence: Number(r.confidence.toFixed(4)) }) + '\n'
            : `${r.lineId}\t${r.confidence.toFixed(2)}\t${r.text}\n`);
        }
      });
    });

  program.command('eval')
    .description('character and word error rates of a model version on labeled lines (like ketos test)')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version', int('--model'))
    .option('--split <split>', 'train, validation or test', 'test')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { model: number; split: string; json?: boolean }) => {
      if (!['train', 'validation', 'test'].includes(o.split)) throw new Error('--split must be train, validation or test');
      await withProject(dir, async (project) => {
        const r = await evaluateModel(project, o.model, o.split as 'test');
        printResult(!!o.json, r, () => [
          `${r.lines} lines, ${r.chars} characters, ${r.words} words (${o.split} split)`,
          `CER ${(100 * r.cer).toFixed(2)} % (${r.charErrors} errors)   WER ${(100 * r.wer).toFixed(2)} % (${r.wordErrors} errors)`,
          'top confusions (reference → reading):',
          ...r.confusions.map((c) => `  ${JSON.stringify(c.ref || '∅')} → ${JSON.stringify(c.hyp || '∅')}  ×${c.count}`),
        ].join('\n'));
      });
    });

  program.command('suggest')
    .description('unlabeled lines to transcribe next: the most uncertain readings, spread across pages')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version whose predictions rank the lines (run transcribe first)', int('--model'))
    .option('-n, --count <n>', 'how many lines', int('--count'), 50)
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { model: number; count: number; json?: boolean }) => {
      await withProject(dir, async (project) => {
        const suggestions = suggestLines(project, o.model, o.count);
        printResult(!!o.json, suggestions, () => table(suggestions.map((x) => ({ line: x.lineId, page: x.pageId, uncertainty: x.uncertainty.toFixed(3), reading: x.prediction }))));
      });
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

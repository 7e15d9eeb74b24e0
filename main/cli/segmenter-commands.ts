// `quire train-segmenter`: fine-tunes a segmentation model on the project's corrected pages
// (main/jobs/segmenter-training.ts); the result is a .qseg file for `quire segment --model`.
import type { Command } from 'commander';
import { trainProjectSegmenter } from '../jobs/segmenter-training.ts';
import { Project } from '../project/project.ts';
import { progressPrinter } from './progress.ts';
import { int } from './option-values.ts';
import { SEGMENTER_TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';

export function addSegmenterCommands(program: Command): void {
  program
    .command('train-segmenter')
    .description(
      'fine-tune the segmentation model on the pages whose every line is transcribed; writes a .qseg file for `quire segment --model FILE`',
    )
    .argument('<dir>', 'project folder')
    .option('--from <file>', 'the .qseg model to start from; default: the bundled segmenter')
    .option('--steps <n>', 'training steps', int('--steps'), SEGMENTER_TRAINING_DEFAULTS.steps)
    .option('--out <file>', 'where to write the model; default: <project>/segmenters/job-<id>.qseg')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { from?: string; steps: number; out?: string; json?: boolean }) => {
      const steps = o.steps;
      const project = Project.open(dir);
      try {
        const started = Date.now();
        const progress = progressPrinter(!!o.json);
        const result = await trainProjectSegmenter(project, {
          from: o.from,
          steps,
          out: o.out,
          onStep: (step, loss, jobId) => {
            const seconds = (Date.now() - started) / 1000;
            progress({
              jobId,
              phase: 'segmenter',
              step: step + 1,
              steps,
              loss,
              linesPerSecond: 0,
              etaSeconds: (seconds / (step + 1)) * (steps - step - 1),
            });
          },
        });
        const tail = result.losses.slice(-10);
        const summary = {
          type: 'result',
          job_id: result.jobId,
          file: result.file,
          pages: result.pages,
          final_loss: tail.reduce((a, b) => a + b, 0) / tail.length,
        };
        // JSON lines, like the other training commands: progress lines, then the result.
        process.stdout.write(
          o.json ? JSON.stringify(summary) + '\n' : `segmenter fine-tuned on ${result.pages} page(s), written to ${result.file}\n`,
        );
      } finally {
        project.close();
      }
    });
}

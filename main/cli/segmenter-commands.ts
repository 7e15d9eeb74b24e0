// `quire segment` finds lines (the API's segmentPages, as "Find lines" in the app), and
import { resolve } from 'node:path';
// `quire train-segmenter` fine-tunes a segmentation model on the project's corrected pages
// as a job (startSegmenterTraining, as the Training panel's Segmenter job); the result is a
// .qseg file for `quire segment --model`.
import type { Command } from 'commander';
import { DEFAULT_SEGMENTER, PROJECT_SEGMENTER_PATTERN, SEGMENTERS } from '../../shared/segmenter-options.ts';
import { SEGMENTER_TRAINING_DEFAULTS } from '../../shared/training-defaults.ts';
import { withClient, type Client, type Input } from './client.ts';
import { printSegmenter } from './job-results.ts';
import { int, intList } from './option-values.ts';
import { printResult } from './output.ts';
import { progressPrinter } from './progress.ts';

/** A named segmenter, or a model file. */
const segmenterChoice = (model: string | undefined): Pick<Input<'segmentPages'>, 'segmenter' | 'segmenterFile'> =>
  model === undefined
    ? {}
    : (SEGMENTERS as readonly string[]).includes(model) || PROJECT_SEGMENTER_PATTERN.test(model)
      ? { segmenter: model }
      : { segmenterFile: model };

/** The page ids asked for (the API refuses those that are not scanned pages); by default every page of the scanned documents. */
async function pagesToSegment(client: Client, asked: number[] | undefined): Promise<number[]> {
  if (asked) return asked;
  const documents = (await client.call('listDocuments', {})).filter((d) => d.kind === 'scan');
  const pages = await Promise.all(documents.map((d) => client.call('listPages', { documentId: d.id })));
  return pages.flatMap((p) => p.map((x) => x.id));
}

function addSegment(program: Command): void {
  program
    .command('segment')
    .description(
      'find the text lines (and, with a model, the text regions) of pages (all scanned pages unless --pages); lines with a human transcription are never removed',
    )
    .argument('<dir>', 'project folder')
    .option('--pages <ids...>', 'only these page ids', intList('--pages'))
    .option(
      '--model <model>',
      `${SEGMENTERS.map((s) => `"${s}"`).join(', ')}, "project:<job id>" or a .qseg file; default: ${DEFAULT_SEGMENTER} (the segmentation model shipped with Quire; the classical segmenter where it cannot be loaded)`,
    )
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { pages?: number[]; model?: string; json?: boolean }) => {
      await withClient(dir, async (client) => {
        const pageIds = await pagesToSegment(client, o.pages);
        if (pageIds.length === 0) throw new Error('no pages to segment: import scans first');
        const report = await client.call('segmentPages', { pageIds, ...segmenterChoice(o.model) });
        printResult(!!o.json, report, () =>
          [
            ...(report.fallback ? [`note: ${report.fallback}; the classical segmenter ran instead`] : []),
            `${report.pages} page(s) segmented with ${report.segmenter}: ${report.added} line(s) found in ${report.regions} region(s), ${report.keptLabeled} transcribed line(s) kept, ${report.removed} untranscribed line(s) replaced`,
          ].join('\n'),
        );
      });
    });
}

function addTrainSegmenter(program: Command): void {
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
      await withClient(dir, async (client) => {
        // Kept absolute in the job: a resume from another folder (or the app) must find and write the same files.
        const [from, out] = [o.from, o.out].map((f) => (f === undefined ? undefined : resolve(f)));
        const { jobId } = await client.call('startSegmenterTraining', { steps: o.steps, from, out });
        printSegmenter(!!o.json, await client.waitForJob(jobId, progressPrinter(!!o.json)));
      });
    });
}

export function addSegmenterCommands(program: Command): void {
  addSegment(program);
  addTrainSegmenter(program);
}

// CLI commands that read with a model (transcribe, eval, suggest) and list and cancel jobs.
// Transcription and evaluation are jobs, as in the app: started through the API, run in
// a worker thread, their progress on stderr, their result printed when they end.
import { Option, type Command } from 'commander';
import { SPLITS, type Split } from '../../shared/api.ts';
import { withClient, type Client } from './client.ts';
import { printEvaluation, printReadings } from './job-results.ts';
import { int, intList, modelRef } from './option-values.ts';
import { queueSettings, withQueueOptions, type QueueOptions } from './queue-options.ts';
import { printResult, table } from './output.ts';
import { progressPrinter } from './progress.ts';

interface TranscribeOptions extends QueueOptions {
  model: number | 'base';
  pages?: number[];
  beam: number;
  lm?: boolean;
  json?: boolean;
}

function addTranscribe(program: Command): void {
  withQueueOptions(program.command('transcribe'))
    .description('read lines with a model version; readings are stored as predictions, never over human text')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version id, or "base" for the bundled model', modelRef)
    .option('--pages <ids...>', 'only these page ids', intList('--pages'))
    .option('--beam <width>', 'beam search width (1: best path)', int('--beam'), 1)
    .option('--lm', "decode with the bundled language model and the project's transcriptions (beam search)")
    .option('--json', 'one JSON record per line: line id, source file name, text, confidence')
    .action(async (dir: string, o: TranscribeOptions) => {
      await withClient(
        dir,
        async (client) => {
          // "base" is resolved by the API once the request is accepted: the job's config names the version.
          const request = { modelId: o.model, pageIds: o.pages, beamWidth: o.beam, languageModel: o.lm };
          const { jobId } = await client.call('startTranscription', request);
          const job = await client.waitForJob(jobId, progressPrinter(false));
          await printReadings(client, !!o.json, job.config.modelId as number, o.pages);
        },
        { queue: queueSettings(o) },
      );
    });
}

function addEval(program: Command): void {
  program
    .command('eval')
    .description('character and word error rates of a model version on labeled lines (like ketos test)')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version id, or "base" for the bundled model', modelRef)
    .addOption(new Option('--split <split>', 'which labeled lines').choices(SPLITS).default('test'))
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { model: number | 'base'; split: Split; json?: boolean }) => {
      await withClient(dir, async (client) => {
        const { jobId } = await client.call('startEvaluation', { modelId: o.model, split: o.split });
        printEvaluation(!!o.json, await client.waitForJob(jobId, progressPrinter(false)), o.split);
      });
    });
}

/**
 * The version whose readings rank the lines: "base" is the project's version of the bundled
 * model, which must have read the project first (added now, it would have read nothing).
 */
async function rankingModel(client: Client, ref: number | 'base'): Promise<number> {
  if (ref !== 'base') return ref;
  const base = (await client.call('listModels', {})).find((m) => m.base);
  if (!base) throw new Error('the bundled base model has read no line of this project yet: run `quire transcribe DIR --model base` first');
  return base.id;
}

function addSuggest(program: Command): void {
  program
    .command('suggest')
    .description('unlabeled lines to transcribe next: the most uncertain readings, spread across pages')
    .argument('<dir>', 'project folder')
    .requiredOption('--model <id>', 'model version whose predictions rank the lines (run transcribe first)', modelRef)
    .option('-n, --count <n>', 'how many lines', int('--count'), 50)
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { model: number | 'base'; count: number; json?: boolean }) => {
      await withClient(dir, async (client) => {
        const suggestions = await client.call('suggestLines', { modelId: await rankingModel(client, o.model), limit: o.count });
        printResult(!!o.json, suggestions, () =>
          table(suggestions.map((x) => ({ line: x.lineId, page: x.pageId, confidence: x.confidence.toFixed(3), reading: x.prediction }))),
        );
      });
    });
}

function addCancel(program: Command): void {
  program
    .command('cancel')
    .description('stop a queued or running job; a training job keeps its checkpoint and can be resumed')
    .argument('<dir>', 'project folder')
    .argument('<job>', 'job id', int('job'))
    .option('--json', 'print JSON')
    .action(async (dir: string, jobId: number, o: { json?: boolean }) => {
      await withClient(dir, async (client) => {
        const state = async () => (await client.call('listJobs', {})).find((j) => j.id === jobId)?.state;
        const running = (await state()) === 'running';
        await client.call('cancelJob', { jobId });
        if (!running) return printResult(!!o.json, { job_id: jobId, state: await state() }, () => `job ${jobId} cancelled`);
        // The process running it checkpoints and records the cancel itself; wait for it.
        const deadline = Date.now() + 120_000;
        while ((await state()) === 'running') {
          if (Date.now() > deadline) throw new Error(`job ${jobId} did not stop within 2 minutes`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const now = await state();
        printResult(!!o.json, { job_id: jobId, state: now }, () => `job ${jobId} ${now}; resume with: quire resume ${dir} ${jobId}`);
      });
    });
}

function addJobs(program: Command): void {
  program
    .command('jobs')
    .description('list jobs and their state')
    .argument('<dir>', 'project folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { json?: boolean }) => {
      await withClient(dir, async (client) => {
        const jobs = await client.call('listJobs', {});
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

export function addJobCommands(program: Command): void {
  addTranscribe(program);
  addEval(program);
  addSuggest(program);
  addCancel(program);
  addJobs(program);
}

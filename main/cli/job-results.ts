// What a finished job prints, by kind: the model a training job made (its id last, as its
// own line; JSON lines with --json), a transcription's readings, an evaluation's report, a
// segmenter's file. `quire resume` prints the same as the command that started the job.
import type { JobSummary, Split } from '../../shared/api.ts';
import type { Client } from './client.ts';
import { printResult } from './output.ts';

interface EvaluationReport {
  lines: number;
  chars: number;
  words: number;
  cer: number;
  wer: number;
  charErrors: number;
  wordErrors: number;
  confusions: Array<{ ref: string; hyp: string; count: number }>;
}

export async function printModel(client: Client, json: boolean, job: JobSummary): Promise<void> {
  const version = (await client.call('listModelVersions', {})).find((v) => v.id === job.modelId);
  if (!version) throw new Error(`job ${job.id} finished without a model version`);
  if (json)
    process.stdout.write(JSON.stringify({ type: 'result', model_id: version.id, name: version.name, metrics: version.metrics }) + '\n');
  else process.stdout.write(`model ${version.id}: ${version.name}\n${JSON.stringify(version.metrics)}\n${version.id}\n`);
}

export async function printReadings(client: Client, json: boolean, modelId: number, pageIds?: number[]): Promise<void> {
  for (const r of await client.call('listReadings', { modelId, pageIds })) {
    process.stdout.write(
      json
        ? JSON.stringify({ line_id: r.lineId, source: r.sourceName, text: r.text, confidence: Number(r.confidence.toFixed(4)) }) + '\n'
        : `${r.lineId}\t${r.confidence.toFixed(2)}\t${r.text}\n`,
    );
  }
}

export function printEvaluation(json: boolean, job: JobSummary, split: Split): void {
  const r = job.progress.result as EvaluationReport | undefined;
  if (!r) throw new Error(`evaluation job ${job.id} recorded no result`);
  printResult(json, r, () =>
    [
      `${r.lines} lines, ${r.chars} characters, ${r.words} words (${split} split)`,
      `CER ${(100 * r.cer).toFixed(2)} % (${r.charErrors} errors)   WER ${(100 * r.wer).toFixed(2)} % (${r.wordErrors} errors)`,
      'top confusions (reference → reading):',
      ...r.confusions.map((c) => `  ${JSON.stringify(c.ref || '∅')} → ${JSON.stringify(c.hyp || '∅')}  ×${c.count}`),
    ].join('\n'),
  );
}

export function printSegmenter(json: boolean, job: JobSummary): void {
  const p = job.progress as { file?: string; pages?: number; loss?: number };
  const summary = { type: 'result', job_id: job.id, file: p.file, pages: p.pages, final_loss: p.loss };
  // JSON lines, like the other training commands: progress lines, then the result.
  process.stdout.write(json ? JSON.stringify(summary) + '\n' : `segmenter fine-tuned on ${p.pages} page(s), written to ${p.file}\n`);
}

/** A finished job's result, as the command that started it prints it. */
export async function printFinished(client: Client, json: boolean, job: JobSummary): Promise<void> {
  const config = job.config as { modelId?: number; pageIds?: number[] | null; split?: Split };
  if (job.kind === 'transcribe') return printReadings(client, json, config.modelId!, config.pageIds ?? undefined);
  if (job.kind === 'evaluate') return printEvaluation(json, job, config.split ?? 'test');
  if (job.kind === 'segment') return printSegmenter(json, job);
  return printModel(client, json, job);
}

// `npm run bench:segmentation`: line segmentation on generated manuscript pages with known
// lines (bench/synth/page.ts) and on the real held-out pages (bench/seg/real-pages.ts):
// recall and precision of lines at IoU ≥ 0.5, mean IoU, cBAD-style baseline recall and
// precision, skew error (generated pages) and time per page. `--write` also records both
// tables in docs/results/segmentation.md, between its generated-table markers. Choices are
// made on tuning pages instead (`--dev N`, or `--tuning prose`: bench/seg-tuning-sets.ts),
// never written to the file. `--finetune K[,K…]` measures instead what fine-tuning the model
// on K corrected pages of a collection gives on its other pages (bench/seg/finetune.ts;
// `--write` records the held-out table between the file's finetune markers).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { matchLines } from '../main/layout/line-metrics.ts';
import { segmentPage } from '../main/layout/segment.ts';
import { synthPage } from './synth/page.ts';
import { pageSets } from './seg-tuning-sets.ts';
import { SEGMENTER_TRAINING_DEFAULTS } from '../shared/training-defaults.ts';
import { REAL_HEADER, realRow, scoreReal, type RealTotals, type Segmenter } from './seg/score-real.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '50' },
    'max-skew': { type: 'string', default: '2' },
    'real-pages': { type: 'string', default: '0' },
    'no-real': { type: 'boolean', default: false },
    'no-synthetic': { type: 'boolean', default: false },
    'no-classical': { type: 'boolean', default: false },
    // Post-processing options as JSON (e.g. '{"baselinePeak":0.8}'), for tuning on --dev pages.
    post: { type: 'string', default: '{}' },
    model: { type: 'string', default: 'resources/models/segmenter.qseg' },
    write: { type: 'boolean', default: false },
    // Tuning set: N pages per training collection that the training script does not use (never the held-out collections).
    dev: { type: 'string', default: '0' },
    'train-pages-per-collection': { type: 'string', default: '40' },
    // Tuning set by name: 'prose' (bench/seg-tuning-sets.ts: letters and manuscripts that no model trains on).
    tuning: { type: 'string' },
    // K-page fine-tuning (bench/seg/finetune.ts): K pages of each held-out collection (with
    // --tuning prose, of each prose tuning collection) fine-tune the bundled model, which then
    // scores the other pages beside it. '--finetune 0,3,10'.
    finetune: { type: 'string' },
    // Steps of fine-tuning; several ('25,50,100') score the run's model at each (one schedule over the largest).
    steps: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'score-pages': { type: 'string' },
    lr: { type: 'string' },
    crop: { type: 'string' },
  },
});
const DOC = 'docs/results/segmentation.md';
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function synthetic(pages: number): string {
  const totals = { truth: 0, found: 0, matched: 0, iouSum: 0, ms: 0, skewError: 0, worstSkew: 0 };
  for (let seed = 1000; seed < 1000 + pages; seed++) {
    const page = synthPage(seed, { maxSkew: Number(values['max-skew']) });
    const t0 = performance.now();
    const result = segmentPage(page.image);
    totals.ms += performance.now() - t0;
    const m = matchLines(
      result.lines.map((l) => l.polygon),
      page.lines.map((l) => l.polygon),
    );
    totals.truth += m.truth;
    totals.found += m.found;
    totals.matched += m.matched;
    totals.iouSum += m.iouSum;
    const skewError = Math.abs(result.skewDegrees - page.skewDegrees);
    totals.skewError += skewError;
    totals.worstSkew = Math.max(totals.worstSkew, skewError);
  }
  return table(
    ['measure', 'value'],
    [
      ['pages', String(pages)],
      ['true lines', String(totals.truth)],
      ['lines found', String(totals.found)],
      ['recall (IoU ≥ 0.5)', (totals.matched / totals.truth).toFixed(3)],
      ['precision (IoU ≥ 0.5)', (totals.matched / totals.found).toFixed(3)],
      ['mean IoU of matched lines', (totals.iouSum / totals.matched).toFixed(3)],
      ['mean / worst skew error', `${(totals.skewError / pages).toFixed(2)}° / ${totals.worstSkew.toFixed(2)}°`],
      ['time per page (1400 px wide)', `${(totals.ms / pages).toFixed(0)} ms`],
    ],
  );
}

const dev = Number(values.dev);
const tuning = dev > 0 || values.tuning !== undefined;

async function real(limit: number): Promise<string> {
  const segmenters: Record<string, Segmenter> = values['no-classical'] ? {} : { classical: async (img) => segmentPage(img).lines };
  if (existsSync(values.model)) {
    // Loaded only when a model is there, so the classical bench runs without TensorFlow.
    const { loadSegmenter } = await import('../main/layout/seg-model-file.ts');
    const { segmentWithModel } = await import('../main/layout/seg-infer.ts');
    const { initBackend } = await import('../main/ml/backend.ts');
    await initBackend();
    const model = loadSegmenter(values.model);
    segmenters.trained = async (img) => segmentWithModel(model, img, JSON.parse(values.post)).lines;
  }
  const rows: string[][] = [];
  const all: Record<string, RealTotals[]> = {};
  const sets = await pageSets({ tuning: values.tuning, dev, trainPages: Number(values['train-pages-per-collection']), limit });
  for (const { collection, entries } of sets) {
    const totals = await scoreReal(entries, segmenters, (i) => process.stderr.write(`\r${collection} ${i + 1}/${entries.length}`));
    process.stderr.write('\n');
    for (const [name, t] of Object.entries(totals)) {
      rows.push(realRow(`${name}, ${collection.split('+')[1]}`, t));
      (all[name] ??= []).push(t);
    }
  }
  for (const [name, list] of Object.entries(all)) {
    const sum = list.reduce(
      (a, t) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + t[k as keyof RealTotals]])) as unknown as RealTotals,
    );
    rows.push(realRow(`**${name}, all ${tuning ? 'tuning pages' : 'held-out'}**`, sum));
  }
  return table(REAL_HEADER, rows);
}

function replaceBlock(doc: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${name} -->\\n)[\\s\\S]*?(<!-- /${name} -->)`);
  if (!re.test(doc)) throw new Error(`${DOC} has no <!-- ${name} --> block`);
  return doc.replace(re, (_, open: string, close: string) => `${open}${body}\n${close}`);
}

const date = new Date().toISOString().slice(0, 10);
if (values.finetune !== undefined) {
  const { runFinetuneBench } = await import('./seg/finetune.ts');
  const t = await runFinetuneBench({
    ks: values.finetune.split(',').map(Number),
    steps: (values.steps ?? String(SEGMENTER_TRAINING_DEFAULTS.steps)).split(',').map(Number),
    seed: Number(values.seed),
    scorePages: values['score-pages'] ? Number(values['score-pages']) : undefined,
    learningRate: values.lr ? Number(values.lr) : undefined,
    crop: values.crop ? Number(values.crop) : undefined,
    model: values.model,
    post: JSON.parse(values.post),
    tuning: values.tuning,
  });
  console.log(table(t.header, t.rows));
  if (values.write && !tuning) {
    const command = `npm run bench:segmentation -- ${process.argv.slice(2).join(' ')}`;
    writeFileSync(
      DOC,
      replaceBlock(
        readFileSync(DOC, 'utf8'),
        'finetune',
        `Command: \`${command}\` (${date}, model ${values.model}).\n\n${table(t.header, t.rows)}`,
      ),
    );
  }
  process.exit(0);
}
let doc = values.write ? readFileSync(DOC, 'utf8') : '';
if (!values['no-synthetic']) {
  const t = synthetic(Number(values.pages));
  console.log(t);
  if (values.write)
    doc = replaceBlock(doc, 'synthetic', `Command: \`npm run bench:segmentation -- --pages ${values.pages} --write\` (${date}).\n\n${t}`);
}
if (!values['no-real']) {
  const t = await real(Number(values['real-pages']));
  console.log(t);
  if (values.write && !tuning)
    doc = replaceBlock(
      doc,
      'real',
      `Command: \`npm run bench:segmentation -- --write\` (${date}, model ${existsSync(values.model) ? values.model : 'none'}).\n\n${t}`,
    );
}
if (values.write) writeFileSync(DOC, doc);

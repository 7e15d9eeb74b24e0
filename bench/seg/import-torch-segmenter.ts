// Turns the weights written by bench/seg/torch_train_seg.py (.qw: a JSON header with the
// network config, page size, metrics and tensor manifest, then float32s in seg-net.ts's
// names and layouts) into a Quire .qseg, and checks the two engines agree before anything
// is saved:
//   --check logits.json   pages the PyTorch run read one at a time (pixels and logits):
//                         Quire's engine reads the same pixels as the app feeds a page, and
//                         the largest logit difference must stay under --tolerance.
// Score the result on the tuning pages with the segmentation bench (docs/results/segmentation.md):
//   npx tsx bench/seg/import-torch-segmenter.ts OUT/best.qw --check OUT/logits.json --out out/segmenter-gpu.qseg
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../../main/ml/backend.ts';
import { saveSegmenter } from '../../main/layout/seg-model-file.ts';
import { largestSegLogitDifference, readSegQw, type TorchSegLogits } from './torch-seg-weights.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    check: { type: 'string' },
    tolerance: { type: 'string', default: '1e-3' },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: import-torch-segmenter.ts FILE.qw [--check logits.json] [--out FILE.qseg]');

const backend = await initBackend();
const { net, header } = readSegQw(file);
console.log(`${file}: ${JSON.stringify(header.config)}, page size ${header.pageSize}; backend ${backend.name}`);

if (args.check) {
  const pages = JSON.parse(readFileSync(args.check, 'utf8')) as TorchSegLogits[];
  const worst = largestSegLogitDifference(net, pages);
  console.log(`parity: ${pages.length} pages, largest logit difference ${worst.toExponential(2)}`);
  if (!(worst <= Number(args.tolerance))) throw new Error(`the engines disagree: ${worst} > ${args.tolerance}`);
}
if (args.out) {
  // The curve stays in the run's log; the .qseg keeps the summary, as bench/train-segmenter.ts's do.
  const metrics = { ...header.metrics, curve: undefined, trainedWith: 'bench/seg/torch_train_seg.py', importedFrom: file };
  saveSegmenter(args.out, net, header.pageSize, JSON.parse(JSON.stringify(metrics)) as Record<string, unknown>);
  console.log(`saved ${args.out}`);
}

// Builds the bundled character language model (resources/models/base.qlm) from the
// transcriptions of the training collections' training lines (bench/real/sources.ts, role
// train; the held-out collections and CREMMA-AN-TestamentsDePoilus are never read). The
// model file carries the sources' credits, as the base recognizer does.
//
//   npx tsx bench/real/train-lm.ts [--order 6] [--min-count 2] [--out resources/models/base.qlm]
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { CharLm } from '../../main/ml/char-lm.ts';
import { loadCorpus } from './corpus.ts';
import { trainingCredits } from './sources.ts';

/** The language model of the training collections' training lines. */
export function trainRealLm(lines: string, order: number, minCount: number): CharLm {
  // The 48 px pack's index holds every line's text; the images are not read.
  const corpus = loadCorpus(lines, 48);
  const texts = corpus.train.map((l) => l.text);
  return CharLm.train(texts, order, {
    minCount,
    meta: { trainedOn: trainingCredits(), lines: texts.length, characters: texts.reduce((n, t) => n + t.length, 0), order, minCount },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: a } = parseArgs({
    options: {
      lines: { type: 'string', default: 'out/real-lines' },
      order: { type: 'string', default: '6' },
      'min-count': { type: 'string', default: '2' },
      out: { type: 'string', default: 'resources/models/base.qlm' },
    },
  });
  const lm = trainRealLm(a.lines!, Number(a.order), Number(a['min-count']));
  lm.save(a.out!);
  console.log(`${a.out}: ${JSON.stringify(lm.info)}, ${(statSync(a.out!).size / 1e6).toFixed(2)} MB`);
}

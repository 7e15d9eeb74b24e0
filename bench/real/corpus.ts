// The prepared real lines as the training scripts use them: the pack of one line height,
// a charset of the characters frequent enough in the training collections to be learned,
// and the lines grouped by role. Lines with a character outside the charset are left out
// of training (and counted); held-out lines are all kept, so their CER is honest.
import { existsSync } from 'node:fs';
import { Codec } from '../../main/ml/codec.ts';
import { resizeGray, type LineTensor } from '../../main/ml/line-image.ts';
import { LinePack, packFiles, type PackedLine } from './line-pack.ts';
import { checkoutName, REAL_SOURCES } from './sources.ts';

/** A character seen fewer times than this in training cannot be learned; its lines are dropped. */
export const MIN_CHAR_COUNT = 20;

export interface RealCorpus {
  pack: LinePack;
  codec: Codec;
  train: PackedLine[];
  validation: PackedLine[];
  /** Per held-out collection: the archivist's pool (labeled + unlabeled) and its test lines. */
  heldOut: Map<string, { pool: PackedLine[]; test: PackedLine[] }>;
  droppedForCharset: number;
}

export function loadCorpus(dir: string, height: number, minCharCount = MIN_CHAR_COUNT): RealCorpus {
  const pack = new LinePack(dir, height);
  const role = new Map(REAL_SOURCES.map((s) => [checkoutName(s), s.role]));
  const training = pack.lines((l) => role.get(l.source) === 'train');
  const counts = new Map<string, number>();
  for (const l of training) if (l.split === 'train') for (const ch of Array.from(l.text)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const codec = new Codec(
    [...counts]
      .filter(([, n]) => n >= minCharCount)
      .map(([ch]) => ch)
      .sort(),
  );
  const learnable = (l: PackedLine) => codec.missing(l.text).length === 0;
  const heldOut = new Map<string, { pool: PackedLine[]; test: PackedLine[] }>();
  for (const s of REAL_SOURCES.filter((s) => s.role === 'held-out')) {
    const lines = pack.lines((l) => l.source === checkoutName(s));
    if (lines.length)
      heldOut.set(checkoutName(s), { pool: lines.filter((l) => l.split === 'pool'), test: lines.filter((l) => l.split === 'test') });
  }
  return {
    pack,
    codec,
    heldOut,
    train: training.filter((l) => l.split === 'train' && learnable(l)),
    validation: training.filter((l) => l.split === 'validation' && learnable(l)),
    droppedForCharset: training.filter((l) => !learnable(l)).length,
  };
}

/** Every k-th line, so a fixed evaluation set spreads over all pages and collections. */
export function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]);
}

/**
 * The corpus at `height`: its own pack, or the pack twice as tall with every line halved
 * (so a 32 px network reads the 64 px pack). `image` gives a line at `height` either way.
 */
export function corpusAt(dir: string, height: number): RealCorpus & { image: (l: PackedLine) => LineTensor } {
  if (existsSync(packFiles(dir, height).index)) {
    const corpus = loadCorpus(dir, height);
    return { ...corpus, image: (l) => corpus.pack.image(l) };
  }
  const corpus = loadCorpus(dir, height * 2);
  return {
    ...corpus,
    image: (l) => {
      const t = corpus.pack.image(l);
      const width = Math.max(1, Math.round(t.width / 2));
      return {
        width,
        height,
        data: resizeGray({ width: t.width, height: t.height, data: t.data as unknown as Uint8Array }, width, height),
      };
    },
  };
}

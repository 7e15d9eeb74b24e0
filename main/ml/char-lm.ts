// A character n-gram language model for decoding (PyLaia and Transkribus decode with one;
// kraken does not). With a hundred labeled lines the recognizer still confuses letters
// that look alike in a hand (n/u, e/c, a/o); which spelling the language makes likely
// decides many of them.
//
// Smoothing is interpolated Witten-Bell (Witten & Bell 1991; Chen & Goodman 1998, §2.6):
//   P(c | h) = (C(h c) + T(h) · P(c | h')) / (C(h) + T(h)),
// where h' is h without its first character, C(h) the count of h followed by anything and
// T(h) the number of distinct characters seen after h. The recursion ends in a uniform
// distribution over the vocabulary plus one slot for characters never seen, so every
// character a recognizer can emit has a probability and every context's distribution sums
// to one. Witten-Bell needs no discount to tune and behaves well with characters, where
// even high orders have dense counts.
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic.ts';

/** Pads the start of a line, so the first characters have a context of their own. */
export const LINE_START = '\u0002';
/** The end of a line, predicted like a character so that endings are scored too. */
export const LINE_END = '\u0003';

const FORMAT = 'quire-char-lm';
const VERSION = 1;

interface ContextCounts {
  /** C(h): how often the context was followed by a kept character. */
  total: number;
  counts: Map<string, number>;
}

export interface CharLmInfo {
  order: number;
  /** Characters seen in training (LINE_END included). */
  vocabulary: number;
  contexts: number;
  ngrams: number;
  /** Free-form provenance (sources, texts counted), written into the file. */
  meta: Record<string, unknown>;
}

export interface CharLmTrainOptions {
  /** N-grams of three characters or more seen fewer times than this are dropped (size). */
  minCount?: number;
  meta?: Record<string, unknown>;
}

export class CharLm {
  private readonly cache = new Map<string, number>();

  private constructor(
    readonly order: number,
    private readonly vocabulary: Set<string>,
    private readonly table: Map<string, ContextCounts>,
    readonly meta: Record<string, unknown>,
  ) {}

  /** Counts every n-gram up to `order` characters of `texts` (one line each). */
  static train(texts: Iterable<string>, order: number, o: CharLmTrainOptions = {}): CharLm {
    if (!Number.isInteger(order) || order < 1) throw new Error(`char LM: order must be a positive integer, not ${order}`);
    const raw = new Map<string, Map<string, number>>();
    const vocabulary = new Set<string>([LINE_END]);
    for (const text of texts) {
      const chars = [...Array(order - 1).fill(LINE_START), ...Array.from(text.normalize('NFC')), LINE_END];
      for (let i = order - 1; i < chars.length; i++) {
        const ch = chars[i];
        vocabulary.add(ch);
        for (let k = 0; k < order; k++) {
          const context = chars.slice(i - k, i).join('');
          let m = raw.get(context);
          if (!m) raw.set(context, (m = new Map()));
          m.set(ch, (m.get(ch) ?? 0) + 1);
        }
      }
    }
    const minCount = o.minCount ?? 1;
    const table = new Map<string, ContextCounts>();
    for (const [context, m] of raw) {
      // Unigrams and bigrams are always kept: they are few and carry the back-off mass.
      const keep = Array.from(context).length < 2 || minCount <= 1 ? m : new Map([...m].filter(([, n]) => n >= minCount));
      if (keep.size === 0) continue;
      table.set(context, { total: [...keep.values()].reduce((a, b) => a + b, 0), counts: keep });
    }
    return new CharLm(order, vocabulary, table, o.meta ?? {});
  }

  get info(): CharLmInfo {
    let ngrams = 0;
    for (const c of this.table.values()) ngrams += c.counts.size;
    return { order: this.order, vocabulary: this.vocabulary.size, contexts: this.table.size, ngrams, meta: this.meta };
  }

  /**
   * Natural log of P(ch | the text before it on the line). `before` is the line so far (any
   * length; only its last order-1 characters matter); `ch` is one character or LINE_END.
   */
  logProb(before: string, ch: string): number {
    const need = this.order - 1;
    const chars = Array.from(before);
    const tail = need === 0 ? [] : chars.slice(Math.max(0, chars.length - need));
    const context = [...Array<string>(need - tail.length).fill(LINE_START), ...tail];
    const key = `${context.join('')}\u0000${ch}`;
    let v = this.cache.get(key);
    if (v === undefined) {
      v = Math.log(this.prob(context, ch));
      if (this.cache.size > 1_000_000) this.cache.clear();
      this.cache.set(key, v);
    }
    return v;
  }

  private prob(context: string[], ch: string): number {
    let p = 1 / (this.vocabulary.size + 1);
    for (let k = 0; k <= context.length; k++) {
      const counts = this.table.get(context.slice(context.length - k).join(''));
      // A context never seen (or pruned) has no longer context either: stop here.
      if (!counts) break;
      const types = counts.counts.size;
      p = ((counts.counts.get(ch) ?? 0) + types * p) / (counts.total + types);
    }
    return p;
  }

  /** Natural log-probability of a whole line, its end included. */
  lineLogProb(text: string): number {
    const chars = Array.from(text.normalize('NFC'));
    let sum = 0;
    for (let i = 0; i <= chars.length; i++) sum += this.logProb(chars.slice(0, i).join(''), i < chars.length ? chars[i] : LINE_END);
    return sum;
  }

  /** The model as bytes (gzip'd JSON; counts, not probabilities, so it can be merged later). */
  toBytes(): Uint8Array {
    const contexts = [...this.table].map(([context, c]) => [context, [...c.counts.keys()].join(''), [...c.counts.values()]]);
    const json = {
      format: FORMAT,
      version: VERSION,
      order: this.order,
      vocabulary: [...this.vocabulary].join(''),
      meta: this.meta,
      contexts,
    };
    return gzipSync(JSON.stringify(json), { level: 9 });
  }

  save(path: string): void {
    writeFileAtomic(path, this.toBytes());
  }

  static fromBytes(bytes: Uint8Array, name = 'language model'): CharLm {
    let json: unknown;
    try {
      json = JSON.parse(gunzipSync(bytes).toString('utf8'));
    } catch (e) {
      throw new Error(`${name}: not a Quire language model (${(e as Error).message})`);
    }
    const j = json as { format?: unknown; version?: unknown; order?: unknown; vocabulary?: unknown; meta?: unknown; contexts?: unknown };
    if (j.format !== FORMAT) throw new Error(`${name}: not a Quire language model (format ${JSON.stringify(j.format)})`);
    if (j.version !== VERSION)
      throw new Error(`${name}: language model version ${String(j.version)} is not supported (this Quire reads ${VERSION})`);
    if (
      typeof j.order !== 'number' ||
      !Number.isInteger(j.order) ||
      j.order < 1 ||
      typeof j.vocabulary !== 'string' ||
      !Array.isArray(j.contexts)
    )
      throw new Error(`${name}: malformed language model header`);
    const table = new Map<string, ContextCounts>();
    for (const entry of j.contexts as unknown[]) {
      const [context, chars, counts] = entry as [unknown, unknown, unknown];
      const list = typeof chars === 'string' ? Array.from(chars) : [];
      if (
        typeof context !== 'string' ||
        !Array.isArray(counts) ||
        list.length !== counts.length ||
        counts.some((n) => !Number.isInteger(n) || n < 1)
      )
        throw new Error(`${name}: malformed context ${JSON.stringify(context)}`);
      const m = new Map(list.map((ch, i) => [ch, counts[i] as number]));
      table.set(context, { total: (counts as number[]).reduce((a, b) => a + b, 0), counts: m });
    }
    return new CharLm(j.order, new Set(Array.from(j.vocabulary)), table, (j.meta as Record<string, unknown>) ?? {});
  }

  static load(path: string): CharLm {
    return CharLm.fromBytes(readFileSync(path), path);
  }
}

/**
 * A project's own language mixed into a general one: P = λ·P_project + (1-λ)·P_general.
 * A hundred transcribed lines are too few for an n-gram model on their own, but they carry
 * the collection's names, places and formulas that the general model has never seen.
 */
export class MixedLm {
  readonly order: number;

  constructor(
    private readonly general: CharLm,
    private readonly project: CharLm,
    private readonly lambda: number,
  ) {
    if (!(lambda >= 0 && lambda <= 1)) throw new Error(`mixed language model: λ must lie in [0, 1], not ${lambda}`);
    this.order = Math.max(general.order, project.order);
  }

  logProb(before: string, ch: string): number {
    if (this.lambda === 0) return this.general.logProb(before, ch);
    return Math.log(
      this.lambda * Math.exp(this.project.logProb(before, ch)) + (1 - this.lambda) * Math.exp(this.general.logProb(before, ch)),
    );
  }
}

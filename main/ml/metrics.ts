// Character and word error rates by Levenshtein distance on NFC-normalised text, with the
// alignment kept so that confusions (what was read instead of what) can be counted, as in
// kraken's `ketos test` report.

export interface EditOp {
  /** Reference token, '' for an insertion. */
  ref: string;
  /** Hypothesis token, '' for a deletion. */
  hyp: string;
}

/** Minimal edit script between two token sequences (substitutions, insertions, deletions). */
export function alignTokens(ref: string[], hyp: string[]): { distance: number; errors: EditOp[] } {
  const n = ref.length;
  const m = hyp.length;
  const d = new Int32Array((n + 1) * (m + 1));
  const w = m + 1;
  for (let i = 0; i <= n; i++) d[i * w] = i;
  for (let j = 0; j <= m; j++) d[j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const sub = d[(i - 1) * w + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      d[i * w + j] = Math.min(sub, d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1);
    }
  }
  const errors: EditOp[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[i * w + j] === d[(i - 1) * w + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      if (ref[i - 1] !== hyp[j - 1]) errors.push({ ref: ref[i - 1], hyp: hyp[j - 1] });
      i--;
      j--;
    } else if (i > 0 && d[i * w + j] === d[(i - 1) * w + j] + 1) {
      errors.push({ ref: ref[i - 1], hyp: '' });
      i--;
    } else {
      errors.push({ ref: '', hyp: hyp[j - 1] });
      j--;
    }
  }
  return { distance: d[n * w + m], errors: errors.reverse() };
}

export const chars = (s: string): string[] => Array.from(s.normalize('NFC'));
export const words = (s: string): string[] => s.normalize('NFC').split(/\s+/u).filter(Boolean);

export interface ErrorReport {
  cer: number;
  wer: number;
  charErrors: number;
  chars: number;
  wordErrors: number;
  words: number;
  /** Most frequent confusions, "ref→hyp" with counts, most frequent first. */
  confusions: Array<{ ref: string; hyp: string; count: number }>;
}

/**
 * What an ErrorCounter has counted, every confusion included (in the order first met): a
 * part of an evaluation shared out to several processes answers these, and the sums of
 * the parts, merged in order, are the counts of the whole.
 */
export interface ErrorCounts {
  charErrors: number;
  chars: number;
  wordErrors: number;
  words: number;
  confusions: Array<{ ref: string; hyp: string; count: number }>;
}

/** Accumulates edit distances over many lines; rates are totals, not means of lines. */
export class ErrorCounter {
  private charErrors = 0;
  private charCount = 0;
  private wordErrors = 0;
  private wordCount = 0;
  private confusion = new Map<string, { ref: string; hyp: string; count: number }>();

  add(reference: string, hypothesis: string): void {
    const rc = chars(reference);
    const c = alignTokens(rc, chars(hypothesis));
    this.charErrors += c.distance;
    this.charCount += rc.length;
    for (const e of c.errors) this.confuse(e.ref, e.hyp, 1);
    const rw = words(reference);
    this.wordErrors += alignTokens(rw, words(hypothesis)).distance;
    this.wordCount += rw.length;
  }

  counts(): ErrorCounts {
    return {
      charErrors: this.charErrors,
      chars: this.charCount,
      wordErrors: this.wordErrors,
      words: this.wordCount,
      confusions: [...this.confusion.values()].map((c) => ({ ...c })),
    };
  }

  /** Adds another counter's counts, as if its lines had been added here after these. */
  merge(counts: ErrorCounts): void {
    this.charErrors += counts.charErrors;
    this.charCount += counts.chars;
    this.wordErrors += counts.wordErrors;
    this.wordCount += counts.words;
    for (const c of counts.confusions) this.confuse(c.ref, c.hyp, c.count);
  }

  private confuse(ref: string, hyp: string, count: number): void {
    const key = `${ref}\u0000${hyp}`;
    const entry = this.confusion.get(key) ?? { ref, hyp, count: 0 };
    entry.count += count;
    this.confusion.set(key, entry);
  }

  report(topConfusions = 10): ErrorReport {
    return {
      cer: this.charErrors / Math.max(1, this.charCount),
      wer: this.wordErrors / Math.max(1, this.wordCount),
      charErrors: this.charErrors,
      chars: this.charCount,
      wordErrors: this.wordErrors,
      words: this.wordCount,
      confusions: [...this.confusion.values()].sort((a, b) => b.count - a.count).slice(0, topConfusions),
    };
  }
}

export function cer(reference: string, hypothesis: string): number {
  const rc = chars(reference);
  return alignTokens(rc, chars(hypothesis)).distance / Math.max(1, rc.length);
}

export function wer(reference: string, hypothesis: string): number {
  const rw = words(reference);
  return alignTokens(rw, words(hypothesis)).distance / Math.max(1, rw.length);
}

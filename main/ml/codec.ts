// Maps text to CTC label indices and back. Index 0 is the blank; characters are Unicode
// code points after NFC normalisation, so "é" typed either way is one class.

export class Codec {
  readonly chars: string[];
  private readonly index: Map<string, number>;

  constructor(chars: Iterable<string>) {
    this.chars = [...new Set(chars)].map((c) => c.normalize('NFC'));
    if (this.chars.some((c) => Array.from(c).length !== 1)) throw new Error('codec: every entry must be one code point');
    this.index = new Map(this.chars.map((c, i) => [c, i + 1]));
  }

  /** Builds the charset of a corpus, sorted so that the same texts give the same codec. */
  static fromTexts(texts: Iterable<string>): Codec {
    const set = new Set<string>();
    for (const t of texts) for (const ch of Array.from(t.normalize('NFC'))) set.add(ch);
    return new Codec([...set].sort());
  }

  /** Number of output classes including the blank. */
  get classes(): number {
    return this.chars.length + 1;
  }

  has(ch: string): boolean {
    return this.index.has(ch);
  }

  /** Characters of `text` that this codec cannot represent. */
  missing(text: string): string[] {
    return [...new Set(Array.from(text.normalize('NFC')).filter((ch) => !this.index.has(ch)))];
  }

  encode(text: string): number[] {
    return Array.from(text.normalize('NFC'), (ch) => {
      const i = this.index.get(ch);
      if (i === undefined)
        throw new Error(
          `codec: character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in the charset`,
        );
      return i;
    });
  }

  decode(labels: number[]): string {
    return labels.map((l) => this.chars[l - 1] ?? '').join('');
  }

  /** A codec with this one's classes first and the new characters appended. */
  extendedWith(chars: Iterable<string>): Codec {
    return new Codec([...this.chars, ...[...chars].filter((c) => !this.index.has(c.normalize('NFC')))]);
  }
}

// Prepared training lines on disk: per line height, one file of 8-bit pixels (ink 255,
// paper 0, already scaled to the height) and a JSON index. Lines are read on demand by
// offset, so a corpus of tens of thousands of real lines never has to fit in memory.
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../../main/fs/atomic.ts';
import { join } from 'node:path';
import type { Sample } from '../../main/ml/data.ts';
import type { LineTensor } from '../../main/ml/line-image.ts';

export type PackSplit = 'train' | 'validation' | 'pool' | 'test';

export interface PackedLine {
  /** Checkout name of the source (owner+repo). */
  source: string;
  /** XML file, relative to the checkout. */
  page: string;
  lineId: string;
  split: PackSplit;
  text: string;
  width: number;
  /** Byte offset of the pixels in the pack's .bin file. */
  offset: number;
}

export interface PackIndex {
  height: number;
  lines: PackedLine[];
}

export const packFiles = (dir: string, height: number) => ({
  bin: join(dir, `lines-h${height}.bin`),
  index: join(dir, `lines-h${height}.json`),
});

const toBytes = (t: LineTensor): Uint8Array => Uint8Array.from(t.data, (v) => Math.round(v * 255));

export class LinePack {
  readonly index: PackIndex;
  private readonly fd: number;

  constructor(
    readonly dir: string,
    height: number,
  ) {
    const files = packFiles(dir, height);
    this.index = JSON.parse(readFileSync(files.index, 'utf8')) as PackIndex;
    this.fd = openSync(files.bin, 'r');
  }

  lines(filter: (l: PackedLine) => boolean): PackedLine[] {
    return this.index.lines.filter(filter);
  }

  image(line: PackedLine): LineTensor {
    const { height } = this.index;
    const bytes = Buffer.alloc(line.width * height);
    readSync(this.fd, bytes, 0, bytes.length, line.offset);
    const data = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) data[i] = bytes[i] / 255;
    return { width: line.width, height, data };
  }

  sample(line: PackedLine): Sample {
    return { image: this.image(line), text: line.text };
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Appends lines to the pack of one height; `finish` renames the pixel file into place and
 * writes the index last, so a pack with an index is always whole.
 */
export class PackWriter {
  private readonly files: ReturnType<typeof packFiles>;
  private readonly fd: number;
  private readonly lines: PackedLine[] = [];
  private offset = 0;

  constructor(
    dir: string,
    readonly height: number,
  ) {
    this.files = packFiles(dir, height);
    this.fd = openSync(this.files.bin + '.tmp', 'w');
  }

  add(line: Omit<PackedLine, 'width' | 'offset'>, image: LineTensor): void {
    if (image.height !== this.height) throw new Error(`a ${image.height} px line in the ${this.height} px pack`);
    const bytes = toBytes(image);
    writeSync(this.fd, bytes);
    this.lines.push({ ...line, width: image.width, offset: this.offset });
    this.offset += bytes.length;
  }

  finish(): void {
    closeSync(this.fd);
    // The old index goes first: between the renames no index points into the new pixels.
    rmSync(this.files.index, { force: true });
    renameSync(this.files.bin + '.tmp', this.files.bin);
    writeFileAtomic(this.files.index, Buffer.from(JSON.stringify({ height: this.height, lines: this.lines } satisfies PackIndex)));
  }
}

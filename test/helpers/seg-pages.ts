// Tiny generated pages for segmenter training tests: dark bars of "writing" with their true
// lines as targets.
import type { Point } from '../../main/io/layout.ts';
import { segTargets } from '../../main/layout/seg-targets.ts';
import { Rng } from '../../main/ml/random.ts';
import type { SegSample } from '../../main/ml/seg-train.ts';
import type { SegMaps } from '../../main/layout/seg-post.ts';

/** A 48×48 page with dark bars of "writing" and their true lines. */
export function tinyPage(seed: number): SegSample {
  const rng = new Rng(seed);
  const width = 48;
  const height = 48;
  const image = new Uint8Array(width * height).fill(220);
  const lines = [];
  for (let y = 8 + rng.int(0, 3); y + 4 < height; y += 10) {
    const x0 = rng.int(2, 10);
    const x1 = rng.int(30, 46);
    for (let yy = y - 3; yy < y; yy++) for (let x = x0; x < x1; x++) if (rng.next() < 0.7) image[yy * width + x] = 40;
    lines.push({
      polygon: [
        [x0, y - 4],
        [x1, y - 4],
        [x1, y + 1],
        [x0, y + 1],
      ] as Point[],
      baseline: [
        [x0, y],
        [x1, y],
      ] as Point[],
      region: 'main' as const,
    });
  }
  return { width, height, image, targets: segTargets(width, height, lines, []) };
}

/** Empty segmenter maps of `width` × `height`; the whole page main text unless `main` is 0. */
export function blankMaps(width: number, height: number, main = 1): SegMaps {
  return {
    width,
    height,
    baseline: new Float32Array(width * height),
    line: new Float32Array(width * height),
    main: new Float32Array(width * height).fill(main),
    margin: new Float32Array(width * height),
  };
}

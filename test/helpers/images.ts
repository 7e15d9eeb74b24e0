// Small images made on the fly for import tests.
import sharp from 'sharp';

export const solid = (width: number, height: number, color = '#c8b89a') =>
  sharp({ create: { width, height, channels: 3, background: color } });

export const png = (w = 60, h = 40, color?: string) => solid(w, h, color).png().toBuffer();
export const jpeg = (w = 60, h = 40, color?: string) => solid(w, h, color).jpeg().toBuffer();

export async function multiPageTiff(pages: number): Promise<Buffer> {
  const frames = await Promise.all(Array.from({ length: pages }, (_, i) => png(50, 30, ['#f00', '#0f0', '#00f'][i % 3])));
  return sharp(frames, { join: { animated: true } })
    .tiff()
    .toBuffer();
}

export const png16 = (w = 50, h = 30) =>
  sharp(new Uint16Array(w * h).fill(40000), { raw: { width: w, height: h, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toBuffer();

export const cmykJpeg = () => solid(50, 30, '#3366aa').toColourspace('cmyk').jpeg().toBuffer();

/** A 60×40 image stored sideways with EXIF orientation 6 (display rotated 90°). */
export const rotatedJpeg = () => solid(60, 40).jpeg().withMetadata({ orientation: 6 }).toBuffer();

/** A generated manuscript page (bench/synth/page.ts) written as a PNG file; returns the page with its true lines. */
export async function writeSynthPage(seed: number, file: string, options?: import('../../bench/synth/page.ts').SynthPageOptions) {
  const { synthPage } = await import('../../bench/synth/page.ts');
  const page = synthPage(seed, options);
  await sharp(Buffer.from(page.image.data), { raw: { width: page.image.width, height: page.image.height, channels: 1 } })
    .png()
    .toFile(file);
  return page;
}

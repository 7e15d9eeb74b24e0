// What the end-to-end tests read off the annotation screen: where a page point is on the
// canvas (PageCanvas publishes its view transform), the pixels of the line image beside
// the text field, and handing the keyboard from the text field to the line tools.
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { lineImagePng } from '../../main/project/line-images.ts';
import type { Project } from '../../main/project/project.ts';

export interface Pixels {
  width: number;
  height: number;
  gray: number[];
}

/** Screen position of page point (x, y) as the canvas shows it now. */
export async function pagePoint(page: Page): Promise<(x: number, y: number) => [number, number]> {
  const v = await canvasView(page);
  return (x, y) => [v.box.x + v.x + x * v.scale, v.box.y + v.y + y * v.scale];
}

/** The line image as shown (once loaded): its size and first channel, read back through a canvas. */
export async function shownCrop(page: Page): Promise<Pixels> {
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=line-image]');
    return !!img && img.complete && img.naturalWidth > 0;
  });
  return page.evaluate(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=line-image]')!;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    return {
      width: canvas.width,
      height: canvas.height,
      gray: Array.from({ length: canvas.width * canvas.height }, (_, i) => rgba[i * 4]),
    };
  });
}

/** The server's crop of a line now. */
export async function serverCrop(project: Project, lineId: number): Promise<Pixels> {
  const { data, info } = await sharp(await lineImagePng(project, lineId))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, gray: Array.from(data) };
}

/** After an edit the text field takes the keyboard again (a moment later); Esc hands it to the line tools. */
export async function handKeysToLineTools(page: Page): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'line-text');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') !== 'line-text');
}

export interface CanvasView {
  box: { x: number; y: number; width: number; height: number };
  scale: number;
  x: number;
  y: number;
  level?: string;
  imageWidth?: number;
}

/** The canvas element's place on screen (the part inside the window) and its published view (and which copy of the scan it draws). */
export async function canvasView(page: Page): Promise<CanvasView> {
  const canvas = page.getByTestId('page-canvas');
  const box = (await canvas.boundingBox())!;
  const view = await canvas.evaluate((el) => ({
    scale: Number(el.dataset.scale),
    x: Number(el.dataset.x),
    y: Number(el.dataset.y),
    level: el.dataset.imageLevel,
    imageWidth: Number(el.dataset.imageWidth),
  }));
  // Only the part inside the window is seen.
  const visible = { ...box, height: Math.min(box.height, page.viewportSize()!.height - box.y) };
  return { box: visible, ...view };
}

/** Where a page box is within the canvas (canvas pixels), and whether it is on screen whole. */
export function onCanvas(view: CanvasView, b: { x: number; y: number; w: number; h: number }) {
  const r = { x: view.x + b.x * view.scale, y: view.y + b.y * view.scale, w: b.w * view.scale, h: b.h * view.scale };
  return { ...r, whole: r.x >= -1 && r.y >= -1 && r.x + r.w <= view.box.width + 1 && r.y + r.h <= view.box.height + 1 };
}

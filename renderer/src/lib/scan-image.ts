// The page scan behind the line shapes, sharp at every zoom: the copy the view needs
// (shared/image-levels.ts: chosen from the page's width on screen times the device pixel
// ratio) is fetched when first needed; until it arrives the best copy already loaded is
// drawn. Copies are drawn with high-quality smoothing, so a copy shown smaller than its
// size does not shimmer.
import Konva from 'konva';
import type { PageSummary } from '../../../shared/api.ts';
import { chooseLevel, levelWidth, type ScanLevel } from '../../../shared/image-levels.ts';
import { imageUrl } from './transport.ts';

export class ScanImage {
  readonly node: Konva.Shape;
  private readonly loaded = new Map<ScanLevel, HTMLImageElement>();
  private readonly asked = new Set<ScanLevel>();
  private deviceWidth = 0;
  /** A CSS filter drawn with the scan (contrast, brightness, invert). */
  filter = 'none';
  /** `drawn` hears which copy was drawn (the canvas publishes it for tests). */
  constructor(
    private readonly page: PageSummary,
    private readonly redraw: () => void,
    private readonly drawn: (level: ScanLevel, width: number) => void,
  ) {
    this.node = new Konva.Shape({
      width: page.width,
      height: page.height,
      listening: false,
      sceneFunc: (context) => {
        const level = this.best();
        if (!level) return;
        const img = this.loaded.get(level)!;
        const ctx = context._context;
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        ctx.filter = this.filter;
        ctx.drawImage(img, 0, 0, this.page.width, this.page.height);
        this.drawn(level, img.naturalWidth);
      },
    });
  }

  /** The view now shows the page `screenWidth` CSS pixels wide: fetch the copy that is sharp there. */
  show(screenWidth: number): void {
    this.deviceWidth = screenWidth * (window.devicePixelRatio || 1);
    const level = chooseLevel(this.page, this.deviceWidth);
    if (this.asked.has(level)) return;
    this.asked.add(level);
    const img = new Image();
    img.onload = () => {
      this.loaded.set(level, img);
      this.redraw();
    };
    img.src = imageUrl(this.page.image, level);
  }

  /** The smallest loaded copy wide enough for the view, else the widest loaded. */
  private best(): ScanLevel | null {
    const levels = [...this.loaded.keys()].sort((a, b) => levelWidth(this.page, a) - levelWidth(this.page, b));
    return levels.find((l) => levelWidth(this.page, l) >= this.deviceWidth) ?? levels.at(-1) ?? null;
  }
}

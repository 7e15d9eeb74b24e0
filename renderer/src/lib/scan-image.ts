// The page scan behind the line shapes, sharp at every zoom: the copy the view needs
// (shared/image-levels.ts: chosen from the page's width on screen times the device pixel
// ratio) is fetched when first needed; until it arrives the best copy already loaded is
// drawn. Copies are drawn with high-quality smoothing, so a copy shown smaller than its
// size does not shimmer. A copy that fails to load (the server busy, a dropped connection)
// is asked for again a few times; when none can be had, the canvas is told so (it offers
// to try again) instead of showing the lines on an empty page without a word.
import Konva from 'konva';
import type { PageSummary } from '../../../shared/api.ts';
import { chooseLevel, levelWidth, type ScanLevel } from '../../../shared/image-levels.ts';
import { imageUrl } from './transport.ts';

export class ScanImage {
  readonly node: Konva.Shape;
  private readonly loaded = new Map<ScanLevel, HTMLImageElement>();
  private readonly asked = new Set<ScanLevel>();
  private readonly failures = new Map<ScanLevel, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private deviceWidth = 0;
  private disposed = false;
  /** A CSS filter drawn with the scan (contrast, brightness, invert). */
  filter = 'none';
  /** `drawn` hears which copy was drawn (the canvas publishes it for tests). */
  constructor(
    private readonly page: PageSummary,
    private readonly redraw: () => void,
    private readonly drawn: (level: ScanLevel, width: number) => void,
    /** No copy of the scan could be loaded after the retries; null once one has been. */
    private readonly failed: (message: string | null) => void = () => {},
    /** Waits before the next try of a copy that failed, by the number of failures so far. */
    private readonly retryDelay: (failures: number) => number = (n) => 500 * 2 ** (n - 1),
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
    this.fetch(chooseLevel(this.page, this.deviceWidth));
  }

  /** After a reported failure: every copy is tried again from the start. */
  retry(): void {
    this.failures.clear();
    this.failed(null);
    this.fetch(chooseLevel(this.page, this.deviceWidth));
  }

  /** The page was left: no more tries. */
  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private fetch(level: ScanLevel): void {
    if (this.asked.has(level) || this.disposed) return;
    this.asked.add(level);
    const img = new Image();
    img.onload = () => {
      if (this.disposed) return;
      this.loaded.set(level, img);
      this.failures.delete(level);
      this.failed(null);
      this.redraw();
    };
    img.onerror = () => {
      if (this.disposed) return;
      this.asked.delete(level);
      const n = (this.failures.get(level) ?? 0) + 1;
      this.failures.set(level, n);
      if (n <= ScanImage.RETRIES) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.fetch(level);
        }, this.retryDelay(n));
        this.timers.add(t);
      } else if (this.loaded.size === 0) this.failed(`The scan could not be loaded (tried ${n} times).`);
    };
    img.src = imageUrl(this.page.image, level);
  }

  static readonly RETRIES = 3;

  /** The smallest loaded copy wide enough for the view, else the widest loaded. */
  private best(): ScanLevel | null {
    const levels = [...this.loaded.keys()].sort((a, b) => levelWidth(this.page, a) - levelWidth(this.page, b));
    return levels.find((l) => levelWidth(this.page, l) >= this.deviceWidth) ?? levels.at(-1) ?? null;
  }
}

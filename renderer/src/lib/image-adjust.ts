// Contrast, brightness and inversion for faded ink, applied alike to the page scan and the
// line image beside the text (a CSS filter), and remembered on this computer.

export interface ImageAdjust {
  contrast: number;
  brightness: number;
  invert: boolean;
}

export const NO_ADJUST: ImageAdjust = { contrast: 1, brightness: 1, invert: false };
const KEY = 'quire.imageAdjust';

/** The CSS (and canvas) filter for an adjustment; 'none' when there is none. */
export function cssFilter(a: ImageAdjust): string {
  const parts = [
    a.contrast !== 1 ? `contrast(${a.contrast})` : '',
    a.brightness !== 1 ? `brightness(${a.brightness})` : '',
    a.invert ? 'invert(1)' : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : 'none';
}

export function loadAdjust(storage: Pick<Storage, 'getItem'>): ImageAdjust {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<ImageAdjust> | null;
    const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 5 ? v : fallback);
    return saved
      ? { contrast: num(saved.contrast, 1), brightness: num(saved.brightness, 1), invert: saved.invert === true }
      : { ...NO_ADJUST };
  } catch {
    return { ...NO_ADJUST };
  }
}

export const saveAdjust = (storage: Pick<Storage, 'setItem'>, a: ImageAdjust) => storage.setItem(KEY, JSON.stringify(a));

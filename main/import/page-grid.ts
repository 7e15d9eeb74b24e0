// Maps a PAGE/ALTO file's coordinates onto the page image as Quire stores it (EXIF
// orientation applied). Tools disagree about which pixel grid they describe for a JPEG
// with an EXIF orientation: some (Transkribus, browsers) use the displayed, rotated grid,
// others (kraken, tools reading the raw pixels) the stored one. The XML's declared size
// tells which: coordinates are then turned exactly as the pixels were, so each line stays
// on its ink. Only a size that matches neither grid is scaled, with a warning.
import type { Point } from '../io/layout.ts';

export interface Grid {
  /** Size the XML declares. */
  declared: { width: number; height: number };
  /** Size of the pixels as stored in the file, before orientation. */
  stored: { width: number; height: number };
  /** Size after orientation (what Quire stores and shows). */
  shown: { width: number; height: number };
  orientation: number;
}

export interface GridMapping {
  map: (p: Point) => Point;
  /** Why coordinates were changed, for the import report; null when they were used as written. */
  note: string | null;
}

/** Point in the stored grid → point in the shown grid, for EXIF orientation o (W×H stored). */
export function orient(o: number, W: number, H: number): (p: Point) => Point {
  switch (o) {
    case 2:
      return ([x, y]) => [W - x, y];
    case 3:
      return ([x, y]) => [W - x, H - y];
    case 4:
      return ([x, y]) => [x, H - y];
    case 5:
      return ([x, y]) => [y, x];
    case 6:
      return ([x, y]) => [H - y, x];
    case 7:
      return ([x, y]) => [H - y, W - x];
    case 8:
      return ([x, y]) => [y, W - x];
    default:
      return (p) => p;
  }
}

const same = (a: { width: number; height: number }, b: { width: number; height: number }) =>
  Math.abs(a.width - b.width) < 0.5 && Math.abs(a.height - b.height) < 0.5;

export function gridMapping(g: Grid, imageName: string): GridMapping {
  const { declared, stored, shown } = g;
  if (same(declared, shown)) return { map: (p) => p, note: null };
  if (g.orientation > 1 && same(declared, stored)) {
    return {
      map: orient(g.orientation, stored.width, stored.height),
      note: `the XML describes ${imageName} as stored (${stored.width}×${stored.height}, before its EXIF orientation ${g.orientation}); coordinates were turned with the image`,
    };
  }
  // A differently sized copy of the image (e.g. a downscaled export): scale, in the grid whose aspect is closer.
  const ratio = (s: { width: number; height: number }) => Math.abs(Math.log(declared.width / declared.height / (s.width / s.height)));
  const viaStored = g.orientation > 1 && ratio(stored) < ratio(shown);
  const base = viaStored ? stored : shown;
  const sx = base.width / declared.width;
  const sy = base.height / declared.height;
  const turn = viaStored ? orient(g.orientation, stored.width, stored.height) : (p: Point) => p;
  return {
    map: ([x, y]) => turn([x * sx, y * sy]),
    note: `the XML describes a ${declared.width}×${declared.height} image but ${imageName} is ${base.width}×${base.height}${viaStored ? ` as stored (EXIF orientation ${g.orientation})` : ''}; coordinates were scaled`,
  };
}

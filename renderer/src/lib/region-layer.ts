// Draws a page's text regions on their own Konva layer under the lines: each region's
// outline, dashed, in its type's colour, with a label (reading position and type); an
// excluded region is greyed. Clicking a region's outline, inside or label selects it. The
// drawn regions and their labels are published on the canvas element for end-to-end tests.
import Konva from 'konva';
import type { RegionView } from '../../../shared/api.ts';
import { REGION_TYPE_LABELS, type RegionType } from '../../../shared/region-types.ts';

const COLOURS: Partial<Record<RegionType, string>> = {
  paragraph: '#16a085',
  marginalia: '#c0392b',
  header: '#8e44ad',
  heading: '#8e44ad',
  'page-number': '#d35400',
  footnote: '#2c3e50',
};
const colourOf = (type: RegionType) => COLOURS[type] ?? '#7f8c8d';
/** Screen pixels: a 12 px font with 3 px padding. */
const LABEL_HEIGHT = 18;

export const regionLabel = (r: RegionView) => `${r.order + 1} · ${REGION_TYPE_LABELS[r.type]}${r.excluded ? ' (excluded)' : ''}`;

export function drawRegions(
  layer: Konva.Layer,
  canvas: HTMLElement,
  regions: RegionView[],
  selected: number | null,
  onSelect: (id: number) => void,
): void {
  layer.destroyChildren();
  const scale = layer.getStage()?.scaleX() ?? 1;
  for (const region of regions) {
    const colour = region.excluded ? '#95a5a6' : colourOf(region.type);
    const isSelected = region.id === selected;
    const outline = new Konva.Line({
      points: region.polygon.flat(),
      closed: true,
      stroke: colour,
      strokeWidth: isSelected ? 3 : 2,
      strokeScaleEnabled: false,
      dash: [10, 6],
      dashEnabled: !isSelected,
      hitStrokeWidth: 12,
      // Excluded regions are greyed; the others nearly clear, but filled so a click inside selects them.
      fill: region.excluded ? 'rgba(127, 140, 141, 0.25)' : isSelected ? 'rgba(22, 160, 133, 0.06)' : 'rgba(255, 255, 255, 0.01)',
      name: `region-${region.id}`,
    });
    const [x, y] = region.polygon.reduce(([ax, ay], [px, py]) => [Math.min(ax, px), Math.min(ay, py)], [Infinity, Infinity]);
    // Just above the region's top left corner, at its size on screen when drawn (1/scale).
    const label = new Konva.Label({ x, y, offsetY: LABEL_HEIGHT, scaleX: 1 / scale, scaleY: 1 / scale, name: `region-label-${region.id}` });
    label.add(new Konva.Tag({ fill: colour, opacity: 0.9 }));
    label.add(new Konva.Text({ text: regionLabel(region), fontSize: 12, padding: 3, fill: '#fff' }));
    outline.on('click tap', () => onSelect(region.id));
    label.on('click tap', () => onSelect(region.id));
    layer.add(outline, label);
  }
  layer.draw();
  canvas.dataset.drawnRegions = String(regions.length);
  canvas.dataset.regionLabels = regions.map(regionLabel).join('|');
}

/** Keeps the labels at their screen size after a zoom (the outlines keep theirs by strokeScaleEnabled). */
export function rescaleRegionLabels(layer: Konva.Layer, canvas: HTMLElement): void {
  const scale = layer.getStage()?.scaleX() ?? 1;
  const labels = layer.find<Konva.Label>((n: Konva.Node) => n.name().startsWith('region-label-'));
  for (const label of labels) label.scale({ x: 1 / scale, y: 1 / scale });
  layer.batchDraw();
  // Published for end-to-end tests: 1 while the labels keep their screen size.
  if (labels.length) canvas.dataset.regionLabelScreenScale = labels[0].getAbsoluteScale().x.toFixed(3);
}

// Small PAGE and ALTO files written by tests, with the image name, size and lines they need.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestLine {
  id: string;
  points: string;
  text?: string;
}

export function pageXml(o: { image: string; width: number; height: number; lines?: TestLine[]; namespace?: string }): string {
  const ns = o.namespace ?? 'http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15';
  const lines = (o.lines ?? [{ id: 'l1', points: '10,10 50,10 50,30 10,30', text: 'a line' }])
    .map(
      (l) =>
        `<TextLine id="${l.id}"><Coords points="${l.points}"/>${l.text === undefined ? '' : `<TextEquiv><Unicode>${l.text}</Unicode></TextEquiv>`}</TextLine>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="${ns}"><Page imageFilename="${o.image}" imageWidth="${o.width}" imageHeight="${o.height}"><TextRegion id="r1"><Coords points="0,0 ${o.width},0 ${o.width},${o.height} 0,${o.height}"/>${lines}</TextRegion></Page></PcGts>
`;
}

export function altoXml(o: { image: string; width: number; height: number }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Description><MeasurementUnit>pixel</MeasurementUnit><sourceImageInformation><fileName>${o.image}</fileName></sourceImageInformation></Description>
<Layout><Page ID="p1" WIDTH="${o.width}" HEIGHT="${o.height}"><PrintSpace><TextBlock ID="b1"><TextLine ID="tl1" HPOS="5" VPOS="5" WIDTH="40" HEIGHT="12"><String CONTENT="alto"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>
`;
}

export function write(dir: string, name: string, data: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

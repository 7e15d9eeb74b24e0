// A project of many lines made in seconds, for the tests and benchmark of distributed
// transcription: a few small generated pages, each holding its share of the lines as
// boxes (neighbours overlap: what they show does not matter, only that each is read
// once), the first `labeled` lines with a human transcription, and a tiny untrained
// model version to read them with.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { transaction } from '../../main/db/execute.ts';
import { pageSummaries } from '../../main/db/pages.ts';
import { importFiles } from '../../main/import/import-images.ts';
import { insertLines } from '../../main/import/insert-lines.ts';
import { initBackend } from '../../main/ml/backend.ts';
import { Codec } from '../../main/ml/codec.ts';
import { Recognizer } from '../../main/ml/model.ts';
import { loadVersion, saveVersion } from '../../main/models/registry.ts';
import { startLineReader } from '../../main/ml/line-reader.ts';
import { Project } from '../../main/project/project.ts';
import { tempDir } from './project.ts';
import { TINY } from './tiny-model.ts';

export interface ManyLines {
  dir: string;
  modelId: number;
  /** Every model version made (`models` of them); `modelId` is the first. */
  modelIds: number[];
  lines: number;
  pageIds: number[];
  /** The human transcriptions, by line id. */
  labeled: Map<number, string>;
}

/** Noise, so that each page is its own image (identical content is imported once). */
async function pagePng(file: string, seed: number, width: number, height: number): Promise<void> {
  const data = Buffer.alloc(width * height);
  let s = seed * 7919 + 1;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    data[i] = 128 + (s % 128);
  }
  writeFileSync(
    file,
    await sharp(data, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

export async function manyLinesProject(count: number, o: { pages?: number; labeled?: number; models?: number } = {}): Promise<ManyLines> {
  const pages = o.pages ?? 4;
  const root = tempDir();
  const files = await Promise.all(
    Array.from({ length: pages }, async (_, p) => {
      const file = join(root, `page${p}.png`);
      await pagePng(file, p + 1, 160, 240);
      return file;
    }),
  );
  const dir = join(root, 'project');
  const project = Project.init(dir);
  try {
    const report = await importFiles(project, files);
    if (report.failed.length) throw new Error(`helper pages failed to import: ${JSON.stringify(report.failed)}`);
    const pageIds = report.imported.map((d) => pageSummaries(project.db, d.documentId)[0].id);
    const labeled = new Map<number, string>();
    transaction(project.db, () => {
      let made = 0;
      pageIds.forEach((pageId, p) => {
        const n = Math.floor(count / pages) + (p < count % pages ? 1 : 0);
        const lines = Array.from({ length: n }, (_, i) => {
          const [x, y] = [(i * 7) % 40, (i * 3) % 200];
          const text = made + i < (o.labeled ?? 0) ? `line ${made + i} by hand` : null;
          return {
            polygon: [
              [x, y],
              [x + 120, y],
              [x + 120, y + 24],
              [x, y + 24],
            ] as Array<[number, number]>,
            baseline: null,
            text,
            split: 'train' as const,
          };
        });
        insertLines(project.db, pageId, lines, 'import:test').forEach((id, i) => {
          if (lines[i].text !== null) labeled.set(id, lines[i].text!);
        });
        made += n;
      });
    });
    await initBackend();
    const codec = new Codec([...'abcdefghij ']);
    const modelIds = Array.from({ length: o.models ?? 1 }, (_, k) => {
      const model = new Recognizer({ ...TINY, classes: codec.classes }, 1 + k);
      const version = saveVersion(project, model, codec, {
        name: `tiny ${k + 1}`,
        kind: 'finetune',
        parentId: null,
        config: {},
        metrics: {},
        trainingSet: [],
        backend: 'test',
        durationS: 0,
      });
      model.dispose();
      return version.id;
    });
    return { dir, modelId: modelIds[0], modelIds, lines: count, pageIds, labeled };
  } finally {
    project.close();
  }
}

/** The project opened with a one-thread line reader of its model version (stop the reader, close the project after). */
export async function openWithReader(made: ManyLines) {
  const project = Project.open(made.dir);
  const backend = await initBackend();
  const { model, codec } = loadVersion(project, made.modelId);
  const reader = await startLineReader(model, codec, backend.name, 1);
  return { project, model, reader };
}

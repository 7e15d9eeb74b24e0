// A project with one blank 1000×800 page, its service, and quick ways to draw lines on it
// and read its reading order: for tests of hand edits and their undo.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../main/db/database.ts';
import { createService } from '../../main/api/service.ts';
import { png } from './images.ts';
import { newProject, tempDir } from './project.ts';

export type P = Array<[number, number]>;
export const rect = (x: number, y: number, w: number, h: number): P => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

export async function editPage() {
  const file = join(tempDir(), 'folio.png');
  writeFileSync(file, await png(1000, 800));
  const project = newProject();
  const api = createService(project);
  await api.importFiles({ paths: [file] });
  const [doc] = await api.listDocuments({});
  const [p] = await api.listPages({ documentId: doc.id });
  const add = async (y: number) =>
    (
      await api.addLine({
        pageId: p.id,
        polygon: rect(100, y, 600, 40),
        baseline: [
          [100, y + 32],
          [700, y + 32],
        ],
      })
    ).lineId;
  const order = async () => (await api.getPage({ pageId: p.id })).lines.map((l) => l.id);
  return { project, api, pageId: p.id, add, order };
}

/**
 * What undo must put back of a page's layout, read from the database itself: its regions
 * (every column but the creation time, in reading order) and its lines' order and regions.
 */
export function pageLayout(db: { prepare(sql: string): { all(...args: unknown[]): unknown[] } }, pageId: number) {
  return {
    regions: db
      .prepare(
        'SELECT id, reading_order, type, label, polygon, excluded, by_hand FROM regions WHERE page_id = ? ORDER BY reading_order, id',
      )
      .all(pageId),
    lines: db.prepare('SELECT id, region_id, reading_order FROM lines WHERE page_id = ? ORDER BY reading_order, id').all(pageId),
  };
}

/**
 * A second page of the page's document, inserted outside every history (as an import in
 * another window would): for ids SQLite hands out again to another page's rows.
 */
export function addSecondPage(db: Db, pageId: number): number {
  const page = db.prepare('SELECT document_id, image_hash, width, height FROM pages WHERE id = ?').get(pageId) as Record<string, unknown>;
  return Number(
    db
      .prepare('INSERT INTO pages (document_id, page_index, image_hash, width, height) VALUES (?, 1, ?, ?, ?)')
      .run(page.document_id, page.image_hash, page.width, page.height).lastInsertRowid,
  );
}

// Active learning: which unlabeled lines to transcribe next. Lines the model is least sure
// of teach it most; taking them round-robin across pages (and documents) keeps the
// selection diverse, instead of spending the whole budget on one hard page.
import type { Project } from '../project/project.ts';

export interface Suggestion {
  lineId: number;
  pageId: number;
  documentId: number;
  /** Uncertainty in [0,1]: 1 − the lowest character confidence of the line. */
  uncertainty: number;
  prediction: string;
}

export function suggestLines(project: Project, modelId: number, count: number): Suggestion[] {
  const rows = project.db.prepare(`SELECT l.id AS lineId, l.page_id AS pageId, p.document_id AS documentId, pr.char_confidence, pr.confidence, pr.text AS prediction
      FROM lines l JOIN pages p ON p.id = l.page_id JOIN predictions pr ON pr.line_id = l.id AND pr.model_id = ?
      WHERE NOT EXISTS (SELECT 1 FROM current_transcriptions ct WHERE ct.line_id = l.id)`).all(modelId) as Array<Omit<Suggestion, 'uncertainty'> & { char_confidence: string; confidence: number }>;
  const scored = rows.map((r) => {
    const chars = JSON.parse(r.char_confidence) as number[];
    const lowest = chars.length ? Math.min(...chars) : r.confidence;
    return { lineId: r.lineId, pageId: r.pageId, documentId: r.documentId, prediction: r.prediction, uncertainty: 1 - lowest };
  });
  // Per page, most uncertain first; pages ordered by their most uncertain line.
  const byPage = new Map<number, Suggestion[]>();
  for (const s of scored.sort((a, b) => b.uncertainty - a.uncertainty || a.lineId - b.lineId)) byPage.set(s.pageId, [...(byPage.get(s.pageId) ?? []), s]);
  const queues = [...byPage.values()];
  const out: Suggestion[] = [];
  while (out.length < count && queues.some((q) => q.length)) {
    for (const q of queues) {
      const next = q.shift();
      if (next) out.push(next);
      if (out.length === count) break;
    }
  }
  return out;
}

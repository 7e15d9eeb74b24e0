// Which lines a person should read next. Active learning: the unlabeled lines the model is
// least sure of teach it most; taking them round-robin across pages keeps the selection
// diverse instead of spending the whole budget on one hard page. Review: predicted lines
// without a human text, least confident first, for proofreading. Lines of regions excluded
// from transcription are never proposed.
import type { LineToRead } from '../../shared/api.ts';
import type { Project } from '../project/project.ts';
import { predictedLineRows } from '../db/dataset.ts';
import { cropKey } from '../project/line-images.ts';

function predictedLines(project: Project, modelId: number | null): LineToRead[] {
  // Without a model named, each line's newest prediction.
  return predictedLineRows(project.db, modelId).map((r) => {
    const chars = JSON.parse(r.char_confidence) as number[];
    const { char_confidence: _, image_hash: hash, polygon, ...line } = r;
    return { ...line, cropKey: cropKey(hash, polygon), confidence: chars.length ? Math.min(...chars) : r.confidence };
  });
}

const leastConfidentFirst = (a: LineToRead, b: LineToRead) => a.confidence - b.confidence || a.lineId - b.lineId;

/** Unlabeled lines to annotate next, most informative first, spread over pages. */
export function suggestLines(project: Project, modelId: number | null, count: number): LineToRead[] {
  const byPage = new Map<number, LineToRead[]>();
  for (const s of predictedLines(project, modelId).sort(leastConfidentFirst)) byPage.set(s.pageId, [...(byPage.get(s.pageId) ?? []), s]);
  // Pages ordered by their least confident line; one line from each page per round.
  const queues = [...byPage.values()];
  const out: LineToRead[] = [];
  while (out.length < count && queues.some((q) => q.length)) {
    for (const q of queues) {
      const next = q.shift();
      if (next) out.push(next);
      if (out.length === count) break;
    }
  }
  return out;
}

/** Predicted lines nobody has confirmed yet, least confident first. */
export function reviewLines(project: Project, count: number): LineToRead[] {
  return predictedLines(project, null).sort(leastConfidentFirst).slice(0, count);
}

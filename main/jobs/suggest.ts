// Which lines a person should read next. Active learning: the unlabeled lines the model is
// least sure of teach it most; taking them round-robin across pages keeps the selection
// diverse instead of spending the whole budget on one hard page. Review: predicted lines
// without a human text, least confident first, for proofreading. Lines of regions excluded
// from transcription are never proposed. Store-neutral programs (main/db/ops.ts,
// `lineChoices`), run on a project folder by the functions below and on the server store.
import type { LineToRead } from '../../shared/api.ts';
import type { Project } from '../project/project.ts';
import { dataset } from '../db/dataset.ts';
import { perform } from '../db/execute.ts';
import { step, type Program } from '../db/ops.ts';
import { cropKey } from '../project/line-images.ts';

function* predictedLines(modelId: number | null): Program<LineToRead[]> {
  // Without a model named, each line's newest prediction.
  return (yield* step(dataset.predictedLineRows(modelId))).map((r) => {
    const chars = JSON.parse(r.char_confidence) as number[];
    const { char_confidence: _, image_hash: hash, polygon, ...line } = r;
    return { ...line, cropKey: cropKey(hash, polygon), confidence: chars.length ? Math.min(...chars) : r.confidence };
  });
}

/** What the proposal needs of a line: its page, its id and the model's confidence in its reading. */
export interface Candidate {
  pageId: number | string;
  lineId: number;
  confidence: number;
}

const leastConfidentFirst = (a: Candidate, b: Candidate) => a.confidence - b.confidence || a.lineId - b.lineId;

/**
 * The `count` lines to annotate next: least confident first, one line from each page per
 * round (pages ordered by their least confident line). Pure, so that the few-labels
 * experiment labels the very lines the app would propose.
 */
export function proposeLines<T extends Candidate>(candidates: readonly T[], count: number): T[] {
  const byPage = new Map<number | string, T[]>();
  for (const s of [...candidates].sort(leastConfidentFirst)) {
    const queue = byPage.get(s.pageId);
    if (queue) queue.push(s);
    else byPage.set(s.pageId, [s]);
  }
  const queues = [...byPage.values()];
  const out: T[] = [];
  while (out.length < count && queues.some((q) => q.length)) {
    for (const q of queues) {
      const next = q.shift();
      if (next) out.push(next);
      if (out.length === count) break;
    }
  }
  return out;
}

/** Unlabeled lines to annotate next, most informative first, spread over pages. */
function* suggestLinesOp(modelId: number | null, count: number): Program<LineToRead[]> {
  return proposeLines(yield* predictedLines(modelId), count);
}

/** Predicted lines nobody has confirmed yet, least confident first. */
function* reviewLinesOp(count: number): Program<LineToRead[]> {
  return (yield* predictedLines(null)).sort(leastConfidentFirst).slice(0, count);
}

/** Which lines to read next, for either store. */
export const lineChoices = { suggestLines: suggestLinesOp, reviewLines: reviewLinesOp };

export const suggestLines = (project: Project, modelId: number | null, count: number): LineToRead[] =>
  perform(project.db, suggestLinesOp(modelId, count));

export const reviewLines = (project: Project, count: number): LineToRead[] => perform(project.db, reviewLinesOp(count));

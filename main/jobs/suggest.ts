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

/** These candidates, in their order, as the lines to show (a line labeled meanwhile is left out). */
function* linesToShow(modelId: number | null, chosen: readonly Candidate[]): Program<LineToRead[]> {
  const rows = yield* step(
    dataset.predictedLineRows(
      modelId,
      chosen.map((c) => c.lineId),
    ),
  );
  const byId = new Map(rows.map(({ image_hash: hash, polygon, ...line }) => [line.lineId, { ...line, cropKey: cropKey(hash, polygon) }]));
  return chosen.flatMap((c) => byId.get(c.lineId) ?? []);
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
  return yield* linesToShow(modelId, proposeLines(yield* step(dataset.predictedCandidates(modelId)), count));
}

/** Predicted lines nobody has confirmed yet, least confident first. */
function* reviewLinesOp(count: number): Program<LineToRead[]> {
  const ranked = (yield* step(dataset.predictedCandidates(null))).sort(leastConfidentFirst).slice(0, count);
  return yield* linesToShow(null, ranked);
}

/** Which lines to read next, for either store. */
export const lineChoices = { suggestLines: suggestLinesOp, reviewLines: reviewLinesOp };

export const suggestLines = (project: Project, modelId: number | null, count: number): LineToRead[] =>
  perform(project.db, suggestLinesOp(modelId, count));

export const reviewLines = (project: Project, count: number): LineToRead[] => perform(project.db, reviewLinesOp(count));

// Where a fine-tuning job starts from, as the Training panel offers it. A network trained
// from nothing on the ~100 lines an archivist labels reads nothing (99.9 % CER on real
// manuscripts, docs/results/few-labels.md), so the panel never proposes that by default: it
// proposes the project's current model, else the bundled base model, added to the project
// when the job starts if it is not there yet.

/** A model id, the bundled base model not yet in the project, or a new network. */
export type StartFrom = number | 'base' | 'scratch';

interface ModelLike {
  id: number;
  base: boolean;
}

/** The base model's id once it is in the project, else 'base' (added when the job starts). */
const baseStart = (models: readonly ModelLike[]): StartFrom => models.find((m) => m.base)?.id ?? 'base';

/** The start proposed when none was chosen (or the one chosen is gone). */
export function defaultStart(models: readonly ModelLike[], currentModelId: number | null): StartFrom {
  if (currentModelId !== null && models.some((m) => m.id === currentModelId)) return currentModelId;
  return baseStart(models);
}

/**
 * The start a remembered choice stands for now. Before 'scratch' was saved by name, the
 * panel saved scratch as null, which was also its unchosen default: such a choice, like one
 * of a model since deleted, gets the proposed start.
 */
export function restoredStart(saved: unknown, models: readonly ModelLike[], currentModelId: number | null): StartFrom {
  const known = saved === 'scratch' || saved === 'base' || typeof saved === 'number';
  return known ? keptStart(saved, models, currentModelId) : defaultStart(models, currentModelId);
}

/** A start still valid after the model list changed (a model deleted, the base model added). */
export function keptStart(from: StartFrom, models: readonly ModelLike[], currentModelId: number | null): StartFrom {
  if (from === 'scratch') return from;
  if (from === 'base') return baseStart(models);
  return models.some((m) => m.id === from) ? from : defaultStart(models, currentModelId);
}

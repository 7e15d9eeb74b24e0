// The refusal of an undo or redo step whose lines or regions something outside the history
// changed since the step left them (page-state.ts, region-state.ts): thrown before anything
// is written, so the step's transaction writes nothing.
export class EditConflict extends Error {
  override name = 'EditConflict';
}

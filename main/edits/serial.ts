// Runs tasks one after another, each starting when the one before has settled (failed or
// not). A project's page edits, undo and redo go through one such queue: a recorded edit
// compares its pages before and after, across awaits (finding lines takes seconds), and an
// edit or undo run in between would be taken for part of it, or be undone over.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

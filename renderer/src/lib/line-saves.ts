// The transcription panel's saves of line texts. They run one after another in the
// background while the cursor has already moved on: waiting for the server before moving
// would swallow the first keys typed on the next line. The text stays a draft in storage
// until its save succeeds, so a failed save loses nothing; failures are kept by line (a
// later line's save does not clear another line's failure; that line saved since, from here
// or elsewhere, or gone from the page, does). Pure: no Svelte, so it is unit-tested as is.
import { trackEdit } from './pending-edits.ts';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface SavedLine {
  id: number;
  order: number;
  text: string | null;
}

export interface SaveFailure {
  message: string;
  /** The text whose save failed. */
  text: string;
}

export interface LineSavesOptions<L extends SavedLine> {
  storage: Storage;
  /** Where a line's draft is kept (drafts.ts's key, for the panel's project). */
  keyOf: (lineId: number) => string;
  /** Sends the text to the project. */
  send: (line: L, text: string) => Promise<void>;
  /** Whether the window still shows the project these lines belong to (checked just before sending). */
  stillOurs: () => boolean;
  /** The failures changed (a new map each time, for the panel's state). */
  onFailures: (failures: ReadonlyMap<number, SaveFailure>) => void;
}

export class LineSaves<L extends SavedLine> {
  private queue: Promise<void> = Promise.resolve();
  private failures = new Map<number, SaveFailure>();
  /** The text of each line whose save is on its way (so that leaving it does not save it twice). */
  private readonly sending = new Map<number, string>();

  constructor(private readonly o: LineSavesOptions<L>) {}

  /** Saves `text` on `line` (nothing is sent when it is the line's text already). */
  save(line: L, text: string): void {
    const key = this.o.keyOf(line.id);
    const settled = (message: string | null) => {
      if (this.sending.get(line.id) === text) this.sending.delete(line.id);
      const next = new Map(this.failures);
      if (message === null) next.delete(line.id);
      else next.set(line.id, { message, text });
      this.setFailures(next);
    };
    if (text === (line.text ?? '')) {
      this.o.storage.removeItem(key);
      settled(null);
      return;
    }
    this.o.storage.setItem(key, text);
    this.sending.set(line.id, text);
    this.queue = trackEdit(
      this.queue
        .then(() => {
          // The window went over to another project (perhaps while this waited behind slower
          // saves): the line's id means another line there.
          if (!this.o.stillOurs()) throw new Error('another project was opened meanwhile');
          return this.o.send(line, text);
        })
        .then(
          () => {
            if (this.o.storage.getItem(key) === text) this.o.storage.removeItem(key);
            settled(null);
          },
          (e) => settled(`line ${line.order + 1} not saved (kept as a draft): ${(e as Error).message}`),
        ),
    );
  }

  /**
   * The line `left` was left: its typed text (a draft, not already on its way) is saved
   * on the line as the page has it now. A line gone from the page (found again by
   * segmentation, merged) keeps its draft: it has no line to go to.
   */
  saveLeft(left: SavedLine, lines: readonly L[]): void {
    const text = this.o.storage.getItem(this.o.keyOf(left.id));
    const now = lines.find((l) => l.id === left.id);
    if (text === null || !now || this.sending.get(left.id) === text) return;
    this.save(now, text);
  }

  /** The page as it is now: failures of lines gone, or now holding the text that failed, are dropped. */
  pageChanged(lines: readonly SavedLine[]): void {
    const now = new Map(lines.map((l) => [l.id, l.text]));
    const kept = [...this.failures].filter(([id, f]) => now.has(id) && now.get(id) !== f.text);
    if (kept.length !== this.failures.size) this.setFailures(new Map(kept));
  }

  /** Whether `text` is on its way for this line. */
  isSending(lineId: number, text: string): boolean {
    return this.sending.get(lineId) === text;
  }

  /** Whether any text is on its way or failed to save (leaving the window would leave it only as a draft). */
  get unsettled(): boolean {
    return this.sending.size > 0 || this.failures.size > 0;
  }

  get hasFailures(): boolean {
    return this.failures.size > 0;
  }

  /** Resolves once every save asked for so far has finished (or failed). */
  settled(): Promise<void> {
    return this.queue;
  }

  private setFailures(next: Map<number, SaveFailure>): void {
    this.failures = next;
    this.o.onFailures(next);
  }
}

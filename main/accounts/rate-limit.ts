// Slows password guessing: after `max` failed log-ins for one key (a user name, an address)
// within `windowMs`, that key is refused until the oldest failure leaves the window. A
// success does not clear an address's failures (one right password must not reopen
// guessing at others), only the user's own. Kept in memory: a restart forgets, which
// costs an attacker a restart they cannot cause.
export class FailureLimit {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string): number {
    const recent = this.recent(key);
    return recent.length < this.max ? 0 : recent[recent.length - this.max] + this.windowMs - this.now();
  }

  fail(key: string): void {
    this.failures.set(key, [...this.recent(key), this.now()]);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}

// Slows password guessing: after `max` failed log-ins for one key (a user name, an address)
// within `windowMs`, that key is refused until the oldest failure leaves the window. A
// success does not clear an address's failures (one right password must not reopen
// guessing at others), only the user's own. Kept in the project's store (`run`: main/db/
// ops.ts), so that several server processes on one store count the same failures: an
// attacker spreading guesses over them gets no more tries, and a restart forgets nothing.
import { accounts } from '../db/accounts.ts';
import type { Runner } from '../db/ops.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export class FailureLimit {
  constructor(
    private readonly run: Runner,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  async waitMs(key: string): Promise<number> {
    const since = this.now() - this.windowMs;
    // Failures out of the window count for no one any more.
    await this.run(accounts.forgetFailures(iso(since)));
    const recent = await this.run(accounts.failuresSince(key, iso(since)));
    return recent.length < this.max ? 0 : Date.parse(recent[recent.length - this.max]) + this.windowMs - this.now();
  }

  async fail(key: string): Promise<void> {
    await this.run(accounts.insertFailure(key, iso(this.now())));
  }

  async clear(key: string): Promise<void> {
    await this.run(accounts.clearFailures(key));
  }
}

// Refreshes one at a time, with asks that come while one waits sharing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesced } from '../../../renderer/src/lib/coalesced.ts';

test('runs never overlap; asks while one waits share it; an ask after a run started gets its own', async () => {
  const log: string[] = [];
  let running = 0;
  const releases: Array<() => void> = [];
  const refresh = coalesced(async () => {
    running++;
    assert.equal(running, 1, 'never two at once');
    log.push('start');
    await new Promise<void>((ok) => releases.push(ok));
    running--;
    log.push('end');
  });
  const first = refresh(); // starts at once (next microtask)
  await Promise.resolve();
  const asks = Array.from({ length: 10 }, () => refresh()); // all wait behind the first: one run
  assert.ok(
    asks.every((a) => a === asks[0]),
    'ten asks, one waiting run',
  );
  releases.shift()!();
  await first;
  await new Promise((ok) => setTimeout(ok, 0));
  const later = refresh(); // the second run has started: this one is a third
  assert.notEqual(later, asks[0]);
  releases.shift()!();
  await asks[0];
  await new Promise((ok) => setTimeout(ok, 0));
  releases.shift()!();
  await later;
  assert.deepEqual(log, ['start', 'end', 'start', 'end', 'start', 'end']);
});

test('a failed run fails its askers only; the next ask runs', async () => {
  let fail = true;
  const refresh = coalesced(async () => {
    if (fail) throw new Error('offline');
  });
  await assert.rejects(refresh(), /offline/);
  fail = false;
  await refresh();
});

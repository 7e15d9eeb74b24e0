// Waiting on a BullMQ task of the queue tests, however slow the machine.
import assert from 'node:assert/strict';
import type { Job as QueueJob, Queue } from 'bullmq';

/** Waits until the task has finished one way or the other. */
export async function settled(queue: Queue, id: string, timeoutMs = 60_000): Promise<QueueJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(id);
    // Read again once it has finished: a copy read before may predate its last attempt.
    if (state === 'completed' || state === 'failed') return (await queue.getJob(id))!;
    assert.ok(Date.now() < deadline, `task ${id} still ${state} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

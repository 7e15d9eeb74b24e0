// Whether a job's process still runs is decided by the process instance, not the pid alone:
// a pid is reused (after a reboot; in a container every start is pid 1), and a reused pid
// must neither keep a dead job running nor let `quire cancel` signal an unrelated process.
// Rows from before the token (pid only) count while the pid's process started before the row
// was written; temp files and half-done imports are judged the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeAbandonedImports } from '../../../main/db/documents.ts';
import { removeStaleTemps } from '../../../main/fs/atomic.ts';
import { processToken } from '../../../main/fs/process-instance.ts';
import { createJob, getJob, markInterrupted, requestCancel, updateJob } from '../../../main/jobs/jobs.ts';
import { newProject } from '../../helpers/project.ts';

const linux = processToken(process.pid) !== undefined;
const setRow = (project: ReturnType<typeof newProject>, id: number, progress: object, updatedAt?: string) =>
  project.db
    .prepare(`UPDATE jobs SET state = 'running', progress = ?, updated_at = coalesce(?, updated_at) WHERE id = ?`)
    .run(JSON.stringify(progress), updatedAt ?? null, id);

async function sleeper() {
  const child = spawn('sleep', ['30']);
  await new Promise((r) => setTimeout(r, 100));
  const signal = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
  return { child, signal };
}

test(
  'a job whose recorded process is this one keeps running; one whose pid was reused by another instance is interrupted',
  { skip: !linux && 'needs /proc' },
  () => {
    const project = newProject();
    const mine = createJob(project, 'finetune', { steps: 1 }, 'queued');
    updateJob(project, mine.id, { state: 'running' });
    assert.equal(typeof getJob(project, mine.id).progress.token, 'string', 'the token is recorded with the pid');
    const reused = createJob(project, 'finetune', { steps: 1 }, 'queued');
    // A job of a process before a reboot (or a container's previous start) that had this pid.
    setRow(project, reused.id, { pid: process.pid, token: 'another-boot:12345', app: false });
    assert.equal(markInterrupted(project), 1);
    assert.equal(getJob(project, mine.id).state, 'running');
    assert.equal(getJob(project, reused.id).state, 'interrupted');
    project.close();
  },
);

test(
  'cancel never signals a process that only has the recorded pid; it signals the job’s own',
  { skip: !linux && 'needs /proc' },
  async () => {
    const project = newProject();
    const stranger = await sleeper();
    const job = createJob(project, 'finetune', { steps: 1 }, 'queued');
    setRow(project, job.id, { pid: stranger.child.pid, token: 'another-boot:1', app: false });
    assert.throws(() => requestCancel(project, job.id), /no longer running/);
    assert.equal(getJob(project, job.id).state, 'interrupted');
    assert.equal(stranger.child.exitCode, null);
    assert.equal(stranger.child.signalCode, null, 'the unrelated process was not signalled');
    stranger.child.kill('SIGKILL');

    const own = await sleeper();
    setRow(project, job.id, { pid: own.child.pid, token: processToken(own.child.pid!), app: false });
    assert.equal(requestCancel(project, job.id), 'signalled');
    assert.equal(await own.signal, 'SIGTERM');
    project.close();
  },
);

test(
  'an old row with a pid alone: alive only while the pid’s process started before the row was written',
  { skip: !linux && 'needs /proc' },
  async () => {
    const project = newProject();
    const stranger = await sleeper();
    const old = createJob(project, 'finetune', { steps: 1 }, 'queued');
    setRow(project, old.id, { pid: stranger.child.pid, app: false }, '2001-01-01T00:00:00.000Z');
    const current = createJob(project, 'finetune', { steps: 1 }, 'queued');
    setRow(project, current.id, { pid: process.pid, app: false });
    assert.throws(() => requestCancel(project, old.id), /no longer running/);
    assert.equal(stranger.child.signalCode, null, 'not signalled');
    assert.equal(getJob(project, old.id).state, 'interrupted');
    assert.equal(getJob(project, current.id).state, 'running');
    stranger.child.kill('SIGKILL');
    project.close();
  },
);

test('a temp file and a half-done import whose pid a later process has are removed', { skip: !linux && 'needs /proc' }, () => {
  const project = newProject();
  const sub = join(project.images.root, 'ef');
  mkdirSync(sub, { recursive: true });
  const stale = join(sub, `${'ef'.repeat(32)}.png.${process.pid}.0123abcd.tmp`);
  const live = join(sub, `${'ef'.repeat(32)}.gray.png.${process.pid}.89abcdef.tmp`);
  writeFileSync(stale, 'x');
  writeFileSync(live, 'x');
  // Written long before this process started: the writer was another process with this pid.
  utimesSync(stale, new Date('2001-01-01'), new Date('2001-01-01'));
  removeStaleTemps(project.root, 3);
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(live), true);

  const insert = project.db.prepare(
    `INSERT INTO documents (name, kind, source_path, source_hash, created_at) VALUES (?, 'scan', '', ?, ?)`,
  );
  insert.run('old', `importing:${process.pid}:a`, '2001-01-01T00:00:00.000Z');
  insert.run('now', `importing:${process.pid}:b`, new Date().toISOString());
  assert.equal(removeAbandonedImports(project.db), 1);
  assert.deepEqual(project.db.prepare(`SELECT name FROM documents`).all(), [{ name: 'now' }]);
  project.close();
});

// A finished training's save is one read-then-write transaction (has another run of the job
// saved it? then insert the version): another connection's commit between the read and the
// write must not fail the job (SQLITE_BUSY_SNAPSHOT under a deferred transaction), and a
// save that fails leaves no weights file behind that no version refers to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { desktopRunner } from '../../../main/db/execute.ts';
import type { Db } from '../../../main/db/database.ts';
import { createJob } from '../../../main/jobs/jobs.ts';
import { trainJob } from '../../../main/jobs/training-job.ts';
import { DB_FILE, Project } from '../../../main/project/project.ts';
import type { ProjectStore } from '../../../main/project/project-store.ts';
import { checkJobRequest, type FinetuneRequest } from '../../../shared/job-configs.ts';
import { lineProject } from '../../helpers/line-project.ts';

/** The project's connection, with `beforeInsert` run when the version's insert is first prepared on it. */
function intercepted(db: Db, beforeInsert: () => void): Db {
  let done = false;
  return new Proxy(db, {
    get(target, key) {
      if (key === 'prepare')
        return (text: string) => {
          if (!done && /^insert into "models"/i.test(text)) {
            done = true;
            beforeInsert();
          }
          return target.prepare(text);
        };
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const request = checkJobRequest({ kind: 'finetune', steps: 2, batchSize: 2, checkpointEvery: 50 } as never) as unknown as FinetuneRequest;

async function setUp() {
  const dir = await lineProject(8, 8);
  const project = Project.open(dir);
  const job = createJob(project, 'finetune', request as never, 'running');
  return { dir, project, jobId: job.id };
}

const weightFiles = (dir: string) => readdirSync(join(dir, 'models')).filter((f) => f.endsWith('.qmodel') || f.endsWith('.tmp'));

test('another connection committing between the save read and its insert does not fail the finished training', async () => {
  const { dir, project, jobId } = await setUp();
  const other = new Database(join(dir, DB_FILE));
  other.pragma('busy_timeout = 0');
  let otherWaited = false;
  const db = intercepted(project.db, () => {
    try {
      // A window saving a setting meanwhile: under an IMMEDIATE save it waits for the save.
      other.prepare(`UPDATE jobs SET log = log || 'x' WHERE id = ?`).run(jobId);
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'SQLITE_BUSY');
      otherWaited = true;
    }
  });
  const store: ProjectStore = { run: desktopRunner(() => db), root: project.root, images: project.images };
  const version = await trainJob(store, jobId, { ...request, threads: 1 }, undefined, {});
  assert.ok(version.id > 0);
  assert.ok(otherWaited, 'the other writer waited for the save rather than slipping between its read and its write');
  assert.deepEqual(weightFiles(dir), [`${version.weightsHash}.qmodel`]);
  other.close();
  project.close();
});

test('a save that fails leaves no weights file behind', async () => {
  const { dir, project, jobId } = await setUp();
  const db = intercepted(project.db, () => {
    throw new Error('disk gone');
  });
  const store: ProjectStore = { run: desktopRunner(() => db), root: project.root, images: project.images };
  await assert.rejects(trainJob(store, jobId, { ...request, threads: 1 }, undefined, {}), /disk gone/);
  assert.deepEqual(weightFiles(dir), [], 'no orphan weights file');
  project.close();
});

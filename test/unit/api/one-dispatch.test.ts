// Every caller goes through one dispatcher (main/api/dispatch.ts): the same invalid request
// gets the same error from Electron IPC, browser mode's HTTP API and the quire command, and
// a command stores what the matching API call stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ProjectHost } from '../../../main/app/project-host.ts';
import { serveProject } from '../../../main/app/browser-mode.ts';
import { channelTable, createIpcHandlers } from '../../../main/transport/ipc-handlers.ts';
import { DB_FILE, Project } from '../../../main/project/project.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { createService } from '../../../main/api/service.ts';
import { ApiError, createDispatcher } from '../../../main/api/dispatch.ts';
import { IPC, type CallResult } from '../../../shared/bridge.ts';
import type { QuireEvent } from '../../../shared/api.ts';
import { png, writeSynthPage } from '../../helpers/images.ts';
import { tempDir } from '../../helpers/project.ts';
import { CLI } from '../../helpers/cli.ts';

const quire = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

function emptyProject(): string {
  const dir = join(tempDir(), 'p');
  Project.init(dir).close();
  return dir;
}

async function overIpc(dir: string, method: string, request: unknown): Promise<CallResult> {
  const host = new ProjectHost(dir, () => {});
  try {
    const call = channelTable(createIpcHandlers(host.dispatcher(), { showOpen: async () => [] }))[IPC.call];
    return (await call(method, request)) as CallResult;
  } finally {
    await host.close();
  }
}

async function overHttp(dir: string, method: string, request: unknown): Promise<{ status: number; body: unknown }> {
  const app = await serveProject(dir);
  try {
    const res = await fetch(`http://127.0.0.1:${app.server.port}/api/${method}`, {
      method: 'POST',
      headers: { 'x-quire-token': app.server.token, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    return { status: res.status, body: await res.json() };
  } finally {
    await app.close();
  }
}

test('the same invalid request gets the same error over IPC, over HTTP and from the quire command', async () => {
  const dir = emptyProject();
  // `quire train --steps 2000000` asks startTraining for more steps than its schema allows.
  const request = { kind: 'finetune', steps: 2_000_000 };
  const ipc = await overIpc(dir, 'startTraining', request);
  const http = await overHttp(dir, 'startTraining', request);
  const error = {
    code: 'invalid-request',
    name: 'RequestError',
    message: 'startTraining: steps: Too big: expected number to be <=1000000',
  };
  assert.deepEqual(ipc, { ok: false, error });
  assert.deepEqual(http, { status: 400, body: error });
  const cli = quire('train', dir, '--steps', '2000000');
  assert.equal(cli.status, 2);
  assert.equal(cli.stderr, `quire: ${error.message}\n`);
  assert.deepEqual(JSON.parse(quire('jobs', dir, '--json').stdout), [], 'no caller made a job');

  const missing = { code: 'not-found', name: 'NotFound', message: 'no API method dropEverything' };
  assert.deepEqual(await overIpc(dir, 'dropEverything', {}), { ok: false, error: missing });
  assert.deepEqual(await overHttp(dir, 'dropEverything', {}), { status: 404, body: missing });
  // A method that fails (not the request) is 'failed', with the method's own message.
  const failed = { code: 'failed', name: 'Error', message: 'no job 7 in this project' };
  assert.deepEqual(await overIpc(dir, 'resumeJob', { jobId: 7 }), { ok: false, error: failed });
  assert.deepEqual(await overHttp(dir, 'resumeJob', { jobId: 7 }), { status: 500, body: failed });
  const cliFailed = quire('resume', dir, '7');
  assert.equal(cliFailed.status, 2);
  assert.equal(cliFailed.stderr, `quire: ${failed.message}\n`);
});

test("one project's dispatcher (the CLI's) answers the app's project switching as not found, not as a crash", async () => {
  const project = Project.open(emptyProject());
  try {
    const { call, dispatch } = createDispatcher(createService(project));
    assert.deepEqual(await call('openProject', { path: '/elsewhere' }), {
      ok: false,
      error: { code: 'not-found', name: 'NotFound', message: 'no API method openProject' },
    });
    await assert.rejects(dispatch('listPages', { documentId: 0 }), (error: ApiError) => {
      assert.equal(error.code, 'invalid-request');
      assert.match(error.message, /^listPages: documentId: /);
      return true;
    });
    assert.equal((await dispatch('projectInfo', {})).documents, 0);
  } finally {
    project.close();
  }
});

/** The job a request made, once it has ended, as the jobs table holds it. */
function storedJob(dir: string) {
  const project = Project.open(dir);
  try {
    const row = project.db.prepare('SELECT kind, state, config, error FROM jobs').get() as { kind: string; state: string; config: string };
    return { ...row, config: JSON.parse(row.config) };
  } finally {
    project.close();
  }
}

test('quire train stores the job the API stores for the same request, and a refused request is refused alike', async () => {
  // No labeled lines: both refuse the request with the same reason, and store no job.
  const [emptyCli, emptyApi] = [emptyProject(), emptyProject()];
  const refused = quire('train', emptyCli, '--steps', '7');
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /no labeled lines in the train split/);
  const answer = (await overIpc(emptyApi, 'startTraining', { kind: 'finetune', steps: 7 })) as CallResult;
  assert.ok(!answer.ok && /no labeled lines in the train split/.test(answer.error.message));
  for (const dir of [emptyCli, emptyApi]) assert.equal(jobCount(dir), 0);

  // With labeled lines: each job is stopped as soon as it is stored (Ctrl+C for the command,
  // cancelJob for the app), and the two rows hold the same config.
  const [viaCli, viaApi] = [
    (await manyLinesProject(2, { pages: 1, labeled: 2 })).dir,
    (await manyLinesProject(2, { pages: 1, labeled: 2 })).dir,
  ];
  const args = ['--steps', '7', '--batch', '3', '--threads', '1', '--seed', '5', '--checkpoint-every', '4'];
  const child = spawn(process.execPath, [CLI, 'train', viaCli, ...args], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 600 && jobCount(viaCli) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  assert.equal(await exited, 130);

  const events: QuireEvent[] = [];
  const host = new ProjectHost(viaApi, (e) => events.push(e));
  const request = { kind: 'finetune', steps: 7, batchSize: 3, threads: 1, seed: 5, checkpointEvery: 4 };
  const started = (await host.dispatcher().call('startTraining', request)) as { ok: true; value: { jobId: number } };
  await host.dispatcher().call('cancelJob', { jobId: started.value.jobId });
  const deadline = Date.now() + 120_000;
  while (!events.some((e) => e.type === 'job-changed' && e.jobId === started.value.jobId && e.state === 'cancelled')) {
    assert.ok(Date.now() < deadline, 'the app job ends');
    await new Promise((r) => setTimeout(r, 50));
  }
  await host.close();
  const [a, b] = [storedJob(viaCli), storedJob(viaApi)];
  assert.deepEqual({ kind: a.kind, config: a.config }, { kind: b.kind, config: b.config });
  assert.deepEqual([a.state, b.state], ['cancelled', 'cancelled']);
});

const jobCount = (dir: string) => {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test('quire segment stores the lines the API finds for the same pages', async () => {
  const root = tempDir();
  const scan = join(root, 'scan.png');
  await writeSynthPage(4, scan);
  const [viaCli, viaApi] = [emptyProject(), emptyProject()];
  for (const dir of [viaCli, viaApi]) assert.equal(quire('import', dir, scan).status, 0);
  const segmented = quire('segment', viaCli, '--model', 'classical', '--json');
  assert.equal(segmented.status, 0, segmented.stderr);
  const answer = await overIpc(viaApi, 'segmentPages', { pageIds: [1], segmenter: 'classical' });
  assert.ok(answer.ok);
  assert.deepEqual(JSON.parse(segmented.stdout), answer.value);
  const lines = (dir: string) => {
    const project = Project.open(dir);
    try {
      return project.db.prepare('SELECT page_id, reading_order, polygon, baseline, region_id FROM lines ORDER BY id').all();
    } finally {
      project.close();
    }
  };
  assert.ok(lines(viaCli).length > 0);
  assert.deepEqual(lines(viaCli), lines(viaApi));
});

test('a call naming a project that is no longer open is refused, over IPC and HTTP, before it runs', async () => {
  const first = emptyProject();
  const second = emptyProject();
  const host = new ProjectHost(first, () => {});
  try {
    const call = channelTable(createIpcHandlers(host.dispatcher(), { showOpen: async () => [] }))[IPC.call];
    assert.equal(((await call('listDocuments', {}, first)) as CallResult).ok, true);
    await host.api().openProject({ path: second });
    const refused = (await call('saveTranscription', { lineId: 1, text: 'meant for the first' }, first)) as CallResult;
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'project-changed');
    assert.match(!refused.ok ? refused.error.message : '', /no longer open/);
    // Which project is open is always answered; calls naming the open one, or none (the CLI), run.
    assert.equal(((await call('projectInfo', {}, first)) as CallResult).ok, true);
    assert.equal(((await call('listDocuments', {}, second)) as CallResult).ok, true);
    assert.equal(((await call('listDocuments', {})) as CallResult).ok, true);
  } finally {
    await host.close();
  }
  const app = await serveProject(second);
  try {
    const res = await fetch(`http://127.0.0.1:${app.server.port}/api/listDocuments`, {
      method: 'POST',
      headers: { 'x-quire-token': app.server.token, 'content-type': 'application/json', 'x-quire-project': encodeURIComponent(first) },
      body: '{}',
    });
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { code: string }).code, 'project-changed');
    // Uploads and exports too: nothing is imported into the project open now, nor exported from it.
    const headers = { 'x-quire-token': app.server.token, 'x-quire-project': encodeURIComponent(first) };
    const upload = await fetch(`http://127.0.0.1:${app.server.port}/upload?name=scan.png`, {
      method: 'POST',
      headers,
      body: new Uint8Array(await png(40, 30)),
    });
    assert.equal(upload.status, 409);
    assert.equal((app.project.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n, 0);
    const exported = await fetch(`http://127.0.0.1:${app.server.port}/export`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'text' }),
    });
    assert.equal(exported.status, 409);
  } finally {
    await app.close();
  }
});

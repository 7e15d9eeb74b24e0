// The queue on a Redis that wants a password, and one that speaks only TLS: real servers
// (test/helpers/redis.ts), the compiled CLI's workers and transcribe. The password goes in
// the URL (redis://:PASSWORD@host, redis://USER:PASSWORD@host/DB) or QUIRE_REDIS_PASSWORD,
// is never printed or stored, and a wrong or missing one ends the command at once with what
// to change rather than after a wait. Skipped, saying why, without redis-server (or TLS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { listJobs } from '../../../main/jobs/jobs.ts';
import { Project } from '../../../main/project/project.ts';
import { quireProcess, stopAll } from '../../helpers/cli-process.ts';
import { manyLinesProject } from '../../helpers/many-lines.ts';
import { redisSkip, redisTlsSkip, startRedis } from '../../helpers/redis.ts';

const PASSWORD = 'sekrit-Pw-42';
const plain = redisSkip ? undefined : await startRedis({ password: PASSWORD });
const secure = redisTlsSkip ? undefined : await startRedis({ password: PASSWORD, tls: true });

/** The server's URL with `auth` (such as `:PASSWORD@`) after the scheme. */
const withAuth = (url: string, auth: string, path = '') => url.replace('://', `://${auth}`) + path;

function theJob(dir: string) {
  const project = Project.openShared(dir);
  try {
    const jobs = listJobs(project);
    assert.equal(jobs.length, 1);
    return jobs[0];
  } finally {
    project.close();
  }
}

/** A worker for the project, on `url`, with `extra` options, and `env`. */
const worker = (made: { dir: string }, url: string, extra: string[] = [], env: Record<string, string> = {}) =>
  quireProcess(['worker', '--redis', url, '--projects', dirname(made.dir), '--threads', '1', '--lock-ms', '2000', ...extra], env);

const transcribe = (made: { dir: string; modelId: number }, url: string, ...extra: string[]) =>
  quireProcess(['transcribe', made.dir, '--model', String(made.modelId), '--redis', url, '--chunk-size', '20', ...extra]);

test(
  'with the password in the URL (both forms) the worker reads every line; the password is printed and stored nowhere',
  { skip: redisSkip },
  async () => {
    const made = await manyLinesProject(60, { pages: 1 });
    try {
      const w = worker(made, withAuth(plain!.url, `:${PASSWORD}@`));
      await w.waitFor(/takes tasks from redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? for projects/);
      const t = transcribe(made, withAuth(plain!.url, `default:${PASSWORD}@`, '/0'), '--json');
      assert.equal(await t.exited, 0, t.output());
      const job = theJob(made.dir);
      assert.equal(job.state, 'done');
      assert.match(job.log, /read 60 lines/);
      assert.match(job.log, /on redis:\/\/default:\*\*\*@127\.0\.0\.1:\d+\/0/, 'the log names the queue, password masked');
      await stopAll();
      for (const [what, text] of [
        ['the worker', w.output()],
        ['transcribe --json', t.output()],
        ['the job row', JSON.stringify(job)],
      ])
        assert.ok(!text.includes(PASSWORD), `${what} shows the password:\n${text.slice(-2000)}`);
    } finally {
      await stopAll();
    }
  },
);

test(
  'a wrong or missing password ends a worker and a transcription at once, saying so; QUIRE_REDIS_PASSWORD gives it',
  // Without the check, the worker waited for ever and transcribe for 10 s, then hung.
  { skip: redisSkip, timeout: 60_000 },
  async () => {
    const made = await manyLinesProject(4, { pages: 1 });
    const wrong = withAuth(plain!.url, ':not-the-one-7@');
    try {
      const refused = worker(made, wrong);
      assert.equal(await refused.exited, 2, refused.output());
      assert.match(
        refused.output(),
        /quire: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? refused the user name or password in the URL \(WRONGPASS/,
      );
      const none = worker(made, plain!.url);
      assert.equal(await none.exited, 2, none.output());
      assert.match(none.output(), /needs a password: give it in the URL \(redis:\/\/:PASSWORD@host:port\) or in QUIRE_REDIS_PASSWORD/);
      // Not the enqueuer's 10 s "no answer" timeout: the refusal itself, named.
      const t = transcribe(made, wrong);
      assert.equal(await t.exited, 2, t.output());
      assert.match(t.output(), /the queue could not take the job: Redis at .* refused the user name or password/);
      assert.equal(theJob(made.dir).state, 'failed');
      for (const p of [refused, t]) assert.ok(!p.output().includes('not-the-one-7'), p.output());

      // A URL the option refuses is not echoed: it may hold the password.
      const typo = worker(made, 'redis//:not-the-one-7@127.0.0.1:6379');
      assert.equal(await typo.exited, 2);
      assert.match(typo.output(), /--redis must be a URL such as redis:\/\/host:6379/);
      assert.ok(!typo.output().includes('not-the-one-7'), typo.output());

      const fromEnv = worker(made, plain!.url, [], { QUIRE_REDIS_PASSWORD: PASSWORD });
      await fromEnv.waitFor(/takes tasks from redis:\/\/:\*\*\*@127\.0\.0\.1/);
    } finally {
      await stopAll();
    }
  },
);

test(
  'over TLS (rediss://) with --redis-ca the queue works; without it the untrusted certificate is named at once',
  { skip: redisTlsSkip, timeout: 60_000 },
  async () => {
    const made = await manyLinesProject(40, { pages: 1 });
    const url = withAuth(secure!.url, `:${PASSWORD}@`);
    try {
      const untrusted = worker(made, url);
      assert.equal(await untrusted.exited, 2, untrusted.output());
      assert.match(
        untrusted.output(),
        /the TLS certificate of Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? is not trusted \(.*\): name the CA that signed it with --redis-ca FILE/,
      );
      const plainWithCa = worker(made, plain?.url ?? 'redis://127.0.0.1:1', ['--redis-ca', secure!.caFile!]);
      assert.equal(await plainWithCa.exited, 2);
      assert.match(plainWithCa.output(), /--redis-ca is for a TLS server: give a rediss:\/\/ URL/);

      const w = worker(made, url, ['--redis-ca', secure!.caFile!]);
      await w.waitFor(/takes tasks from rediss:\/\/:\*\*\*@127\.0\.0\.1/);
      const t = transcribe(made, url, '--redis-ca', secure!.caFile!);
      assert.equal(await t.exited, 0, t.output());
      assert.equal(theJob(made.dir).state, 'done');
      assert.match(theJob(made.dir).log, /read 40 lines/);
    } finally {
      await stopAll();
    }
  },
);

// `quire user …` and `quire serve`, as users run them (the compiled CLI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI } from '../../helpers/cli.ts';
import { postgresForThisFile, postgresMissing } from '../../helpers/postgres.ts';
import { tempDir } from '../../helpers/project.ts';

const database = postgresForThisFile();
const quire = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input });

test('quire user add/list/set-role/disable/enable/passwd: the password comes from stdin, never an argument', () => {
  const dir = join(tempDir(), 'p');
  assert.equal(quire(['init', dir]).status, 0);
  const add = quire(['user', 'add', dir, 'ada', '--role', 'admin', '--json'], 'ada-password\n');
  assert.equal(add.status, 0, add.stderr);
  assert.deepEqual(
    { ...JSON.parse(add.stdout), createdAt: undefined },
    { name: 'ada', role: 'admin', disabled: false, createdAt: undefined },
  );
  assert.equal(quire(['user', 'add', dir, 'tom'], 'tom-password\n').stdout.trim(), 'added tom (transcriber)');
  assert.equal(quire(['user', 'add', dir, 'eve', 'eve-password'], '').status, 1, 'a password argument is refused');
  const none = quire(['user', 'add', dir, 'eve'], '');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no password on stdin/);
  assert.equal(quire(['user', 'set-role', dir, 'tom', 'reviewer']).stdout.trim(), 'now tom (reviewer)');
  assert.equal(quire(['user', 'disable', dir, 'tom']).stdout.trim(), 'disabled tom (reviewer, disabled)');
  assert.equal(quire(['user', 'enable', dir, 'tom']).stdout.trim(), 'enabled tom (reviewer)');
  assert.equal(quire(['user', 'passwd', dir, 'tom'], 'new-password\n').status, 0);
  const lastAdmin = quire(['user', 'set-role', dir, 'ada', 'reviewer']);
  assert.equal(lastAdmin.status, 2);
  assert.match(lastAdmin.stderr, /ada is the last admin/);
  const list = JSON.parse(quire(['user', 'list', dir, '--json']).stdout) as Array<{ name: string; role: string }>;
  assert.deepEqual(
    list.map((u) => [u.name, u.role]),
    [
      ['ada', 'admin'],
      ['tom', 'reviewer'],
    ],
  );
});

test('quire serve refuses a project without an admin, then serves one with log-in', async () => {
  const dir = join(tempDir(), 'p');
  quire(['init', dir]);
  const refused = quire(['serve', dir, '--port', '0']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, new RegExp(`has no admin account: create one with \`quire user add .*p NAME --role admin\``));

  quire(['user', 'add', dir, 'ada', '--role', 'admin'], 'ada-password\n');
  const child = spawn(process.execPath, [CLI, 'serve', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const m = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) ok(m[1]);
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}`)));
    });
    assert.equal((await fetch(`${url}api/projectInfo`, { method: 'POST', body: '{}' })).status, 401);
    const login = await fetch(`${url}auth/login`, { method: 'POST', body: JSON.stringify({ name: 'ada', password: 'ada-password' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    assert.equal((await fetch(`${url}api/projectInfo`, { method: 'POST', headers: { cookie }, body: '{}' })).status, 200);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await new Promise((ok) => child.on('exit', ok)), 0, 'stops cleanly on SIGTERM');
});

test('quire serve takes a project folder, or --database URL with --files DIR (and --redis URL), and says which is missing', () => {
  const dir = join(tempDir(), 'p');
  const cases: Array<[string[], RegExp]> = [
    [['serve'], /name the project folder, or give --database URL --files DIR/],
    [['serve', dir, '--files', dir], /--files is for --database/],
    [['serve', dir, '--database', 'postgres://h/q', '--files', dir], /give a project folder or --database, not both/],
    [['serve', '--database', 'mysql://u:secret@h/q', '--files', dir], /--database: not a postgres:\/\/ or postgresql:\/\/ URL/],
    [['serve', '--database', 'postgres://h/q'], /--database needs --files DIR/],
    [['serve', dir, '--redis', 'redis://:secret@h:6379'], /--redis is for --database: a served project folder runs its jobs/],
  ];
  for (const [args, message] of cases) {
    const r = quire(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /secret/, 'a password in the URL is not echoed');
  }
});

test(
  'quire user on a server store: the accounts of a project moved to PostgreSQL, managed by its URL',
  { skip: postgresMissing },
  async () => {
    const dir = join(tempDir(), 'p');
    const url = await database();
    quire(['init', dir]);
    quire(['user', 'add', dir, 'ada', '--role', 'admin'], 'ada-password\n');
    assert.equal(quire(['migrate', dir, url, '--files', join(tempDir(), 'files')]).status, 0);
    const add = quire(['user', 'add', url, 'tom'], 'tom-password\n');
    assert.equal(add.stdout.trim(), 'added tom (transcriber)', add.stderr);
    assert.match(quire(['user', 'add', url, 'tom'], 'tom-password\n').stderr, /a user named tom exists already/);
    assert.equal(quire(['user', 'set-role', url, 'tom', 'reviewer']).stdout.trim(), 'now tom (reviewer)');
    assert.equal(quire(['user', 'disable', url, 'tom']).stdout.trim(), 'disabled tom (reviewer, disabled)');
    assert.equal(quire(['user', 'enable', url, 'tom']).stdout.trim(), 'enabled tom (reviewer)');
    assert.equal(quire(['user', 'passwd', url, 'tom'], 'new-password\n').status, 0);
    assert.match(quire(['user', 'disable', url, 'ada']).stderr, /ada is the last admin/);
    assert.deepEqual(
      (JSON.parse(quire(['user', 'list', url, '--json']).stdout) as Array<{ name: string; role: string }>).map((u) => [u.name, u.role]),
      [
        ['ada', 'admin'],
        ['tom', 'reviewer'],
      ],
    );
    const empty = quire(['user', 'list', await database()]);
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /server store postgres:\/\/\S+: holds no Quire project/, 'a database without a project is left alone');
  },
);

test('quire serve --database serves a project moved to PostgreSQL, with log-in', { skip: postgresMissing }, async () => {
  const dir = join(tempDir(), 'p');
  const files = join(tempDir(), 'files');
  const url = await database();
  quire(['init', dir]);
  quire(['user', 'add', dir, 'ada', '--role', 'admin'], 'ada-password\n');
  assert.equal(quire(['migrate', dir, url, '--files', files]).status, 0);
  const child = spawn(process.execPath, [CLI, 'serve', '--database', url, '--files', files, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const out = await new Promise<string>((ok, fail) => {
      let text = '';
      child.stdout.on('data', (c) => {
        text += c;
        if (/Open http:\/\/127\.0\.0\.1:\d+\//.test(text)) ok(text);
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}`)));
    });
    assert.match(out, /Quire team server for postgres:\/\//);
    const base = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)![1];
    const login = await fetch(`${base}auth/login`, { method: 'POST', body: JSON.stringify({ name: 'ada', password: 'ada-password' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const info = await fetch(`${base}api/projectInfo`, { method: 'POST', headers: { cookie }, body: '{}' });
    assert.equal(info.status, 200);
    assert.equal(((await info.json()) as { documents: number }).documents, 0);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await new Promise((ok) => child.on('exit', ok)), 0, 'stops cleanly on SIGTERM');
});

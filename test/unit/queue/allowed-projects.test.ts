// The folders a worker may open projects under: a path counts as inside by where the file
// system puts it (`..` and links resolved), and only a refusal no retry can change is final;
// server stores by their URL, never with a password where one is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { AllowedProjects, isWithin } from '../../../main/queue/allowed-projects.ts';
import { AllowedStores, storeUrl } from '../../../main/queue/allowed-stores.ts';
import { tempDir } from '../../helpers/project.ts';

test('isWithin: the folder itself and what lies beneath it, not a sibling that shares its name’s start', () => {
  assert.ok(isWithin('/srv/quire', '/srv/quire'));
  assert.ok(isWithin('/srv/quire', '/srv/quire/a/b'));
  assert.ok(isWithin('/srv/quire', '/srv/quire/..hidden'), 'a name beginning with two dots is inside');
  assert.ok(!isWithin('/srv/quire', '/srv/quire-other/a'));
  assert.ok(!isWithin('/srv/quire', '/srv'));
  assert.ok(!isWithin('/srv/quire', '/etc'));
});

test('a path inside, reached through a link to the allowed folder, resolves to its real path; outside ones are refused for good', () => {
  const base = tempDir();
  const allowed = join(base, 'projects');
  mkdirSync(join(allowed, 'p'), { recursive: true });
  mkdirSync(join(base, 'secret'));
  symlinkSync(allowed, join(base, 'via-link'));
  symlinkSync(join(base, 'secret'), join(allowed, 'out'));
  const gate = new AllowedProjects([join(base, 'via-link')]);
  assert.equal(gate.resolve(join(allowed, 'p')), join(allowed, 'p'));
  assert.equal(gate.resolve(join(base, 'via-link', 'p')), join(allowed, 'p'));
  assert.equal(gate.resolve(join(allowed, 'p', '..', 'p')), join(allowed, 'p'));
  for (const path of [join(base, 'secret'), join(allowed, '..', 'secret'), join(allowed, 'out'), join(allowed, 'out', 'deeper')])
    assert.throws(
      () => gate.resolve(path),
      (e: Error) =>
        e instanceof UnrecoverableError && e.message.includes(`project ${path} is outside`) && /--projects .*via-link/.test(e.message),
    );
  assert.throws(
    () => gate.resolve('projects/p'),
    (e: Error) => e instanceof UnrecoverableError && /not an absolute path/.test(e.message),
  );
  // Inside but absent (a share not mounted yet): an ordinary error, retried as the task allows.
  assert.throws(
    () => gate.resolve(join(allowed, 'later')),
    (e: Error) => !(e instanceof UnrecoverableError) && /does not exist/.test(e.message),
  );
});

test('--projects folders must exist and be folders', () => {
  const base = tempDir();
  writeFileSync(join(base, 'file'), '');
  assert.throws(() => new AllowedProjects([join(base, 'nope')]), /--projects: .*nope does not exist/);
  assert.throws(() => new AllowedProjects([join(base, 'file')]), /--projects: .*file is not a folder/);
  assert.throws(() => new AllowedProjects([]), /at least one folder/);
});

test('a server store is named by its URL without a password, and opened with the URL the worker was given', () => {
  assert.equal(storeUrl('postgresql://quire:s3cret@db.example:5432/archive'), 'postgres://quire@db.example:5432/archive');
  assert.equal(storeUrl('postgres://quire@db/archive?password=s3cret&sslmode=require'), 'postgres://quire@db/archive?sslmode=require');
  const files = tempDir();
  mkdirSync(join(files, 'archive'));
  const given = 'postgres://quire:s3cret@db.example:5432/archive';
  const allowed = new AllowedStores({ databases: [given], files: [files] });
  const named = { kind: 'postgres' as const, url: storeUrl(given), files: join(files, 'archive') };
  assert.deepEqual(allowed.server(named), { url: given, files: join(realpathSync(files), 'archive') });
  assert.throws(
    () => allowed.server({ ...named, url: 'postgres://quire:guess@db.example:5432/other' }),
    (e: Error) =>
      e instanceof UnrecoverableError &&
      e.message ===
        'server store postgres://quire:***@db.example:5432/other is not one this worker may open (--database postgres://quire:***@db.example:5432/archive); the task is refused',
  );
  assert.throws(
    () => allowed.folder(files),
    (e: Error) => e instanceof UnrecoverableError && /no --projects/.test(e.message),
  );
  assert.doesNotMatch(allowed.describe(), /s3cret/);
  assert.throws(() => new AllowedStores({ databases: [given] }), /--database needs --files DIR/);
  assert.throws(() => new AllowedStores({}), /--projects DIR\[,DIR\.\.\.\] and\/or --database/);
});

// Server URLs are printed and logged without their password, also one given in the query
// string, which the PostgreSQL and Redis clients both read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayUrl } from '../../../main/db/pg/store.ts';
import { redisLabel } from '../../../main/queue/tasks.ts';
import { hideUrlPassword } from '../../../shared/url-password.ts';

test('a PostgreSQL URL is shown without its password, in the user part or the query; a socket folder is kept as given', () => {
  assert.equal(displayUrl('postgres://quire:sekrit@db:5432/archive'), 'postgres://quire:***@db:5432/archive');
  assert.equal(
    displayUrl('postgres://quire@db/archive?password=sekrit&sslmode=require'),
    'postgres://quire@db/archive?password=***&sslmode=require',
  );
  assert.equal(
    displayUrl('postgres://quire@localhost/archive?host=/run/postgresql'),
    'postgres://quire@localhost/archive?host=/run/postgresql',
  );
  assert.equal(displayUrl('not a url sekrit'), 'postgres://…');
});

test('a Redis URL is logged with its password masked, in the user part or the query', () => {
  assert.equal(redisLabel('redis://default:sekrit@queue:6379/0'), 'redis://default:***@queue:6379/0');
  assert.equal(redisLabel('rediss://:sekrit@queue:6380'), 'rediss://:***@queue:6380');
  assert.equal(redisLabel('redis://queue:6379'), 'redis://queue:6379');
  assert.ok(!redisLabel('redis://queue:6379/0?password=sekrit').includes('sekrit'));
  assert.equal(redisLabel('::'), 'redis (URL not shown)');
});

test('every query key naming a password is masked, whatever its case', () => {
  assert.equal(hideUrlPassword('x://h/?PassWord=a&sslpassword=b&user=c', '*'), 'x://h/?PassWord=*&sslpassword=*&user=c');
});

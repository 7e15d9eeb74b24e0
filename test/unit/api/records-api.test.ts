// Requests of the records methods as every transport validates them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest, RequestError } from '../../../shared/api.ts';

test('a model is exported only to a .qmodel file', () => {
  assert.deepEqual(parseRequest('exportModel', { modelId: 1, file: '/tmp/hale.qmodel' }), { modelId: 1, file: '/tmp/hale.qmodel' });
  for (const file of ['/home/archivist/.bashrc', '/tmp/project/quire.db', '/tmp/hale.qmodel.txt'])
    assert.throws(
      () => parseRequest('exportModel', { modelId: 1, file }),
      (e: unknown) => e instanceof RequestError && /ends in \.qmodel/.test(String(e)),
    );
});

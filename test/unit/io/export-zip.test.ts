// Streaming an export zip to a slow connection: each file waits for the response to drain,
// and those waits leave no listeners behind (they piled up on the response and Node warned
// "MaxListenersExceededWarning: 11 error listeners added"), however many files there are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { unzipSync } from 'fflate';
import { streamZip } from '../../../main/export/export-zip.ts';
import { tempDir } from '../../helpers/project.ts';

test('a zip streamed through a slow writable keeps its listeners bounded and raises no warning', async () => {
  const dir = tempDir();
  // Images are stored as they are, so each file is one large chunk: every file waits to drain.
  const files = Array.from({ length: 40 }, (_, i) => {
    const file = join(dir, `page-${i + 1}.png`);
    writeFileSync(file, randomBytes(32 * 1024));
    return file;
  });
  const chunks: Buffer[] = [];
  let waits = 0;
  let most = 0;
  const out = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _, done) {
      chunks.push(chunk);
      // A slow connection: the chunk is taken a moment later.
      setTimeout(done, 1);
    },
  });
  const count = () => out.listenerCount('drain') + out.listenerCount('close') + out.listenerCount('error') + out.listenerCount('finish');
  out.on('drain', () => {
    waits++;
    most = Math.max(most, count());
  });
  const baseline = count();
  const warnings: Error[] = [];
  const warned = (w: Error) => warnings.push(w);
  process.on('warning', warned);
  try {
    await streamZip(dir, files, out);
    // Warnings are emitted on the next tick.
    await new Promise((ok) => setImmediate(ok));
  } finally {
    process.off('warning', warned);
  }
  assert.ok(waits >= files.length, `waited to drain after each file (${waits})`);
  assert.ok(most <= baseline + 4, `at most one wait's listeners at a time (${most} with ${baseline} of the test's own)`);
  assert.equal(count(), baseline, 'no listener is left once the zip is written');
  assert.deepEqual(
    warnings.map((w) => w.message),
    [],
  );
  const zip = unzipSync(new Uint8Array(Buffer.concat(chunks)));
  assert.equal(Object.keys(zip).length, files.length);
  assert.equal(zip['page-40.png'].length, 32 * 1024);
});

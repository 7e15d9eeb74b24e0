// Browser mode serves on the same port at every launch (what the page keeps in the browser,
// drafts included, belongs to the origin, port and all), and on a free one, saying so,
// when another program holds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { serveOnLaunchPort } from '../../../main/app/browser-mode.ts';
import { Project } from '../../../main/project/project.ts';
import { tempDir } from '../../helpers/project.ts';

function emptyProject(): string {
  const dir = join(tempDir(), 'p');
  Project.init(dir).close();
  return dir;
}

const listen = (server: Server, port = 0) =>
  new Promise<number>((ok) => server.listen(port, '127.0.0.1', () => ok((server.address() as { port: number }).port)));

test('serves on the preferred port when it is free, and on another, with a warning, when it is taken', async () => {
  // A port that was free a moment ago.
  const probe = createServer();
  const free = await listen(probe);
  await new Promise((ok) => probe.close(ok));
  const warnings: string[] = [];
  const app = await serveOnLaunchPort(emptyProject(), free, (m) => warnings.push(m));
  try {
    assert.equal(app.server.port, free);
    assert.equal(warnings.length, 0);
    const second = await serveOnLaunchPort(emptyProject(), free, (m) => warnings.push(m));
    try {
      assert.notEqual(second.server.port, free);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], new RegExp(`Port ${free} is taken.*http://127\\.0\\.0\\.1:${free}`));
    } finally {
      await second.close();
    }
  } finally {
    await app.close();
  }
});
